/**
 * `npx tsx scripts/screenshot.ts <url> <out.png> [width] [height]`: a full-page
 * screenshot of a running Splitscope page in Debian's Chromium (for the README and
 * for looking at what we build).
 */
import { launchChromium } from '../tests/support/browser';

async function main(): Promise<void> {
  const [url, out, width = '1440', height = '900'] = process.argv.slice(2);
  if (!url || !out) throw new Error('usage: tsx scripts/screenshot.ts <url> <out.png> [width] [height]');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
    await page.goto(url, { waitUntil: 'load' });
    // Let client components hydrate and SWR settle before the picture.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

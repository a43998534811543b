/**
 * Debian's Chromium driven by playwright-core: the one way tests and the screenshot
 * script open a browser (no browser download ever happens).
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SPLITSCOPE_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

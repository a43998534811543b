/**
 * Verification in Chromium, on the seed: start a probe from the designer in compare
 * mode; the chart and verdict update live; through the mesh the split is 10/90 and
 * consistent, without a sidecar about 50/50 and inconsistent; the probe pods are gone
 * afterwards.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUrl, sandboxKubeconfig } from '../support/app';
import { launchChromium } from '../support/browser';

async function responses(probe: Locator): Promise<number> {
  const text = await probe.getByText(/ responses · /).innerText();
  return Number((/^([\d,]+) responses/.exec(text)?.[1] ?? '0').replace(/,/g, ''));
}

async function observed(probe: Locator, destination: string): Promise<number> {
  const cell = probe.locator(`tr[data-destination="${destination}"] [data-testid="observed-share"]`);
  return Number.parseFloat(await cell.innerText()) / 100;
}

function probePods(): string {
  return execFileSync('kubectl', ['--kubeconfig', sandboxKubeconfig(), 'get', 'pods', '-A', '-l', 'splitscope.dev/probe', '-o', 'name'], { encoding: 'utf8' }).trim();
}

describe('verify (Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('starts a probe and a baseline from the designer, updates live, and reaches the verdicts', async () => {
    await page.goto(appUrl('/designer/default/hujin-virtual-svc?route=0'));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/probe=[a-z0-9]+&baseline=[a-z0-9]+/, { timeout: 30_000 });
    const url = new URL(page.url());
    const mesh = page.getByTestId(`probe-${url.searchParams.get('probe') ?? ''}`);
    const baseline = page.getByTestId(`probe-${url.searchParams.get('baseline') ?? ''}`);
    await mesh.waitFor();
    await baseline.waitFor();

    // Live: the count grows while the probe runs, without reloading the page.
    await expect.poll(() => responses(mesh), { timeout: 60_000 }).toBeGreaterThan(100);
    const early = await responses(mesh);
    await expect.poll(() => responses(mesh), { timeout: 30_000 }).toBeGreaterThan(early);
    await expect.poll(() => mesh.getByTestId('probe-chart').locator('path.recharts-curve').count(), { timeout: 45_000 }).toBeGreaterThan(0);

    await expect.poll(() => mesh.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => baseline.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await mesh.getAttribute('data-verdict')).toBe('consistent');
    expect(await baseline.getAttribute('data-verdict')).toBe('inconsistent');
    expect(Math.abs((await observed(mesh, 'my-apache:80')) - 0.1)).toBeLessThan(0.03);
    expect(Math.abs((await observed(baseline, 'my-apache:80')) - 0.5)).toBeLessThan(0.06);
    expect(await responses(mesh)).toBe(3000);

    await expect.poll(probePods, { timeout: 45_000 }).toBe('');
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

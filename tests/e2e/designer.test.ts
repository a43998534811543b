/**
 * The designer in Chromium, on the seed: drag my-apache from 10 to 30 with the mouse,
 * review the diff, apply, and kubectl shows 30/70 with every other field intact; the
 * same with the keyboard; revert restores 10/90.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUrl, sandboxKubeconfig } from '../support/app';
import { launchChromium } from '../support/browser';
import type { K8sVirtualService } from '@/lib/wire';

const VS = 'hujin-virtual-svc';
const SLIDER = 'Weight of my-apache:80';

function kubectlVirtualService(): K8sVirtualService {
  const out = execFileSync('kubectl', ['--kubeconfig', sandboxKubeconfig(), 'get', 'virtualservice', VS, '-n', 'default', '-o', 'json'], { encoding: 'utf8' });
  return JSON.parse(out) as K8sVirtualService;
}

function weightsOf(vs: K8sVirtualService): number[] {
  return (vs.spec?.http?.[0]?.route ?? []).map((d) => d.weight ?? 0);
}

/** The object without what an apply is meant to change (weights, our history) or the server manages. */
function withoutChangedFields(vs: K8sVirtualService): unknown {
  const copy = structuredClone(vs);
  for (const destination of copy.spec?.http?.[0]?.route ?? []) delete destination.weight;
  if (copy.metadata) {
    delete copy.metadata.resourceVersion;
    delete copy.metadata.generation;
    delete copy.metadata.managedFields;
    if (copy.metadata.annotations) {
      delete copy.metadata.annotations['splitscope.dev/history'];
      if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
    }
  }
  return copy;
}

async function openDesigner(page: Page): Promise<void> {
  await page.goto(appUrl(`/designer/default/${VS}?route=0`));
  await page.getByRole('slider', { name: SLIDER }).waitFor();
}

async function sliderValue(page: Page): Promise<number> {
  return Number(await page.getByRole('slider', { name: SLIDER }).inputValue());
}

async function applyAndWait(page: Page): Promise<void> {
  const diff = page.getByTestId('yaml-diff');
  await expect.poll(async () => (await diff.count()) > 0 && (await diff.innerText()).includes('weight: 30'), { timeout: 45_000 }).toBe(true);
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  await expect.poll(() => apply.isEnabled(), { timeout: 45_000 }).toBe(true);
  await apply.click();
  await page.getByTestId('apply-status').waitFor({ timeout: 45_000 });
}

async function revertNewest(page: Page): Promise<void> {
  const revert = page.getByRole('button', { name: /^Revert to #/ }).first();
  await revert.click();
  await expect.poll(() => weightsOf(kubectlVirtualService()), { timeout: 45_000 }).toEqual([10, 90]);
}

describe('designer (Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows my-apache-vs split 10/90 on the overview', async () => {
    await page.goto(appUrl('/'));
    const card = page.getByTestId(`vs-${VS}`);
    await card.waitFor();
    await expect.poll(() => card.innerText()).toContain('my-apache-vs');
    const legend = await card.getByTestId('split-legend-item').allInnerTexts();
    expect(legend.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual(['my-apache:80 10%', 'my-apache-2:80 90%']);
  });

  it('drags my-apache from 10 to 30 with the mouse, applies, and kubectl shows 30/70 with nothing else changed', async () => {
    const before = kubectlVirtualService();
    expect(weightsOf(before)).toEqual([10, 90]);
    await openDesigner(page);
    const slider = page.getByRole('slider', { name: SLIDER });
    const box = await slider.boundingBox();
    if (!box) throw new Error('the slider has no box');
    // Grab the thumb where value 10 sits, then drag right until the value reads 30.
    const xFor = (value: number) => box.x + 8 + ((box.width - 16) * value) / 100;
    const y = box.y + box.height / 2;
    await page.mouse.move(xFor(10), y);
    await page.mouse.down();
    let x = xFor(30);
    await page.mouse.move(x, y, { steps: 8 });
    for (let i = 0; i < 20 && (await sliderValue(page)) !== 30; i += 1) {
      x += (await sliderValue(page)) < 30 ? 1 : -1;
      await page.mouse.move(x, y);
    }
    await page.mouse.up();
    expect(await sliderValue(page)).toBe(30);
    expect(Number(await page.getByRole('slider', { name: 'Weight of my-apache-2:80' }).inputValue())).toBe(70);

    await applyAndWait(page);
    const after = kubectlVirtualService();
    expect(weightsOf(after)).toEqual([30, 70]);
    expect(withoutChangedFields(after)).toEqual(withoutChangedFields(before));

    await revertNewest(page);
  });

  it("does the same with the keyboard, and the overview's one-click revert restores 10/90", async () => {
    await openDesigner(page);
    const slider = page.getByRole('slider', { name: SLIDER });
    expect(await sliderValue(page)).toBe(10);
    await slider.focus();
    await page.keyboard.press('PageUp'); // 20
    await page.keyboard.press('PageUp'); // 30
    await page.keyboard.press('ArrowRight'); // 31
    await page.keyboard.press('ArrowLeft'); // 30
    expect(await sliderValue(page)).toBe(30);
    await applyAndWait(page);
    expect(weightsOf(kubectlVirtualService())).toEqual([30, 70]);

    await page.goto(appUrl('/?namespace=default'));
    await page.getByTestId(`vs-${VS}`).getByRole('button', { name: /^Revert to #/ }).click();
    await expect.poll(() => weightsOf(kubectlVirtualService()), { timeout: 45_000 }).toEqual([10, 90]);
    await expect.poll(() => page.getByTestId(`vs-${VS}`).getByTestId('split-legend-item').first().innerText(), { timeout: 45_000 }).toContain('10%');
    await page.goto(appUrl(`/designer/default/${VS}?route=0`));
    await page.getByRole('slider', { name: SLIDER }).waitFor();
    expect(await sliderValue(page)).toBe(10);
  });

  it('shows a concurrent change as a conflict, re-applies the weights on top of it, and loses neither', async () => {
    const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', sandboxKubeconfig(), '-n', 'default', ...args], { encoding: 'utf8' });
    await openDesigner(page);
    // Someone else changes the object after the page loaded it.
    kubectl('label', 'virtualservice', VS, 'team=payments');
    await page.getByRole('slider', { name: SLIDER }).focus();
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    // The dry run of the change already meets the conflict (the Apply would too).
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor({ timeout: 45_000 });
    expect(await conflict.innerText()).toContain('team: payments');
    expect(weightsOf(kubectlVirtualService())).toEqual([10, 90]);

    await conflict.getByRole('button', { name: 'Re-apply my weights on top' }).click();
    await applyAndWait(page);
    const after = kubectlVirtualService();
    expect(weightsOf(after)).toEqual([30, 70]);
    expect(after.metadata?.labels?.team).toBe('payments');

    await revertNewest(page);
    kubectl('label', 'virtualservice', VS, 'team-');
  });

  it('raised no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

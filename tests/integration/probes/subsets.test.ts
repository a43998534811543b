/**
 * Probes of a split between DestinationRule subsets of one Service (bookinfo's reviews
 * v1/v2/v3, 70/20/10), classified by fingerprints learned from each subset's pod and by
 * response tagging; tagging leaves the VirtualService exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { useInProcessSandbox } from '../../support/in-process-sandbox';
import { getVirtualService } from '@/lib/kube';
import { ProbeRegistry } from '@/lib/probe/session/registry';
import type { ProbeView } from '@/lib/probe/view';
import type { K8sVirtualService } from '@/lib/wire';

const PROBE = { namespace: 'bookinfo', url: 'http://reviews:9080/', rate: 150, count: 3000, sidecar: true, tolerance: 0.05 };

function withoutServerFields(vs: K8sVirtualService): unknown {
  const copy = structuredClone(vs);
  if (copy.metadata) {
    delete copy.metadata.resourceVersion;
    delete copy.metadata.generation;
    delete copy.metadata.managedFields;
  }
  return copy;
}

async function run(registry: ProbeRegistry, extra: Record<string, unknown>): Promise<ProbeView> {
  const session = await registry.start({ ...PROBE, ...extra });
  await session.ended();
  return session.view();
}

function shares(view: ProbeView): Record<string, number> {
  return Object.fromEntries(view.destinations.map((d) => [d.name, d.share]));
}

describe('probing a split between subsets', () => {
  useInProcessSandbox('bookinfo-reviews');

  it('learns each subset from its own pod and sees 70/20/10', async () => {
    const view = await run(new ProbeRegistry(), { classify: 'fingerprint' });
    expect(view.state).toBe('done');
    expect(view.unclassified + view.errors).toBe(0);
    const observed = shares(view);
    expect(Object.keys(observed)).toEqual(['reviews/v1', 'reviews/v2', 'reviews/v3']);
    expect(Math.abs((observed['reviews/v1'] ?? 0) - 0.7)).toBeLessThan(0.04);
    expect(Math.abs((observed['reviews/v3'] ?? 0) - 0.1)).toBeLessThan(0.03);
    expect(view.verdict).not.toBe('inconsistent');
  });

  it('classifies by a response header it adds for the probe, and removes it without a trace', async () => {
    const before = await getVirtualService({ namespace: 'bookinfo', name: 'reviews' });
    const view = await run(new ProbeRegistry(), { classify: 'header' });
    expect(view.unclassified + view.errors).toBe(0);
    expect(Math.abs((shares(view)['reviews/v2'] ?? 0) - 0.2)).toBeLessThan(0.04);
    const after = await getVirtualService({ namespace: 'bookinfo', name: 'reviews' });
    expect(withoutServerFields(after)).toEqual(withoutServerFields(before));
  });
});

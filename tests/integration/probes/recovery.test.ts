/**
 * A restarted dashboard finds running probes again from their pods' labels and takes
 * them up, and deletes probe pods whose deadline has passed. The "previous dashboard"
 * is played by creating probe pods exactly as the registry does, then starting a fresh
 * registry against the same (sandbox) cluster.
 */
import { describe, expect, it } from 'vitest';
import { useInProcessSandbox } from '../../support/in-process-sandbox';
import { createPod, listPodsBySelector } from '@/lib/kube';
import { buildProbePod } from '@/lib/probe/pod';
import { ProbeRegistry } from '@/lib/probe/session/registry';
import { SESSION_ANNOTATION, type SessionConfig } from '@/lib/probe/session/session';
import { parseProbeUrl, resolveProbeTarget } from '@/lib/probe/session/target';
import type { ProbeSpec } from '@/lib/probe/spec';


async function leaveProbePod(spec: Omit<ProbeSpec, 'namespace' | 'url' | 'sidecar'>): Promise<void> {
  const url = parseProbeUrl('http://my-apache-vs/');
  const target = await resolveProbeTarget({ namespace: 'default', url, subsetLabels: () => undefined });
  const full: ProbeSpec = { ...spec, namespace: 'default', url: url.toString(), sidecar: true, learn: target.learn };
  const config: SessionConfig = { spec: full, destinations: target.destinations, route: target.route, tolerance: 0.05, alpha: 0.05, notes: [], createdAt: Date.now() };
  const pod = buildProbePod(full);
  pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, [SESSION_ANNOTATION]: JSON.stringify(config) } };
  await createPod({ namespace: 'default', pod });
}

async function probePodNames(): Promise<string[]> {
  return (await listPodsBySelector({ labelSelector: 'splitscope.dev/probe' })).map((p) => p.metadata?.name ?? '');
}

describe('probe recovery after a dashboard restart', () => {
  useInProcessSandbox();

  it('takes a running probe up again, finishes it with every response, and deletes an expired one', async () => {
    await leaveProbePod({ id: 'recovering', rate: 100, count: 1500, deadlineSeconds: 120 });
    await leaveProbePod({ id: 'expired', rate: 10, count: 100_000, deadlineSeconds: 1 });
    await expect.poll(probePodNames).toEqual(['splitscope-probe-expired', 'splitscope-probe-recovering']);
    // Let the second one pass its deadline (the sandbox's kubelet stops it; its pod object stays).
    await new Promise((r) => setTimeout(r, 2_500));

    const registry = new ProbeRegistry();
    const session = await registry.get('recovering');
    expect(session).toBeDefined();
    expect(await registry.get('expired')).toBeUndefined();
    await session?.ended();
    const view = session?.view();
    expect(view?.state).toBe('done');
    expect(view?.total).toBe(1500);
    expect(view?.unclassified).toBe(0);
    expect(view?.destinations.map((d) => d.name)).toEqual(['my-apache:80', 'my-apache-2:80']);
    expect(await probePodNames()).toEqual([]);
  });
});

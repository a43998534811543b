import { describe, expect, it } from 'vitest';
import { computeEndpointGroups, endpointsSubsets, resolveTargetPort, sliceEndpoints } from '@/lib/sandbox/runtime/controllers/endpoints-model';
import type { Pod, Service } from '@/lib/sandbox/runtime/shapes';

function pod(name: string, ip: string | undefined, options: { ready?: boolean; labels?: Record<string, string>; phase?: string; ports?: { name?: string; containerPort: number }[]; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: options.labels ?? { app: 'web' }, ...(options.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'web', ports: options.ports ?? [{ name: 'http', containerPort: 8080 }] }], nodeName: 'node' },
    status: {
      phase: options.phase ?? 'Running',
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  };
}

const service: Service = {
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
};

describe('endpoints of a Service', () => {
  it('lists ready pods under addresses and others under notReadyAddresses, on the resolved port', () => {
    const groups = computeEndpointGroups(service, [pod('a', '127.1.0.2'), pod('b', '127.1.0.1', { ready: false })]);
    expect(groups).toHaveLength(1);
    expect(endpointsSubsets(groups ?? [])).toEqual([
      {
        addresses: [{ ip: '127.1.0.2', nodeName: 'node', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '127.1.0.1', nodeName: 'node', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('leaves out pods without an IP, finished, being deleted, not selected, or without the named port', () => {
    const groups = computeEndpointGroups(service, [
      pod('no-ip', undefined),
      pod('done', '127.1.0.3', { phase: 'Succeeded' }),
      pod('failed', '127.1.0.4', { phase: 'Failed' }),
      pod('going', '127.1.0.5', { deleting: true }),
      pod('other', '127.1.0.6', { labels: { app: 'other' } }),
      pod('unnamed', '127.1.0.7', { ports: [{ containerPort: 8080 }] }),
    ]);
    expect(groups).toEqual([]);
  });

  it('groups pods by the ports they resolve to, one subset (slice) each', () => {
    const groups = computeEndpointGroups(service, [pod('a', '127.1.0.1'), pod('b', '127.1.0.2', { ports: [{ name: 'http', containerPort: 9090 }] })]);
    expect(groups?.map((g) => g.ports[0]?.port).sort()).toEqual([8080, 9090]);
  });

  it('manages nothing for a Service without selector', () => {
    expect(computeEndpointGroups({ metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } }, [pod('a', '127.1.0.1')])).toBeUndefined();
  });

  it('resolves numeric, absent and named target ports as Kubernetes does', () => {
    const p = pod('a', '127.1.0.1');
    expect(resolveTargetPort(p, { port: 80 })).toBe(80);
    expect(resolveTargetPort(p, { port: 80, targetPort: 9000 })).toBe(9000);
    expect(resolveTargetPort(p, { port: 80, targetPort: '9001' })).toBe(9001);
    expect(resolveTargetPort(p, { port: 80, targetPort: 'http' })).toBe(8080);
    expect(resolveTargetPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' })).toBeUndefined();
  });

  it('gives slice endpoints ready/serving/terminating conditions', () => {
    const [group] = computeEndpointGroups(service, [pod('a', '127.1.0.1'), pod('b', '127.1.0.2', { ready: false })]) ?? [];
    expect(sliceEndpoints(group ?? { ports: [], ready: [], notReady: [] }).map((e) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: false, serving: false, terminating: false },
    ]);
  });
});

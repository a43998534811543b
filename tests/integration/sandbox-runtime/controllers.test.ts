/**
 * The controllers against the store: Deployments scale and roll out through ReplicaSets,
 * deletion cascades, and Endpoints/EndpointSlices follow pod readiness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '@/lib/wire';
import { pods, startTestSandbox, waitFor, type TestSandbox } from './support';

const NAMESPACE = 'apps';

function deployment(replicas: number, answer: string): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'splitscope.dev/answer': answer } },
        spec: { containers: [{ name: 'web', image: 'httpd', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

function livePods(sandbox: TestSandbox): ReturnType<typeof pods> {
  return pods(sandbox.store, NAMESPACE).filter((p) => p.metadata.labels?.app === 'web');
}

function readyIps(sandbox: TestSandbox, service: string): string[] {
  const ep = sandbox.store.get('endpoints', NAMESPACE, service);
  const subsets = Array.isArray(ep?.subsets) ? ep.subsets : [];
  return subsets.flatMap((s: { addresses?: { ip: string }[] }) => (s.addresses ?? []).map((a) => a.ip)).sort();
}

describe('controllers', () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sandbox.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    sandbox.store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NAMESPACE },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('creates pods named <deployment>-<hash>-<suffix>, owned by a ReplicaSet, and their endpoints on the named port', async () => {
    sandbox.store.create('deployments.apps', deployment(3, 'one'));
    await waitFor('3 ready endpoints', () => readyIps(sandbox, 'web').length === 3);
    const all = livePods(sandbox);
    expect(all).toHaveLength(3);
    for (const p of all) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    }
    expect(readyIps(sandbox, 'web')).toEqual(all.map((p) => p.status?.podIP ?? '').sort());
    expect(JSON.stringify(sandbox.store.get('endpoints', NAMESPACE, 'web'))).toContain('"port":8080');
    const slices = sandbox.store.list('endpointslices.discovery.k8s.io', NAMESPACE);
    expect(slices).toHaveLength(1);
    expect(slices[0]?.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'Service', name: 'web' })]);
  });

  it('scales down and up', async () => {
    const d = sandbox.store.get('deployments.apps', NAMESPACE, 'web');
    sandbox.store.update('deployments.apps', { ...d, spec: deployment(1, 'one').spec });
    await waitFor('1 pod', () => livePods(sandbox).length === 1 && readyIps(sandbox, 'web').length === 1);
    const again = sandbox.store.get('deployments.apps', NAMESPACE, 'web');
    sandbox.store.update('deployments.apps', { ...again, spec: deployment(2, 'one').spec });
    await waitFor('2 ready pods', () => readyIps(sandbox, 'web').length === 2);
    expect(sandbox.store.get('deployments.apps', NAMESPACE, 'web')?.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
  });

  it('rolls out a template change through a new ReplicaSet, replacing every pod', async () => {
    const oldNames = livePods(sandbox).map((p) => p.metadata.name);
    const d = sandbox.store.get('deployments.apps', NAMESPACE, 'web');
    sandbox.store.update('deployments.apps', { ...d, spec: deployment(2, 'two').spec });
    await waitFor('only new pods', () => {
      const names = livePods(sandbox).map((p) => p.metadata.name);
      return names.length === 2 && names.every((n) => !oldNames.includes(n)) && readyIps(sandbox, 'web').length === 2;
    });
    const sets = sandbox.store.list('replicasets.apps', NAMESPACE);
    expect(sets).toHaveLength(2);
    expect(sets.map((rs) => JSON.stringify(rs.spec).match(/"replicas":(\d+)/)?.[1]).sort()).toEqual(['0', '2']);
  });

  it('lists a crash-looping pod under notReadyAddresses', async () => {
    sandbox.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'crasher', namespace: NAMESPACE, labels: { app: 'web' } },
      spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 1'], ports: [{ name: 'http', containerPort: 8080 }] }] },
    });
    await waitFor('crasher not ready', () => JSON.stringify(sandbox.store.get('endpoints', NAMESPACE, 'web')?.subsets ?? []).includes('"notReadyAddresses"'));
    sandbox.store.delete('pods', NAMESPACE, 'crasher');
    await waitFor('crasher gone from endpoints', () => !JSON.stringify(sandbox.store.get('endpoints', NAMESPACE, 'web')?.subsets ?? []).includes('notReady'));
  });

  it('deletes ReplicaSets and pods with their Deployment, Endpoints and slices with their Service', async () => {
    sandbox.store.delete('deployments.apps', NAMESPACE, 'web');
    await waitFor('pods gone', () => livePods(sandbox).length === 0 && sandbox.store.list('replicasets.apps', NAMESPACE).length === 0);
    sandbox.store.delete('services', NAMESPACE, 'web');
    await waitFor('endpoints gone', () => !sandbox.store.get('endpoints', NAMESPACE, 'web') && sandbox.store.list('endpointslices.discovery.k8s.io', NAMESPACE).length === 0);
  });
});

import { describe, expect, it } from 'vitest';
import { createDefaulter } from '@/lib/sandbox/api/defaults';
import { ObjectStore } from '@/lib/sandbox/store';
import type { K8sObject } from '@/lib/wire';

const defaulter = createDefaulter(new ObjectStore());

function defaultedPod(spec: Record<string, unknown>): Record<string, unknown> {
  const out = defaulter('pods', { metadata: { name: 'p', namespace: 'd' }, spec: structuredClone(spec) }, undefined).spec;
  if (typeof out !== 'object' || out === null || Array.isArray(out)) throw new Error('no spec');
  return { ...out };
}

describe('pod defaults', () => {
  it('drops an empty env value, and names the apiVersion of a fieldRef', () => {
    const spec = defaultedPod({
      containers: [{ name: 'a', image: 'x', env: [{ name: 'EMPTY', value: '' }, { name: 'SET', value: 'v' }, { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }] }],
    });
    expect(spec.containers).toEqual([
      expect.objectContaining({ env: [{ name: 'EMPTY' }, { name: 'SET', value: 'v' }, { name: 'NS', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }] }),
    ]);
  });

  it('keeps the deprecated serviceAccount in step with serviceAccountName, either way', () => {
    expect(defaultedPod({ containers: [], serviceAccountName: 'a' })).toMatchObject({ serviceAccountName: 'a', serviceAccount: 'a' });
    expect(defaultedPod({ containers: [], serviceAccount: 'b' })).toMatchObject({ serviceAccountName: 'b', serviceAccount: 'b' });
    expect(defaultedPod({ containers: [] })).not.toHaveProperty('serviceAccount');
  });

  it('gives volumes their default mode, a bare volume an emptyDir, and downward fieldRefs their apiVersion', () => {
    const spec = defaultedPod({
      containers: [],
      volumes: [
        { name: 'bare' },
        { name: 'cm', configMap: { name: 'c' } },
        { name: 'secret', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'down', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'proj', projected: { sources: [{ downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } },
      ],
    });
    expect(spec.volumes).toEqual([
      { name: 'bare', emptyDir: {} },
      { name: 'cm', configMap: { name: 'c', defaultMode: 420 } },
      { name: 'secret', secret: { secretName: 's', defaultMode: 256 } },
      { name: 'down', downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }], defaultMode: 420 } },
      { name: 'proj', projected: { sources: [{ downwardAPI: { items: [{ path: 'ns', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }], defaultMode: 420 } },
    ]);
  });

  it('is idempotent', () => {
    const once = defaultedPod({ containers: [{ name: 'a', image: 'x', env: [{ name: 'E', value: '' }] }], volumes: [{ name: 'v' }], serviceAccount: 's' });
    expect(defaultedPod(once)).toEqual(once);
  });
});

describe('metadata', () => {
  it.each<[string, K8sObject['metadata']]>([
    ['labels', { name: 'x', labels: {} }],
    ['annotations', { name: 'x', annotations: {} }],
    ['finalizers', { name: 'x', finalizers: [] }],
    ['ownerReferences', { name: 'x', ownerReferences: [] }],
  ])('drops an empty %s, for every type', (key, metadata) => {
    for (const resource of ['virtualservices.networking.istio.io', 'services', 'pods']) {
      expect(defaulter(resource, { metadata: structuredClone(metadata), spec: {} }, undefined).metadata).not.toHaveProperty(key);
    }
  });

  it('keeps a map with keys', () => {
    expect(defaulter('pods', { metadata: { name: 'x', labels: { a: 'b' } }, spec: {} }, undefined).metadata?.labels).toEqual({ a: 'b' });
  });
});

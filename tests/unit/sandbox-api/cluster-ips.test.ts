import { describe, expect, it } from 'vitest';
import type { K8sObject } from '@/lib/wire';
import { ClusterIpAllocator } from '@/lib/sandbox/api/cluster-ips';
import { createDefaulter } from '@/lib/sandbox/api/defaults';
import { ObjectStore } from '@/lib/sandbox/store';

function service(name: string, clusterIP?: string): K8sObject {
  return { metadata: { name, namespace: 'd' }, spec: { ports: [{ port: 80 }], ...(clusterIP ? { clusterIP } : {}) } };
}

function clusterIp(object: K8sObject): unknown {
  return typeof object.spec === 'object' && object.spec !== null && 'clusterIP' in object.spec ? object.spec.clusterIP : undefined;
}

function defaultedStore(): ObjectStore {
  const store = new ObjectStore();
  store.useDefaulter(createDefaulter(store));
  return store;
}

describe('service cluster IPs', () => {
  it('hands out addresses in order from 10.96.0.10', () => {
    const store = defaultedStore();
    const ips = ['a', 'b', 'c'].map((n) => clusterIp(store.create('services', service(n))));
    expect(ips).toEqual(['10.96.0.10', '10.96.0.11', '10.96.0.12']);
  });

  it('crosses into the next octet', () => {
    const store = defaultedStore();
    for (let i = 0; i < 246; i += 1) store.create('services', service(`s${i}`));
    expect(clusterIp(store.create('services', service('next')))).toBe('10.96.1.0');
  });

  it('gives a deleted Service its address back, and skips one a Service asked for', () => {
    const store = defaultedStore();
    store.create('services', service('a'));
    store.create('services', service('b'));
    store.create('services', service('pinned', '10.96.0.12'));
    store.delete('services', 'd', 'a');
    expect(clusterIp(store.create('services', service('c')))).toBe('10.96.0.10');
    expect(clusterIp(store.create('services', service('d')))).toBe('10.96.0.13');
  });

  it('frees an address when an update moves a Service off it', () => {
    const store = defaultedStore();
    const a = store.create('services', service('a'));
    store.update('services', { ...a, spec: { ports: [{ port: 80 }], type: 'ExternalName', externalName: 'example.com' } });
    expect(clusterIp(store.create('services', service('b')))).toBe('10.96.0.10');
  });

  it('reserves nothing for an address it only handed out (a dry run)', () => {
    const store = new ObjectStore();
    const allocator = new ClusterIpAllocator(store);
    expect(allocator.allocate()).toBe('10.96.0.10');
    expect(allocator.allocate()).toBe('10.96.0.10');
  });

  it('knows the addresses of a store restored from a snapshot', () => {
    const first = defaultedStore();
    first.create('services', service('a'));
    first.create('services', service('b'));
    const restored = new ObjectStore(first.snapshot());
    expect(new ClusterIpAllocator(restored).allocate()).toBe('10.96.0.12');
  });

  it('keeps an address taken while two Services hold it and one goes', () => {
    const store = defaultedStore();
    store.create('services', service('a', '10.96.0.10'));
    store.create('services', service('twin', '10.96.0.10'));
    store.delete('services', 'd', 'twin');
    expect(clusterIp(store.create('services', service('b')))).toBe('10.96.0.11');
  });
});

import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, nextGeneration, ObjectStore, StoreConflictError } from '@/lib/sandbox/store';

describe('object store', () => {
  it('stamps generation only on types that carry one', () => {
    const store = new ObjectStore();
    expect(store.create('services', { metadata: { name: 's', namespace: 'd' } }).metadata?.generation).toBeUndefined();
    expect(store.create('pods', { metadata: { name: 'p', namespace: 'd' } }).metadata?.generation).toBe(1);
  });

  it('bumps generation on spec changes only', () => {
    const store = new ObjectStore();
    const created = store.create('virtualservices.networking.istio.io', { metadata: { name: 'v', namespace: 'd' }, spec: { hosts: ['a'] } });
    const relabelled = store.update('virtualservices.networking.istio.io', { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } });
    expect(relabelled.metadata?.generation).toBe(1);
    const changed = store.update('virtualservices.networking.istio.io', { ...relabelled, spec: { hosts: ['b'] } });
    expect(changed.metadata?.generation).toBe(2);
  });

  it('keeps generation on a write that asks so (a binding or a status write)', () => {
    const store = new ObjectStore();
    const created = store.create('pods', { metadata: { name: 'p', namespace: 'd' }, spec: { containers: [] } });
    const bound = store.update('pods', { ...created, spec: { containers: [], nodeName: 'n' } }, { keepGeneration: true });
    expect(bound.metadata?.generation).toBe(1);
    expect(nextGeneration('pods', bound, { ...bound, spec: { containers: [{ name: 'c' }] } })).toBe(2);
    expect(nextGeneration('services', bound, { ...bound, spec: {} })).toBeUndefined();
  });

  it('rejects a stale resourceVersion', () => {
    const store = new ObjectStore();
    const created = store.create('services', { metadata: { name: 's', namespace: 'd' } });
    store.update('services', { ...created, spec: { a: 1 } });
    expect(() => store.update('services', { ...created, spec: { a: 2 } })).toThrow(StoreConflictError);
  });

  it('replays changes after a revision, and forgets what is too old', () => {
    const store = new ObjectStore();
    const first = store.create('pods', { metadata: { name: 'a', namespace: 'd' } });
    store.create('pods', { metadata: { name: 'b', namespace: 'd' } });
    store.delete('pods', 'd', 'a');
    const changes = store.changesSince(Number(first.metadata?.resourceVersion));
    expect(changes?.map((c) => `${c.type} ${c.object.metadata?.name ?? ''}`)).toEqual(['ADDED b', 'DELETED a']);
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) store.create('pods', { metadata: { name: `p${i}`, namespace: 'd' } });
    expect(store.changesSince(Number(first.metadata?.resourceVersion))).toBeUndefined();
    expect(store.oldestResumableRevision).toBeGreaterThan(3);
  });

  it('starts a restored store with no history before its snapshot', () => {
    const store = new ObjectStore();
    store.create('pods', { metadata: { name: 'a', namespace: 'd' } });
    const restored = new ObjectStore(store.snapshot());
    expect(restored.resourceVersion).toBe('1');
    expect(restored.changesSince(0)).toBeUndefined();
    expect(restored.changesSince(1)).toEqual([]);
  });

  it('applies the defaulter on every write', () => {
    const store = new ObjectStore();
    store.useDefaulter((_resource, object) => ({ ...object, spec: { defaulted: true } }));
    expect(store.create('services', { metadata: { name: 's', namespace: 'd' } }).spec).toEqual({ defaulted: true });
  });
});

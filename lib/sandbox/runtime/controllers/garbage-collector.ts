/**
 * The garbage collector, reduced to what the sandbox's objects need: when an owner is
 * deleted, its dependents (by ownerReferences uid) are deleted too, as Kubernetes'
 * default background propagation does. That is how deleting a Deployment takes its
 * ReplicaSets and their pods with it, and deleting a Service its EndpointSlices.
 *
 * Known debt: no orphan or foreground propagation; `propagationPolicy` is not read.
 */
import { StoreNotFoundError } from '../../store';
import type { Lister } from '../informer';
import { RESOURCES, type Controller, type ControllerContext } from './context';

interface Owned {
  metadata: { name: string; namespace?: string; ownerReferences?: { uid?: string; name: string; kind: string }[] };
}

/** Starts deleting dependents of deleted owners (see the top of this file). */
export function startGarbageCollector(ctx: ControllerContext): Controller {
  const { store, informers } = ctx;
  const dependents: [string, Lister<Owned>][] = [
    [RESOURCES.replicasets, informers.replicasets],
    [RESOURCES.pods, informers.pods],
    [RESOURCES.endpointslices, informers.endpointslices],
  ];
  const pending = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;

  const unwatch = store.watch((event) => {
    if (event.type !== 'DELETED') return;
    const uid = event.object.metadata?.uid;
    if (!uid) return;
    pending.add(uid);
    // Deleting from inside the store's own callback would re-enter it; collect afterwards.
    scheduled ??= setImmediate(collect);
  });

  function collect(): void {
    scheduled = undefined;
    const uids = new Set(pending);
    pending.clear();
    for (const [resource, informer] of dependents) {
      for (const object of informer.list()) {
        if (!object.metadata.ownerReferences?.some((ref) => ref.uid !== undefined && uids.has(ref.uid))) continue;
        try {
          store.delete(resource, object.metadata.namespace, object.metadata.name);
        } catch (error) {
          if (!(error instanceof StoreNotFoundError)) throw error;
        }
      }
    }
  }

  // After a restart, dependents whose owner vanished while the sandbox was down go now.
  setImmediate(() => {
    const alive = new Set<string>();
    for (const informer of Object.values(informers)) for (const o of informer.list()) if (o.metadata.uid) alive.add(o.metadata.uid);
    for (const [, informer] of dependents) {
      for (const object of informer.list()) {
        for (const ref of object.metadata.ownerReferences ?? []) if (ref.uid && !alive.has(ref.uid)) pending.add(ref.uid);
      }
    }
    if (pending.size > 0) scheduled ??= setImmediate(collect);
  });

  return {
    stop() {
      unwatch();
      if (scheduled) clearImmediate(scheduled);
    },
  };
}

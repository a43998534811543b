/**
 * A controller's work queue, as client-go's workqueue is: keys are deduplicated while
 * waiting, processed one at a time outside the store's change callbacks (a controller
 * writing from inside a change event would re-enter the store), and retried with a
 * short delay when processing fails (a write that lost a resourceVersion race).
 */
import { StoreConflictError, type ObjectStore, type ResourceName, type UpdateOptions } from '../store';
import type { K8sObject } from '../../wire';

/** Retries before a key is dropped (it comes back with the next change event). */
const MAX_RETRIES = 5;

/** A deduplicating, retrying queue of object keys (see the top of this file). */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly retries = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly handle: (key: string) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.scheduled ??= setImmediate(() => this.drain());
  }

  /** Adds `key` after `ms` (a deadline, a back-off). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.handle(key);
        this.retries.delete(key);
      } catch (error) {
        const attempt = (this.retries.get(key) ?? 0) + 1;
        if (attempt <= MAX_RETRIES) {
          this.retries.set(key, attempt);
          this.addAfter(key, 10 * 2 ** attempt);
        } else {
          this.retries.delete(key);
          if (!(error instanceof StoreConflictError)) console.error(`[sandbox ${this.name}] giving up on ${key}:`, error);
        }
      }
    }
  }
}

/** `namespace/name`, the key every queue uses. */
export function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** The namespace and name of an `objectKey`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Reads the stored object, lets `change` edit it in place, and writes it back only when
 * `change` returns true. Synchronous from read to write, so nothing interleaves; the
 * write still names the resourceVersion read, as a careful controller's does.
 */
export function updateStored(
  store: ObjectStore,
  resource: ResourceName,
  namespace: string | undefined,
  name: string,
  change: (object: K8sObject) => boolean,
  options: UpdateOptions = {},
): K8sObject | undefined {
  const object = store.get(resource, namespace, name);
  if (!object) return undefined;
  if (!change(object)) return object;
  return store.update(resource, object, options);
}

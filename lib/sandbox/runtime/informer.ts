/**
 * Informers: what client-go's shared informers are to kube-controllers. Each keeps the
 * latest parsed copy of every object of one resource, fed by the store's change events,
 * and tells subscribers what changed (with the previous copy, so a controller can react
 * to labels an object had before an update).
 *
 * Copies handed out are shared and must be treated as read-only.
 */
import type { z } from 'zod';
import type { K8sObject } from '../../wire';
import type { ObjectStore, ResourceName, StoreEvent } from '../store';

interface Named {
  metadata: { name: string; namespace?: string };
}

/** One change an informer tells its subscribers about. */
export interface Change<T> {
  type: StoreEvent['type'];
  /** The object after the change; undefined when deleted (or no longer parses). */
  current: T | undefined;
  /** The object before the change; undefined when it is new. */
  previous: T | undefined;
}

/** Read access to an informer's objects (covariant, so any informer can serve as one of its supertypes). */
export interface Lister<T> {
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
}

/** What feeding an informer takes. */
export interface Feedable {
  readonly resource: ResourceName;
  prime(objects: K8sObject[]): void;
  apply(event: StoreEvent): void;
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** The parsed objects of one resource (see the top of this file). */
export class Informer<T extends Named> implements Lister<T>, Feedable {
  private readonly items = new Map<string, T>();
  private readonly listeners = new Set<(change: Change<T>) => void>();
  /** Grows on every change; lets derived indexes know when to rebuild. */
  revision = 0;

  constructor(
    readonly resource: ResourceName,
    private readonly schema: z.ZodType<T>,
  ) {}

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(key(namespace, name));
  }

  list(namespace?: string): T[] {
    const out: T[] = [];
    for (const item of this.items.values()) {
      if (namespace === undefined || item.metadata.namespace === namespace) out.push(item);
    }
    return out;
  }

  subscribe(listener: (change: Change<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the store's current objects without notifying (the initial list). */
  prime(objects: K8sObject[]): void {
    for (const object of objects) {
      const parsed = this.schema.safeParse(object);
      if (parsed.success) this.items.set(key(parsed.data.metadata.namespace, parsed.data.metadata.name), parsed.data);
    }
    this.revision += 1;
  }

  apply(event: StoreEvent): void {
    const name = event.object.metadata?.name ?? '';
    const k = key(event.object.metadata?.namespace, name);
    const previous = this.items.get(k);
    let current: T | undefined;
    if (event.type === 'DELETED') {
      this.items.delete(k);
    } else {
      const parsed = this.schema.safeParse(event.object);
      current = parsed.success ? parsed.data : undefined;
      if (current) this.items.set(k, current);
      else this.items.delete(k);
    }
    this.revision += 1;
    for (const listener of this.listeners) listener({ type: event.type, current, previous });
  }
}

/** Keeps `informers` fed from `store` (initial list, then every change) until the returned function is called. */
export function runInformers(store: ObjectStore, informers: Feedable[]): () => void {
  const byResource = new Map(informers.map((informer) => [informer.resource, informer]));
  // list-then-watch with no await in between: the store is synchronous, so nothing is missed.
  for (const informer of informers) informer.prime(store.list(informer.resource));
  return store.watch((event) => byResource.get(event.resource)?.apply(event));
}

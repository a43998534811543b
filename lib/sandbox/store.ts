/**
 * The sandbox's object store: what etcd is to a real API server. It holds every object
 * by resource, namespace and name, stamps a cluster-wide increasing resourceVersion on
 * each write, rejects stale writes, and tells listeners about every change (the watch
 * stream and the sandbox's controllers both listen).
 *
 * The REST layer (lib/sandbox/api) is the only way in from outside; controllers inside
 * the sandbox (pods, endpoints, the mesh) use this store directly, like kube-controllers
 * talking to their apiserver's storage.
 *
 * It also keeps a bounded history of recent changes so that a watch can resume from a
 * resourceVersion (as etcd's watch does until compaction), and an optional defaulter that
 * fills API defaults on every write, whoever writes (the REST layer or a controller).
 *
 * Known debt:
 * - no field selectors here; the REST layer filters what it needs.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { K8sObject } from '../wire';

/** A resource type: `pods`, `services`, `virtualservices.networking.istio.io`, ... */
export type ResourceName = string;

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceName;
  object: K8sObject;
  /** The object before a MODIFIED change (watches filtering by selector need it). */
  oldObject?: K8sObject;
}

/**
 * Fills API defaults (a Service's clusterIP, a Namespace's phase, ...) on an object about
 * to be stored; `old` is the stored object on update. Must be idempotent.
 */
export type Defaulter = (resource: ResourceName, object: K8sObject, old: K8sObject | undefined) => K8sObject;

/** How many changes the store remembers for watches resuming from a resourceVersion. */
export const HISTORY_LIMIT = 10_000;

/** Resources whose objects carry no metadata.generation on a real API server. */
const WITHOUT_GENERATION = new Set(['namespaces', 'services', 'endpoints', 'endpointslices.discovery.k8s.io']);

export class StoreConflictError extends Error {
  constructor(
    readonly resource: ResourceName,
    readonly namespace: string | undefined,
    readonly objectName: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

export class StoreNotFoundError extends Error {
  constructor(
    readonly resource: ResourceName,
    readonly namespace: string | undefined,
    readonly objectName: string,
  ) {
    super(`${resource} "${objectName}" not found`);
    this.name = 'StoreNotFoundError';
  }
}

export class StoreExistsError extends Error {
  constructor(
    readonly resource: ResourceName,
    readonly namespace: string | undefined,
    readonly objectName: string,
  ) {
    super(`${resource} "${objectName}" already exists`);
    this.name = 'StoreExistsError';
  }
}

export interface UpdateOptions {
  /**
   * Keep metadata.generation whatever changes: a write through a subresource (a pod's
   * binding or status) does not count as a spec change on a real server.
   */
  keepGeneration?: boolean;
}

/** Snapshot of the whole store, as persisted to disk. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: { resource: ResourceName; object: K8sObject }[];
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * In-memory store. Objects handed out are copies: callers may mutate what they get
 * without touching stored state.
 */
export class ObjectStore {
  private readonly byResource = new Map<ResourceName, Map<string, K8sObject>>();
  private readonly events = new EventEmitter();
  private revision = 0;
  private readonly history: { revision: number; event: StoreEvent }[] = [];
  /** The oldest revision a watch may resume from; older ones are gone (410). */
  private historyStart = 0;
  private defaulter: Defaulter | undefined;

  constructor(snapshot?: StoreSnapshot) {
    // Many watchers (browsers following logs, controllers) are normal, not a leak.
    this.events.setMaxListeners(0);
    if (snapshot) {
      this.revision = snapshot.resourceVersion;
      this.historyStart = snapshot.resourceVersion;
      for (const { resource, object } of snapshot.objects) {
        this.table(resource).set(key(object.metadata?.namespace, object.metadata?.name ?? ''), clone(object));
      }
    }
  }

  /** Sets the function that fills API defaults on every create and update. */
  useDefaulter(defaulter: Defaulter): void {
    this.defaulter = defaulter;
  }

  /** The latest resourceVersion handed out (as a list's metadata.resourceVersion). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  list(resource: ResourceName, namespace?: string): K8sObject[] {
    const out: K8sObject[] = [];
    for (const object of this.table(resource).values()) {
      if (namespace === undefined || object.metadata?.namespace === namespace) out.push(clone(object));
    }
    return out.sort((a, b) =>
      key(a.metadata?.namespace, a.metadata?.name ?? '').localeCompare(key(b.metadata?.namespace, b.metadata?.name ?? '')),
    );
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): K8sObject | undefined {
    const found = this.table(resource).get(key(namespace, name));
    return found ? clone(found) : undefined;
  }

  /** Stores a new object; fills uid, creationTimestamp, resourceVersion and generation. */
  create(resource: ResourceName, object: K8sObject): K8sObject {
    const namespace = object.metadata?.namespace;
    const name = object.metadata?.name ?? '';
    const table = this.table(resource);
    if (table.has(key(namespace, name))) throw new StoreExistsError(resource, namespace, name);
    const stored = this.defaulted(resource, clone(object), undefined);
    stored.metadata = {
      ...stored.metadata,
      uid: randomUUID(),
      creationTimestamp: nowSeconds(),
      resourceVersion: this.nextRevision(),
    };
    if (!WITHOUT_GENERATION.has(resource)) stored.metadata.generation = 1;
    table.set(key(namespace, name), stored);
    this.emit({ type: 'ADDED', resource, object: stored });
    return clone(stored);
  }

  /**
   * Replaces an object. When the new object names a resourceVersion it must equal the
   * stored one (optimistic concurrency, as Kubernetes does); without one, the write is
   * unconditional. Immutable metadata (uid, creationTimestamp) is kept; generation grows
   * when anything but metadata and status changes (see {@link nextGeneration}), unless
   * `options.keepGeneration`.
   */
  update(resource: ResourceName, object: K8sObject, options: UpdateOptions = {}): K8sObject {
    const namespace = object.metadata?.namespace;
    const name = object.metadata?.name ?? '';
    const table = this.table(resource);
    const current = table.get(key(namespace, name));
    if (!current) throw new StoreNotFoundError(resource, namespace, name);
    const wanted = object.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata?.resourceVersion) {
      throw new StoreConflictError(
        resource,
        namespace,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const stored = this.defaulted(resource, clone(object), current);
    const generation = options.keepGeneration ? current.metadata?.generation : nextGeneration(resource, current, stored);
    stored.metadata = {
      ...stored.metadata,
      uid: current.metadata?.uid,
      creationTimestamp: current.metadata?.creationTimestamp,
      resourceVersion: this.nextRevision(),
    };
    if (generation === undefined) delete stored.metadata.generation;
    else stored.metadata.generation = generation;
    table.set(key(namespace, name), stored);
    this.emit({ type: 'MODIFIED', resource, object: stored, oldObject: current });
    return clone(stored);
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string): K8sObject {
    const table = this.table(resource);
    const current = table.get(key(namespace, name));
    if (!current) throw new StoreNotFoundError(resource, namespace, name);
    table.delete(key(namespace, name));
    const gone = clone(current);
    gone.metadata = { ...gone.metadata, resourceVersion: this.nextRevision() };
    this.emit({ type: 'DELETED', resource, object: gone });
    return clone(gone);
  }

  /**
   * The changes after `revision`, oldest first, or undefined when some of them are no
   * longer remembered (the caller answers 410 Gone, as after an etcd compaction).
   */
  changesSince(revision: number): StoreEvent[] | undefined {
    if (revision < this.historyStart) return undefined;
    return this.history.filter((h) => h.revision > revision).map((h) => clone(h.event));
  }

  /** The oldest resourceVersion a watch may still start from. */
  get oldestResumableRevision(): number {
    return this.historyStart;
  }

  /** Calls `listener` for every change until the returned function is called. */
  watch(listener: (event: StoreEvent) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [resource, table] of this.byResource) {
      for (const object of table.values()) objects.push({ resource, object: clone(object) });
    }
    return { resourceVersion: this.revision, objects };
  }

  private table(resource: ResourceName): Map<string, K8sObject> {
    let table = this.byResource.get(resource);
    if (!table) {
      table = new Map();
      this.byResource.set(resource, table);
    }
    return table;
  }

  private nextRevision(): string {
    this.revision += 1;
    return String(this.revision);
  }

  private defaulted(resource: ResourceName, object: K8sObject, old: K8sObject | undefined): K8sObject {
    return this.defaulter ? this.defaulter(resource, object, old ? clone(old) : undefined) : object;
  }

  private emit(event: StoreEvent): void {
    this.history.push({ revision: this.revision, event: clone(event) });
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.historyStart = dropped[dropped.length - 1]?.revision ?? this.historyStart;
    }
    this.events.emit('change', clone(event));
  }
}

/**
 * The generation `next` gets when it replaces `current`: one more when anything but
 * metadata and status changed (the spec, for most types), none for the types that carry
 * no generation.
 */
export function nextGeneration(resource: ResourceName, current: K8sObject, next: K8sObject): number | undefined {
  if (WITHOUT_GENERATION.has(resource)) return undefined;
  const changed = JSON.stringify(withoutMetaAndStatus(current)) !== JSON.stringify(withoutMetaAndStatus(next));
  return (current.metadata?.generation ?? 1) + (changed ? 1 : 0);
}

function withoutMetaAndStatus(object: K8sObject): K8sObject {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest;
}

/**
 * delete and deletecollection, as the generic registry answers them: preconditions, dry
 * runs, the deleted object or a `Success` Status depending on the type, and namespace
 * termination (the namespace goes `Terminating`, its content is deleted, then it is).
 *
 * Known debt:
 * - deletes are immediate: no graceful pod termination (a pod's answer carries the
 *   deletionTimestamp and grace period a real server sets, but the pod is gone at once and
 *   watchers see no MODIFIED before the DELETED), no finalizers; propagationPolicy is
 *   accepted, and dependents are left to the runtime's garbage collector.
 */
import type { K8sObject } from '../../../wire';
import { nowSeconds, StoreNotFoundError } from '../../store';
import { goJsonSyntaxError } from '../go-json';
import { negotiate, readBody, writeObject } from '../negotiation';
import { groupVersion, RESOURCE_TYPES } from '../resources';
import { badRequest, conflict, forbidden, invalid, notFound, successStatus } from '../status';
import { type Call, groupResource, isDryRun, requireName, served, storeNamespace } from './context';
import { selected } from './read';

/** Namespaces a real cluster refuses to delete. */
const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
  dryRun?: unknown;
}

async function deleteOptions(call: Call): Promise<DeleteOptions> {
  const body = await readBody(call.req);
  const options: DeleteOptions = {};
  if (body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw badRequest(`couldn't get version/kind; json parse error: ${goJsonSyntaxError(body) ?? (error instanceof Error ? error.message : String(error))}`);
    }
    if (isRecord(parsed)) {
      if (isRecord(parsed.preconditions)) {
        options.preconditions = {
          uid: typeof parsed.preconditions.uid === 'string' ? parsed.preconditions.uid : undefined,
          resourceVersion: typeof parsed.preconditions.resourceVersion === 'string' ? parsed.preconditions.resourceVersion : undefined,
        };
      }
      if (typeof parsed.propagationPolicy === 'string') options.propagationPolicy = parsed.propagationPolicy;
      if (typeof parsed.gracePeriodSeconds === 'number') options.gracePeriodSeconds = parsed.gracePeriodSeconds;
      options.dryRun = parsed.dryRun;
    }
  }
  const grace = call.url.searchParams.get('gracePeriodSeconds');
  if (grace !== null && /^-?\d+$/.test(grace)) options.gracePeriodSeconds = Number(grace);
  const policy = call.url.searchParams.get('propagationPolicy');
  if (policy) options.propagationPolicy = policy;
  if (options.propagationPolicy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(options.propagationPolicy)) {
    throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [
      { type: 'FieldValueNotSupported', field: 'propagationPolicy', value: options.propagationPolicy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' },
    ]);
  }
  return options;
}

/**
 * A pod as its graceful deletion marks it (`BeforeDelete` with the pod strategy's
 * `CheckGracefulDelete`): the grace period asked for, else the pod's own, none for a pod
 * never scheduled or already finished; the deletion time that far ahead; and, the first
 * time, one more generation.
 */
function markedForDeletion(pod: K8sObject, requested: number | undefined): K8sObject {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const phase = isRecord(pod.status) ? pod.status.phase : undefined;
  if (pod.metadata?.deletionTimestamp) return pod;
  let period = requested ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 0);
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') period = 0;
  if (period < 0) period = 1;
  const generation = pod.metadata?.generation;
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      deletionTimestamp: new Date(Math.floor(Date.now() / 1000) * 1000 + period * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      deletionGracePeriodSeconds: period,
      ...(generation !== undefined && generation > 0 ? { generation: generation + 1 } : {}),
    },
  };
}

/** Deletes everything in a namespace, then the namespace: the namespace controller's job. */
function purgeNamespace(call: Call, namespace: string): void {
  setImmediate(() => {
    const store = call.ctx.store;
    // Owners first, so that no controller recreates what goes after them.
    const owners = ['deployments.apps', 'replicasets.apps'];
    const resources = [...owners, ...RESOURCE_TYPES.filter((t) => t.namespaced && !owners.includes(t.storeName)).map((t) => t.storeName)];
    for (const resource of resources) {
      for (const object of store.list(resource, namespace)) {
        try {
          store.delete(resource, namespace, object.metadata?.name ?? '');
        } catch (error) {
          if (!(error instanceof StoreNotFoundError)) throw error;
        }
      }
    }
    try {
      store.delete('namespaces', undefined, namespace);
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
    }
  });
}

export async function handleDelete(call: Call): Promise<void> {
  const format = negotiate(call.req.headers.accept, false);
  const name = requireName(call);
  const options = await deleteOptions(call);
  const dryRun = isDryRun(call, 'DeleteOptions', options.dryRun);
  const gr = groupResource(call.type);
  const existing = call.ctx.store.get(call.type.storeName, storeNamespace(call), name);
  if (!existing) throw notFound(gr, name);
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== existing.metadata?.uid) {
    throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata?.uid ?? ''}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata?.resourceVersion) {
    throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata?.resourceVersion ?? ''}`);
  }
  if (call.type.storeName === 'namespaces') {
    if (PROTECTED_NAMESPACES.has(name)) throw forbidden(gr, name, 'this namespace may not be deleted');
    if (existing.metadata?.deletionTimestamp) {
      throw conflict(gr, name, 'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.');
    }
    const terminating: K8sObject = {
      ...existing,
      metadata: { ...existing.metadata, deletionTimestamp: nowSeconds() },
      status: { ...(isRecord(existing.status) ? existing.status : {}), phase: 'Terminating' },
    };
    if (dryRun) {
      writeObject(call.res, 200, served(call, terminating), format);
      return;
    }
    const stored = call.ctx.store.update('namespaces', terminating);
    purgeNamespace(call, name);
    writeObject(call.res, 200, served(call, stored), format);
    return;
  }
  if (!dryRun) call.ctx.store.delete(call.type.storeName, storeNamespace(call), name);
  if (call.type.returnsDeletedObject) {
    writeObject(call.res, 200, served(call, call.type.storeName === 'pods' ? markedForDeletion(existing, options.gracePeriodSeconds) : existing), format);
    return;
  }
  writeObject(call.res, 200, successStatus({ name, group: call.type.group, kind: call.type.plural, uid: existing.metadata?.uid }), format);
}

export async function handleDeleteCollection(call: Call): Promise<void> {
  const format = negotiate(call.req.headers.accept, false);
  const options = await deleteOptions(call);
  const dryRun = isDryRun(call, 'DeleteOptions', options.dryRun);
  const victims = selected(call);
  if (!dryRun) {
    for (const object of victims) {
      try {
        call.ctx.store.delete(call.type.storeName, object.metadata?.namespace, object.metadata?.name ?? '');
      } catch (error) {
        if (!(error instanceof StoreNotFoundError)) throw error;
      }
    }
  }
  const items = victims.map((o) => served(call, o));
  writeObject(
    call.res,
    200,
    {
      apiVersion: groupVersion(call.type.group, call.info.version),
      kind: call.type.listKind,
      metadata: { resourceVersion: call.ctx.store.resourceVersion },
      items: call.type.custom ? items : items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
    },
    format,
  );
}

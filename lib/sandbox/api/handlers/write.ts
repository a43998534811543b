/**
 * create and update (PUT; PATCH ends here too), following the generic registry
 * (k8s.io/apiserver/pkg/registry/generic/registry/store.go): namespace checks,
 * generateName, system metadata, status handling for types with a status subresource, dry
 * runs and optimistic concurrency. Decoding, admission and validation are prepare.ts's.
 *
 * Known debt:
 * - no managedFields (server-side apply bookkeeping) are kept.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from '../../../wire';
import { nextGeneration, nowSeconds, StoreConflictError, StoreExistsError, StoreNotFoundError } from '../../store';
import { negotiate, writeObject } from '../negotiation';
import { hasStatusSubresource, tracksGeneration } from '../resources';
import { alreadyExists, badRequest, conflict, forbidden, internalError, invalid, notFound, OPTIMISTIC_LOCK_MESSAGE } from '../status';
import { type Call, type FieldValidation, fieldValidation, groupResource, isDryRun, requireName, requireNamespace, served, storeNamespace } from './context';
import { decodeBody, prepareWrite } from './prepare';

const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `SimpleNameGenerator`: the prefix plus five random characters. */
function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i += 1) suffix += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  return `${prefix.slice(0, 253 - 5)}${suffix}`;
}

/** What PrepareForCreate does to status, per type. */
function initialStatus(call: Call, object: K8sObject): void {
  if (!hasStatusSubresource(call.type)) return;
  switch (call.type.storeName) {
    case 'pods':
      object.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case 'namespaces':
      object.status = { phase: 'Active' };
      break;
    case 'services':
      object.status = { loadBalancer: {} };
      break;
    case 'deployments.apps':
      object.status = {};
      break;
    default:
      delete object.status;
  }
}

export async function handleCreate(call: Call): Promise<void> {
  const format = negotiate(call.req.headers.accept, false);
  const dryRun = isDryRun(call, 'CreateOptions');
  const mode = fieldValidation(call, 'CreateOptions');
  const object = await decodeBody(call);
  await createObject(call, object, dryRun, mode, format);
}

/** The create path proper, also used by PUT on types that create on update. */
export async function createObject(call: Call, input: K8sObject, dryRun: boolean, mode: FieldValidation, format: { type: 'json' | 'yaml' }): Promise<void> {
  const object = structuredClone(input);
  const meta = { ...(object.metadata ?? {}) };
  if (call.type.namespaced) {
    if (meta.namespace && meta.namespace !== call.info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = call.info.namespace;
    const namespace = requireNamespace(call);
    if (namespace?.metadata?.deletionTimestamp) {
      throw forbidden(groupResource(call.type), meta.name ?? '', `unable to create new content in namespace ${call.info.namespace} because it is being terminated`);
    }
  } else {
    delete meta.namespace;
  }
  if (meta.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
  if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) meta.name = generateName(meta.generateName);
  for (const system of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'selfLink', 'managedFields']) delete meta[system];
  object.metadata = meta;
  initialStatus(call, object);
  const prepared = prepareWrite(call, object, undefined, mode, dryRun);
  const name = prepared.object.metadata?.name ?? '';
  if (dryRun) {
    if (call.ctx.store.get(call.type.storeName, prepared.object.metadata?.namespace, name)) throw alreadyExists(groupResource(call.type), name);
    const result = structuredClone(prepared.object);
    result.metadata = { ...result.metadata, uid: randomUUID(), creationTimestamp: nowSeconds() };
    if (tracksGeneration(call.type)) result.metadata.generation = 1;
    writeObject(call.res, 201, served(call, result), format, prepared.headers);
    return;
  }
  try {
    const stored = call.ctx.store.create(call.type.storeName, prepared.object);
    writeObject(call.res, 201, served(call, stored), format, prepared.headers);
  } catch (error) {
    if (error instanceof StoreExistsError) throw alreadyExists(groupResource(call.type), name);
    throw error;
  }
}

/**
 * Stores `candidate` as the new state of `existing` (PUT and PATCH), or, for a status
 * subresource, only its status. Answers 200 with the stored object.
 */
export function commitUpdate(call: Call, existing: K8sObject, input: K8sObject, dryRun: boolean, mode: FieldValidation, headers: Record<string, string> = {}): void {
  const format = negotiate(call.req.headers.accept, false);
  const name = existing.metadata?.name ?? '';
  const gr = groupResource(call.type);
  const candidate = structuredClone(input);
  const wanted = candidate.metadata?.resourceVersion;
  if (!wanted && !call.type.unconditionalUpdate) {
    throw invalid({ group: call.type.group, kind: call.type.plural }, name, [
      { type: 'FieldValueInvalid', field: 'metadata.resourceVersion', value: 0, detail: 'must be specified for an update' },
    ]);
  }
  if (wanted && wanted !== existing.metadata?.resourceVersion) throw conflict(gr, name, OPTIMISTIC_LOCK_MESSAGE);
  let next: K8sObject;
  if (call.info.subresource === 'status') {
    next = { ...structuredClone(existing), status: candidate.status };
    if (candidate.status === undefined) delete next.status;
  } else {
    next = candidate;
    if (hasStatusSubresource(call.type)) {
      if (existing.status === undefined) delete next.status;
      else next.status = structuredClone(existing.status);
    }
  }
  next.metadata = {
    ...next.metadata,
    name,
    namespace: existing.metadata?.namespace,
    uid: existing.metadata?.uid,
    creationTimestamp: existing.metadata?.creationTimestamp,
    resourceVersion: existing.metadata?.resourceVersion,
  };
  if (existing.metadata?.deletionTimestamp) next.metadata.deletionTimestamp = existing.metadata.deletionTimestamp;
  else delete next.metadata.deletionTimestamp;
  if (existing.metadata?.generation !== undefined) next.metadata.generation = existing.metadata.generation;
  if (!next.metadata.namespace) delete next.metadata.namespace;
  const prepared = prepareWrite(call, next, existing, mode, dryRun);
  const allHeaders = { ...headers, ...prepared.headers };
  // A write that changes nothing is not a write: the resourceVersion stays (as etcd's GuaranteedUpdate).
  if (isDeepStrictEqual(prepared.object, existing)) {
    writeObject(call.res, 200, served(call, existing), format, allHeaders);
    return;
  }
  if (dryRun) {
    // The answer is what the write would store, generation included.
    const preview = structuredClone(prepared.object);
    const generation = nextGeneration(call.type.storeName, existing, preview);
    if (generation !== undefined) preview.metadata = { ...preview.metadata, generation };
    writeObject(call.res, 200, served(call, preview), format, allHeaders);
    return;
  }
  try {
    const stored = call.ctx.store.update(call.type.storeName, prepared.object);
    writeObject(call.res, 200, served(call, stored), format, allHeaders);
  } catch (error) {
    if (error instanceof StoreConflictError) throw conflict(gr, name, OPTIMISTIC_LOCK_MESSAGE);
    if (error instanceof StoreNotFoundError) throw notFound(gr, name);
    throw error;
  }
}

export async function handleUpdate(call: Call): Promise<void> {
  const name = requireName(call);
  const dryRun = isDryRun(call, 'UpdateOptions');
  const mode = fieldValidation(call, 'UpdateOptions');
  const object = await decodeBody(call);
  const meta = object.metadata ?? {};
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (call.type.namespaced && meta.namespace && meta.namespace !== call.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  object.metadata = { ...meta, name };
  const existing = call.ctx.store.get(call.type.storeName, storeNamespace(call), name);
  if (!existing) {
    if (call.type.createsOnUpdate && !call.info.subresource) {
      const { resourceVersion: _rv, ...rest } = object.metadata;
      await createObject(call, { ...object, metadata: rest }, dryRun, mode, negotiate(call.req.headers.accept, false));
      return;
    }
    throw notFound(groupResource(call.type), name);
  }
  commitUpdate(call, existing, object, dryRun, mode);
}

/**
 * create and update (PUT; PATCH ends here too), following the generic registry
 * (k8s.io/apiserver/pkg/registry/generic/registry/store.go) and the handlers in front of
 * it: namespace checks, generateName, system metadata, status handling for types with a
 * status subresource, validation, admission, dry runs and optimistic concurrency.
 *
 * Known debt:
 * - no managedFields (server-side apply bookkeeping) are kept.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { K8sObject } from '../../../wire';
import { AdmissionDeniedError, type AdmissionPhase } from '../../admission';
import { nextGeneration, nowSeconds, StoreConflictError, StoreExistsError, StoreNotFoundError } from '../../store';
import { BODY_TYPES_BUILTIN, BODY_TYPES_CUSTOM, contentTypeOf, decodeObject, negotiate, readBody, writeObject } from '../negotiation';
import { groupVersion, hasStatusSubresource, tracksGeneration, typesIn } from '../resources';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  type FieldError,
  forbidden,
  internalError,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
} from '../status';
import { validateKind } from '../validation/kinds';
import { isBlockingSchemaError } from '../validation/schema';
import { metadataErrors, metadataUpdateErrors } from '../validation/metadata';
import {
  type Call,
  type FieldValidation,
  fieldValidation,
  groupKind,
  groupResource,
  isDryRun,
  requireName,
  requireNamespace,
  served,
  storeNamespace,
} from './context';

const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `SimpleNameGenerator`: the prefix plus five random characters. */
function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i += 1) suffix += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  return `${prefix.slice(0, 253 - 5)}${suffix}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Go package of each built-in group's internal types, as conversion errors name them. */
const INTERNAL_PACKAGES: Record<string, string> = { '': 'core', apps: 'apps', 'discovery.k8s.io': 'discovery' };

/**
 * A body whose kind is not the endpoint's. A custom resource fails the CRD's type check
 * (422, named by the body's kind); a built-in one fails conversion to the endpoint's type.
 */
function kindMismatch(call: Call, object: K8sObject, kind: string): ApiError {
  if (call.type.custom) {
    return invalid({ group: call.type.group, kind }, object.metadata?.name ?? '', [{ type: 'FieldValueInvalid', field: 'kind', value: kind, detail: `must be ${call.type.kind}` }]);
  }
  const version = call.info.version;
  const known = typesIn(call.type.group, version).some((t) => t.kind === kind);
  // Kinds of the group the sandbox does not serve fail with the scheme's wording, which is not mirrored.
  const why = known ? `converting (${version}.${kind}) to (${INTERNAL_PACKAGES[call.type.group] ?? call.type.group}.${call.type.kind}): unknown conversion` : 'the kind in the data does not match the endpoint';
  return badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${call.type.kind}: ${why}`);
}

/** Decodes a body and checks its apiVersion and kind against the endpoint. */
export async function decodeBody(call: Call): Promise<K8sObject> {
  const body = await readBody(call.req);
  const object = decodeObject(body, contentTypeOf(call.req), call.type.custom ? BODY_TYPES_CUSTOM : BODY_TYPES_BUILTIN, call.type.kind);
  return checkKind(call, object);
}

export function checkKind(call: Call, object: K8sObject): K8sObject {
  const expected = groupVersion(call.type.group, call.info.version);
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  if (call.type.custom && (!kind || !apiVersion)) {
    const missing = !kind ? 'Kind' : 'apiVersion';
    throw badRequest(`Object '${missing}' is missing in '${JSON.stringify(object)}'`);
  }
  if (apiVersion && apiVersion !== expected) {
    throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected})`);
  }
  if (kind && kind !== call.type.kind) throw kindMismatch(call, object, kind);
  if (!isRecord(object.metadata) && object.metadata !== undefined) throw badRequest(`json: cannot unmarshal ${typeof object.metadata} into Go struct field ${call.type.kind}.metadata of type v1.ObjectMeta`);
  for (const key of ['name', 'generateName', 'namespace', 'resourceVersion'] as const) {
    const value = object.metadata?.[key];
    if (value !== undefined && typeof value !== 'string') {
      throw badRequest(`json: cannot unmarshal ${typeof value} into Go struct field ObjectMeta.metadata.${key} of type string`);
    }
  }
  return { ...object, apiVersion: expected, kind: call.type.kind };
}

/** What a real server drops from the object for the write (unknown fields: pruned, warned or refused). */
function applyFieldValidation(call: Call, mode: FieldValidation, unknownFields: string[]): Record<string, string> {
  if (unknownFields.length === 0 || mode === 'Ignore') return {};
  const messages = unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`);
  if (mode === 'Strict') {
    throw badRequest(`${call.type.kind} in version ${JSON.stringify(call.info.version)} cannot be handled as a ${call.type.kind}: strict decoding error: ${messages.join(', ')}`);
  }
  return { Warning: messages.map((m) => `299 - ${JSON.stringify(m)}`).join(', ') };
}

function admissionError(error: AdmissionDeniedError): ApiError {
  const reasons: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 422: 'Invalid' };
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `admission webhook ${JSON.stringify(error.plugin)} denied the request: ${error.message}`,
    reason: reasons[error.code] ?? '',
    code: error.code,
  });
}

/** The cause apiextensions adds when a blocking error kept the CRD's CEL rules from running. */
const RULES_NOT_CHECKED: FieldError = {
  type: 'FieldValueInvalid',
  field: '<nil>',
  value: null,
  detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

interface Prepared {
  object: K8sObject;
  headers: Record<string, string>;
}

function admit(call: Call, object: K8sObject, old: K8sObject | undefined, dryRun: boolean, phase: AdmissionPhase): K8sObject {
  try {
    return call.ctx.admission.admit(
      {
        operation: old ? 'UPDATE' : 'CREATE',
        resource: call.type.storeName,
        version: call.info.version,
        namespace: object.metadata?.namespace,
        object,
        oldObject: old,
        dryRun,
      },
      phase,
    );
  } catch (error) {
    if (error instanceof AdmissionDeniedError) throw admissionError(error);
    throw error;
  }
}

/**
 * Decoding, defaulting, admission and validation shared by create and update (PUT and
 * PATCH), in the real server's order: the decoded object (a custom resource pruned to its
 * schema) is defaulted, mutating admission changes it, validation checks the result,
 * validating admission has the last word. `old` is the stored object on update.
 */
export function prepareWrite(call: Call, object: K8sObject, old: K8sObject | undefined, mode: FieldValidation, dryRun: boolean): Prepared {
  const decoded = validateKind(call.type, object, old);
  const headers = applyFieldValidation(call, mode, decoded.unknownFields);
  let candidate = decoded.object;
  if (!call.type.custom) {
    // Built-in decoding drops unknown top-level fields too.
    for (const field of decoded.unknownFields) if (!field.includes('.')) delete candidate[field];
  }
  const defaults = (o: K8sObject) => call.ctx.defaulter(call.type.storeName, structuredClone(o), old ? structuredClone(old) : undefined);
  candidate = defaults(candidate);
  const mutated = admit(call, candidate, old, dryRun, 'mutating');
  // What a webhook adds is decoded (so defaulted) again; built-in objects are validated as admitted.
  let kind = decoded;
  if (mutated !== candidate) {
    candidate = defaults(mutated);
    if (!call.type.custom) kind = validateKind(call.type, candidate, old);
  }
  const errors = [...metadataErrors(call.type, candidate), ...kind.errors, ...(old ? metadataUpdateErrors(candidate, old) : [])];
  if (kind.hasRules) errors.push(...(errors.some(isBlockingSchemaError) ? [RULES_NOT_CHECKED] : kind.ruleErrors));
  if (errors.length > 0) throw invalid(groupKind(call.type), candidate.metadata?.name ?? '', errors);
  return { object: admit(call, candidate, old, dryRun, 'validating'), headers };
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

/**
 * What create, update and patch share before anything is stored, in the real server's
 * order: decoding (apiVersion and kind checked against the endpoint, a custom resource
 * pruned to its schema, unknown fields warned about or refused), defaulting, mutating
 * admission, validation, validating admission.
 */
import type { K8sObject } from '../../../wire';
import { AdmissionDeniedError, type AdmissionPhase } from '../../admission';
import { BODY_TYPES_BUILTIN, BODY_TYPES_CUSTOM, contentTypeOf, decodeObject, readBody } from '../negotiation';
import { groupVersion, typesIn } from '../resources';
import { ApiError, badRequest, type FieldError, invalid } from '../status';
import { validateKind } from '../validation/kinds';
import { metadataErrors, metadataUpdateErrors } from '../validation/metadata';
import { isBlockingSchemaError } from '../validation/schema';
import { type Call, type FieldValidation, groupKind } from './context';

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


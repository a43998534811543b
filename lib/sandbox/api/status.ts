/**
 * Kubernetes `Status` errors, built as the API server builds them
 * (k8s.io/apimachinery/pkg/api/errors): same messages, reasons, details and codes, so
 * that clients (client-go, client-node, kubectl) read them exactly as they read a real
 * server's.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#status-objects
 */
import type { K8sStatus } from '../../wire';

/** A group and a resource (`pods`, or `virtualservices` in `networking.istio.io`). */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and a kind (`Pod`, or `VirtualService` in `networking.istio.io`). */
export interface GroupKind {
  group: string;
  kind: string;
}

/** One field error, as `field.Error` in apimachinery. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  /** The offending value; formatted as Go's field.Error formats it. Absent for Required/Forbidden. */
  value?: unknown;
  detail: string;
  /** Go prints some values with %#v (uint64, structs): pass the exact text here. */
  valueText?: string;
  /** `field.OmitValueType`: the message names no value (a CEL rule on an object or a list). */
  omitValue?: boolean;
}

export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooLong';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueTooLong: 'Too long',
};

/** Formats a value the way Go's `field.Error.ErrorBody` does for the common JSON types. */
export function formatFieldValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

/** `field.Error.ErrorBody()`: the message of a cause, without the field path. */
export function fieldErrorBody(error: FieldError): string {
  const head = TYPE_TEXT[error.type];
  const omitsValue = error.type === 'FieldValueRequired' || error.type === 'FieldValueForbidden' || error.type === 'FieldValueTooLong';
  let body = head;
  if (!omitsValue && !error.omitValue) body = `${head}: ${error.valueText ?? formatFieldValue(error.value)}`;
  if (error.detail) body += `: ${error.detail}`;
  return body;
}

/** `field.Error.Error()`: `<field>: <body>`. */
export function fieldErrorText(error: FieldError): string {
  return `${error.field}: ${fieldErrorBody(error)}`;
}

function qualified(groupName: { group: string }, name: string): string {
  return groupName.group ? `${name}.${groupName.group}` : name;
}

/** An error the REST layer answers with: an HTTP code and the `Status` body. */
export class ApiError extends Error {
  constructor(
    readonly status: K8sStatus & { code: number },
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message ?? '');
    this.name = 'ApiError';
  }

  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: string, message: string, details?: K8sStatus['details']): ApiError {
  const status: K8sStatus & { code: number } = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details !== undefined) status.details = compactDetails(details);
  // Field order matches the Go struct (details before code) so raw bodies compare equal.
  const { code: c, ...rest } = status;
  return new ApiError({ ...rest, code: c });
}

/** Go's omitempty on StatusDetails: empty strings and empty lists are left out. */
function compactDetails(details: NonNullable<K8sStatus['details']>): NonNullable<K8sStatus['details']> {
  const out: NonNullable<K8sStatus['details']> = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.uid) out.uid = details.uid;
  if (details.causes && details.causes.length > 0) out.causes = details.causes;
  if (details.retryAfterSeconds) out.retryAfterSeconds = details.retryAfterSeconds;
  return out;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return failure(404, 'NotFound', `${qualified(gr, gr.resource)} ${JSON.stringify(name)} not found`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${qualified(gr, gr.resource)} ${JSON.stringify(name)} already exists`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

/** The optimistic-concurrency message of the generic registry. */
export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr, gr.resource)} ${JSON.stringify(name)}: ${why}`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

export function invalid(gk: GroupKind, name: string, errors: FieldError[]): ApiError {
  const texts = [...new Set(errors.map(fieldErrorText))];
  const summary = texts.length === 0 ? '' : texts.length === 1 ? `: ${texts[0]}` : `: [${texts.join(', ')}]`;
  return failure(422, 'Invalid', `${qualified(gk, gk.kind)} ${JSON.stringify(name)} is invalid${summary}`, {
    name,
    group: gk.group,
    kind: gk.kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** `NewForbidden`: the message names the resource (and object) before the reason. */
export function forbidden(gr: GroupResource | undefined, name: string, why: string): ApiError {
  if (!gr || !gr.resource) return failure(403, 'Forbidden', `forbidden: ${why}`, {});
  const subject = name ? `${qualified(gr, gr.resource)} ${JSON.stringify(name)}` : qualified(gr, gr.resource);
  return failure(403, 'Forbidden', `${subject} is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource });
}

/** `NewMethodNotSupported`, as the CRD handler answers an unsupported verb. */
export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  return failure(405, 'MethodNotAllowed', `${action} is not supported on resources of kind ${JSON.stringify(qualified(gr, gr.resource))}`, {
    group: gr.group,
    kind: gr.resource,
  });
}

/**
 * `NewGenericServerResponse`: as go-restful's errors reach clients of built-in groups (an
 * unknown path or method under /api/v1 or /apis/apps/v1), with the server's words as an
 * `UnexpectedServerResponse` cause; or, without `serverMessage`, as the patch handler
 * answers a JSON patch it cannot apply (no cause: `details: {}`).
 */
export function genericServerResponse(code: 404 | 405 | 422, serverMessage?: string): ApiError {
  const byCode = {
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
  } as const;
  const [reason, message] = byCode[code];
  return failure(code, reason, message, serverMessage === undefined ? {} : { causes: [{ reason: 'UnexpectedServerResponse', message: serverMessage }] });
}

/** `NewResourceExpired`: a watch or list from a resourceVersion the server no longer has. */
export function expired(message: string): ApiError {
  return failure(410, 'Expired', message);
}

export function unsupportedMediaType(accepted: string[]): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function notAcceptable(accepted: string[]): ApiError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);
}

/** A 500 whose error is not an API status (`NewInternalError` is not involved): no reason, no details. */
export function serverError(message: string): ApiError {
  const { reason: _reason, ...status } = failure(500, '', message).status;
  return new ApiError(status);
}

export function internalError(cause: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}

/** A successful `Status`, as the generic registry returns for some deletes. */
export function successStatus(details: { name: string; group: string; kind: string; uid?: string }): K8sStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: compactDetails(details),
  };
}

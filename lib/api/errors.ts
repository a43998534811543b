/**
 * The API's error body, `{error: {code, message, field?}}`, and how every failure
 * maps to one. Route handlers never build error bodies themselves.
 */
import { ZodError } from 'zod';

export interface ApiErrorBody {
  error: {
    /** Stable machine-readable code: `invalid_input`, `not_found`, `forbidden`, `conflict`, ... */
    code: string;
    /** A sentence a person can act on; for cluster errors, the cluster's own message. */
    message: string;
    /** The input field at fault, as a dotted path (`destinations.1.weight`). */
    field?: string;
    /** Kubernetes `Status.reason` when the cluster refused. */
    reason?: string;
    /** Extra structured detail (validation findings, field causes). */
    details?: unknown;
  };
}

/** An error as the API reports it, with its HTTP status: what pages and the browser present. */
export interface ApiErrorInfo {
  status: number;
  code: string;
  message: string;
  field?: string;
  reason?: string;
  details?: unknown;
}

/** Bad input from the caller: always a 4xx, never a write. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly status = 400,
    readonly code = 'invalid_input',
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** Turns a zod failure into the first problem, phrased for a person. */
export function inputErrorFromZod(error: ZodError, where: 'body' | 'query' | 'path' = 'body'): InputError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const message = issue
    ? `${field ? `${field}: ` : ''}${issue.message}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : ''}`
    : `The request ${where} is not valid.`;
  return new InputError(message, field, 400, 'invalid_input', error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })));
}

export function errorBody(code: string, message: string, extra: Omit<ApiErrorBody['error'], 'code' | 'message'> = {}): ApiErrorBody {
  return { error: { code, message, ...extra } };
}

import 'server-only';
import { ZodError, type ZodType } from 'zod';
import { ClusterError, SettingsError } from '@/lib/kube';
import { errorBody, InputError, inputErrorFromZod, type ApiErrorInfo } from './errors';

/** API error codes for the Kubernetes reasons a user can act on. */
const CODE_BY_REASON: Record<string, string> = {
  NotFound: 'not_found',
  Forbidden: 'forbidden',
  Unauthorized: 'unauthorized',
  Conflict: 'conflict',
  AlreadyExists: 'already_exists',
  Invalid: 'invalid',
  BadRequest: 'bad_request',
  Unreachable: 'unreachable',
  IstioNotInstalled: 'istio_not_installed',
  Expired: 'expired',
  Timeout: 'timeout',
};

export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: { 'cache-control': 'no-store' } });
}

/** A failure described for the API and the pages alike: status plus the API error fields. */
export type DescribedError = ApiErrorInfo;

/** Maps any failure to the status that keeps its meaning and the `{code, message, field?}` a person can act on. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof InputError) {
    return { status: error.status, code: error.code, message: error.message, field: error.field, details: error.details };
  }
  if (error instanceof ZodError) return describeError(inputErrorFromZod(error));
  if (error instanceof ClusterError) {
    const code = CODE_BY_REASON[error.reason] ?? (error.status === 403 ? 'forbidden' : error.status === 404 ? 'not_found' : 'cluster_error');
    // A cluster that cannot be reached is our upstream failing: 503, not 500.
    const status = error.reason === 'Unreachable' ? 503 : error.status >= 400 && error.status < 600 ? error.status : 502;
    const field = error.causes.find((c) => c.field)?.field;
    const details = error.causes.length > 0 ? { causes: error.causes, action: error.action } : { action: error.action };
    return { status, code, message: error.message, reason: error.reason, field, details };
  }
  if (error instanceof SettingsError) return { status: 500, code: 'misconfigured', message: error.message };
  console.error('splitscope: unexpected error', error);
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, code: 'internal', message: `Splitscope failed unexpectedly: ${message}` };
}

/** Maps any failure to an API error response, `{error: {code, message, field?}}`. */
export function errorResponse(error: unknown): Response {
  const { status, code, message, ...extra } = describeError(error);
  return json(errorBody(code, message, extra), status);
}

/** Loaded data or the error that prevented it: lets a page show what did load. */
export type Loaded<T> = { ok: true; data: T } | { ok: false; error: DescribedError };

export async function settle<T>(promise: Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await promise };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/** Runs a handler body and turns any failure into an API error response. */
export async function handle(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    return errorResponse(error);
  }
}

/** Validates query parameters with a schema; throws InputError on failure. */
export function parseQuery<T>(request: Request, schema: ZodType<T>): T {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = schema.safeParse(params);
  if (!result.success) throw inputErrorFromZod(result.error, 'query');
  return result.data;
}

/** Validates route parameters. */
export function parsePath<T>(params: unknown, schema: ZodType<T>): T {
  const result = schema.safeParse(params);
  if (!result.success) throw inputErrorFromZod(result.error, 'path');
  return result.data;
}

/** Reads and validates a JSON body; a body that is not JSON is a 400 with a clear message. */
export async function parseBody<T>(request: Request, schema: ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    throw new InputError('The request body must be JSON (Content-Type: application/json).');
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw inputErrorFromZod(result.error, 'body');
  return result.data;
}

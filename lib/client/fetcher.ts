/**
 * The one way the browser reads and writes our API. Errors keep the API's
 * `{error: {code, message, field?}}` and the HTTP status, so one component can
 * present them (403 = no permission, 404 = not found, 503 = cluster unreachable).
 */
import type { ApiErrorInfo } from '@/lib/api/errors';

export type { ApiErrorInfo };

export class ApiRequestError extends Error {
  readonly info: ApiErrorInfo;

  constructor(info: ApiErrorInfo) {
    super(info.message);
    this.name = 'ApiRequestError';
    this.info = info;
  }
}

function errorInfo(status: number, body: unknown): ApiErrorInfo {
  const error = body && typeof body === 'object' ? (body as { error?: Partial<ApiErrorInfo> }).error : undefined;
  return {
    status,
    code: error?.code ?? 'http_error',
    message: error?.message ?? `The server answered ${status}.`,
    field: error?.field,
    reason: error?.reason,
    details: error?.details,
  };
}

/** fetch + JSON + typed errors; network failures become an `unreachable` error too. */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: init.body ? { 'content-type': 'application/json', ...init.headers } : init.headers,
    });
  } catch (error) {
    throw new ApiRequestError({
      status: 0,
      code: 'network',
      message: `Splitscope's server could not be reached (${error instanceof Error ? error.message : String(error)}). Is it still running?`,
    });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new ApiRequestError(errorInfo(response.status, body));
  return body as T;
}

/** The SWR fetcher: keys are API paths. */
export function swrFetcher<T>(path: string): Promise<T> {
  return apiFetch<T>(path);
}

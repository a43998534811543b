import 'server-only';
import { ApiException } from '@kubernetes/client-node';
import type { K8sStatus } from '../wire';

/** What a cluster call was about, so an error can say which object failed. */
export interface ClusterErrorContext {
  /** What we were doing, in words: "list VirtualServices", "apply weights". */
  action: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/**
 * The one error type for anything a cluster said no to, or could not be reached for.
 * It keeps the cluster's own status, reason and message (403 stays "forbidden" with
 * the RBAC sentence the API server wrote) so the UI can show it unchanged.
 */
export class ClusterError extends Error {
  readonly status: number;
  /** Kubernetes `Status.reason` (`NotFound`, `Forbidden`, `Conflict`, `Invalid`, ...) or `Unreachable`. */
  readonly reason: string;
  readonly action: string;
  readonly kind: string | undefined;
  readonly namespace: string | undefined;
  readonly objectName: string | undefined;
  /** Field-level causes of a 422, as the API server lists them. */
  readonly causes: { field?: string; message?: string; reason?: string }[];

  constructor(options: {
    status: number;
    reason: string;
    message: string;
    context: ClusterErrorContext;
    causes?: ClusterError['causes'];
  }) {
    super(options.message);
    this.name = 'ClusterError';
    this.status = options.status;
    this.reason = options.reason;
    this.action = options.context.action;
    this.kind = options.context.kind;
    this.namespace = options.context.namespace;
    this.objectName = options.context.name;
    this.causes = options.causes ?? [];
  }
}

/** Reasons Kubernetes uses for each status, for answers that come without a Status body. */
const REASON_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function parseStatus(body: unknown): K8sStatus | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'Status') return value as K8sStatus;
  return undefined;
}

/** Network-level failures carry a Node error code somewhere in their cause chain. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turns whatever client-node threw into a ClusterError, in this one place. */
export function toClusterError(error: unknown, context: ClusterErrorContext): ClusterError {
  if (error instanceof ClusterError) return error;
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    const code = status?.code ?? error.code;
    const reason = status?.reason ?? REASON_BY_STATUS[code] ?? 'Unknown';
    const message =
      status?.message ??
      (code === 401
        ? 'The cluster did not accept our credentials (401 Unauthorized); check the kubeconfig user or token.'
        : `The cluster answered ${code} to "${context.action}".`);
    return new ClusterError({ status: code, reason, message, context, causes: status?.details?.causes });
  }
  const code = networkCode(error);
  if (code) {
    const message = `The cluster could not be reached (${code}) while trying to ${context.action}: ${
      error instanceof Error ? error.message : String(error)
    }`;
    return new ClusterError({ status: 503, reason: 'Unreachable', message, context });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ClusterError({ status: 500, reason: 'InternalError', message, context });
}

/** Runs a cluster call and converts its failure; keeps call sites to one line. */
export async function clusterCall<T>(context: ClusterErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toClusterError(error, context);
  }
}

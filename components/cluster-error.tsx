/**
 * The one presenter of cluster and API errors (style.md §7): a 403 reads as "no
 * permission", a 404 as "not found", an unreachable cluster as such, always with
 * the cluster's own message, placed next to whatever did load.
 */
export interface ErrorLike {
  status: number;
  code: string;
  message: string;
  reason?: string;
  field?: string;
}

const TITLES: Record<string, string> = {
  forbidden: 'No permission',
  unauthorized: 'Not authenticated',
  not_found: 'Not found',
  unreachable: 'Cluster unreachable',
  network: 'Splitscope unreachable',
  istio_not_installed: 'Istio is not installed',
  conflict: 'Changed in the cluster meanwhile',
  already_exists: 'Already exists',
  invalid: 'Rejected by the cluster',
  invalid_input: 'Invalid input',
  read_only: 'Read-only',
  misconfigured: 'Configuration problem',
};

const HINTS: Record<string, string> = {
  forbidden: 'Splitscope acts with the identity of its kubeconfig or service account; that identity needs the permission named above.',
  unauthorized: 'Check the credentials of the kubeconfig user (token, certificate or exec plugin).',
  unreachable: 'Check that the API server is running and reachable from the machine that runs Splitscope.',
  istio_not_installed: "Install Istio (its CRDs provide networking.istio.io), or point Splitscope at a cluster that has it.",
};

export function ClusterErrorNotice({ error, compact = false }: { error: ErrorLike; compact?: boolean }) {
  const title = TITLES[error.code] ?? `Error ${error.status || ''}`.trim();
  const hint = HINTS[error.code];
  const tone = error.code === 'istio_not_installed' || error.code === 'forbidden' ? 'amber' : 'rose';
  const classes =
    tone === 'amber' ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-rose-300 bg-rose-50 text-rose-900';
  return (
    <div role="alert" data-error-code={error.code} className={`rounded-md border px-3 py-2 text-sm ${classes}`}>
      <p className="font-medium">
        {title}
        {error.status ? <span className="ml-2 font-mono text-xs opacity-70">{error.status}</span> : null}
      </p>
      <p className="mt-0.5 break-words">{error.message}</p>
      {!compact && hint ? <p className="mt-1 text-xs opacity-80">{hint}</p> : null}
    </div>
  );
}

import Link from 'next/link';
import type { ClusterInfo } from '@/lib/server/cluster';

const MODE_LABEL: Record<ClusterInfo['mode'], string> = {
  sandbox: 'Embedded cluster (sandbox)',
  kubeconfig: 'kubeconfig',
  'in-cluster': 'In-cluster',
};

/** The header: which cluster this is, plainly, and what it serves. */
export function ClusterHeader({ cluster }: { cluster: ClusterInfo }) {
  const istio = cluster.istio;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-6 py-3">
        <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
          <span aria-hidden className="inline-block h-5 w-5 rounded-sm bg-gradient-to-r from-sky-500 from-30% to-indigo-500 to-30%" />
          Splitscope
        </Link>
        <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="cluster-identity">
          <span
            className={`rounded-full px-2.5 py-0.5 font-medium ${
              cluster.mode === 'sandbox' ? 'bg-amber-100 text-amber-900' : 'bg-sky-100 text-sky-900'
            }`}
            title={cluster.server}
          >
            {MODE_LABEL[cluster.mode]}
            {cluster.mode === 'kubeconfig' && cluster.context ? `: ${cluster.context}` : ''}
          </span>
          <span className="font-mono text-xs text-slate-500">{cluster.server}</span>
          {cluster.kubernetesVersion ? <span className="text-slate-600">Kubernetes {cluster.kubernetesVersion}</span> : null}
          {istio && istio.versions.length > 0 ? (
            <span className="text-slate-600" title={istio.controlPlaneNote}>
              Istio {istio.controlPlaneVersion ?? '(version unknown)'} · networking {istio.versions.join(', ')}
            </span>
          ) : null}
          {cluster.readOnly ? <span className="rounded-full bg-slate-200 px-2.5 py-0.5 text-slate-700">read-only</span> : null}
          {!cluster.reachable ? <span className="rounded-full bg-rose-100 px-2.5 py-0.5 text-rose-800">unreachable</span> : null}
        </div>
      </div>
    </header>
  );
}

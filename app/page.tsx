import Link from 'next/link';
import { ClusterErrorNotice } from '@/components/cluster-error';
import { NamespaceSection } from '@/components/namespace-section';
import { settle } from '@/lib/api/respond';
import { listNamespaces, listServices } from '@/lib/kube';
import { listVirtualServiceSummaries } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

/** Namespaces of the platform itself: listed, but not opened by default. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'istio-system']);

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ namespace?: string }> }) {
  const { namespace: selected } = await searchParams;
  const namespaces = await settle(listNamespaces());
  if (!namespaces.ok) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">Overview</h1>
        <ClusterErrorNotice error={namespaces.error} />
      </div>
    );
  }
  const all = namespaces.data;
  const shown = selected ? all.filter((n) => n.name === selected) : all.filter((n) => !SYSTEM_NAMESPACES.has(n.name));
  const sections = await Promise.all(
    shown.map(async (namespace) => {
      const [services, virtualServices] = await Promise.all([
        settle(listServices(namespace.name).then((list) => ({ services: list }))),
        settle(listVirtualServiceSummaries(namespace.name).then((list) => ({ virtualServices: list }))),
      ]);
      return { namespace, services, virtualServices };
    }),
  );

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-xl font-semibold">Overview</h1>
        <nav aria-label="Namespaces" className="flex flex-wrap gap-1.5 text-sm">
          <Link href="/" className={`rounded-full px-2.5 py-0.5 ${!selected ? 'bg-slate-800 text-white' : 'bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-100'}`}>
            all
          </Link>
          {all.map((n) => (
            <Link
              key={n.name}
              href={`/?namespace=${encodeURIComponent(n.name)}`}
              className={`rounded-full px-2.5 py-0.5 font-mono ${
                selected === n.name ? 'bg-slate-800 text-white' : 'bg-white text-slate-700 ring-1 ring-slate-200 hover:bg-slate-100'
              } ${SYSTEM_NAMESPACES.has(n.name) ? 'opacity-60' : ''}`}
            >
              {n.name}
            </Link>
          ))}
        </nav>
      </div>
      {selected && shown.length === 0 ? (
        <ClusterErrorNotice error={{ status: 404, code: 'not_found', message: `There is no namespace "${selected}" in this cluster.` }} />
      ) : null}
      {sections.map(({ namespace, services, virtualServices }) => (
        <NamespaceSection key={namespace.name} namespace={namespace} services={services} virtualServices={virtualServices} />
      ))}
    </div>
  );
}

import Link from 'next/link';
import { ClusterErrorNotice } from '@/components/cluster-error';
import { Designer } from '@/components/designer/designer';
import { settle } from '@/lib/api/respond';
import { getConnection } from '@/lib/kube';
import { getPickerData } from '@/lib/server/designer';
import { getVirtualServiceDetail } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

/** The designer for one HTTP route of a VirtualService; the URL holds namespace, name and route. */
export default async function DesignerPage({
  params,
  searchParams,
}: {
  params: Promise<{ ns: string; name: string }>;
  searchParams: Promise<{ route?: string }>;
}) {
  const { ns, name } = await params;
  const { route: routeParam } = await searchParams;
  const route = Math.max(0, Number.parseInt(routeParam ?? '0', 10) || 0);
  const [detail, picker] = await Promise.all([settle(getVirtualServiceDetail(ns, name)), settle(getPickerData(ns))]);
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/?namespace=${ns}`} className="hover:underline">
            {ns}
          </Link>{' '}
          / VirtualService
        </p>
        <h1 className="font-mono text-xl font-semibold">{name}</h1>
        {detail.ok ? (
          <p className="text-sm text-slate-600">
            hosts: <span className="font-mono">{detail.data.hosts.join(', ') || '(none)'}</span>
            {detail.data.gateways.length > 0 ? <> · gateways: {detail.data.gateways.join(', ')}</> : null}
            {detail.data.exportTo.length > 0 ? <> · exportTo: {detail.data.exportTo.join(', ')}</> : null}
            <span className="ml-2 text-xs text-slate-400">
              {detail.data.apiVersion} · resourceVersion {detail.data.resourceVersion}
            </span>
          </p>
        ) : null}
      </div>
      {!detail.ok ? <ClusterErrorNotice error={detail.error} /> : null}
      {!picker.ok ? <ClusterErrorNotice error={picker.error} compact /> : null}
      {detail.ok ? (
        <Designer
          key={`${route}`}
          detail={detail.data}
          route={route}
          picker={picker.ok ? picker.data : { namespace: ns, services: [], subsets: [] }}
          readOnly={getConnection().readOnly}
        />
      ) : null}
    </div>
  );
}

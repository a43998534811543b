import Link from 'next/link';
import { ClusterErrorNotice } from '@/components/cluster-error';
import { Designer } from '@/components/designer/designer';
import { VerifyPanel } from '@/components/probe/verify-panel';
import { settle } from '@/lib/api/respond';
import { getConnection, listNamespaces } from '@/lib/kube';
import { describeProbe, type ProbeDescription } from '@/lib/probe/session/describe';
import { probeRegistry } from '@/lib/probe/session/registry';
import { getPickerData } from '@/lib/server/designer';
import { getVirtualServiceDetail } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

/** The designer for one HTTP route of a VirtualService; the URL holds namespace, name and route. */
export default async function DesignerPage({
  params,
  searchParams,
}: {
  params: Promise<{ ns: string; name: string }>;
  searchParams: Promise<{ route?: string; probe?: string; baseline?: string }>;
}) {
  const { ns, name } = await params;
  const { route: routeParam, probe, baseline } = await searchParams;
  const route = Math.max(0, Number.parseInt(routeParam ?? '0', 10) || 0);
  const [detail, picker, namespaces, probes] = await Promise.all([
    settle(getVirtualServiceDetail(ns, name)),
    settle(getPickerData(ns)),
    settle(listNamespaces()),
    selectedProbes([probe, baseline]),
  ]);
  const readOnly = getConnection().readOnly;
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
          readOnly={readOnly}
          verify={
            <VerifyPanel
              namespaces={namespaces.ok ? namespaces.data : [{ name: ns, injection: 'unset', labels: {} }]}
              defaultNamespace={ns}
              defaultUrl={defaultProbeUrl(detail.data.hosts[0] ?? name, picker.ok ? picker.data.services : [])}
              route={{ name, index: route }}
              probes={probes}
              readOnly={readOnly}
            />
          }
        />
      ) : null}
    </div>
  );
}

/** `http://<host>/`, with the port when the host's Service does not serve port 80. */
function defaultProbeUrl(host: string, services: { name: string; ports: { port: number }[] }[]): string {
  const ports = services.find((s) => s.name === host)?.ports.map((p) => p.port) ?? [];
  const port = ports.length === 0 || ports.includes(80) ? undefined : ports[0];
  return `http://${host}${port ? `:${port}` : ''}/`;
}

/** The probes named in the URL (`probe`, `baseline`) that this dashboard knows. */
async function selectedProbes(ids: (string | undefined)[]): Promise<ProbeDescription[]> {
  const found = await Promise.all(ids.filter((id): id is string => Boolean(id && /^[a-z0-9]{1,40}$/.test(id))).map((id) => probeRegistry().get(id)));
  return found.filter((s) => s !== undefined).map(describeProbe);
}

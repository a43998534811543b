import Link from 'next/link';
import { ClusterErrorNotice } from '@/components/cluster-error';
import { NewSplitDesigner } from '@/components/designer/new-split';
import { settle } from '@/lib/api/respond';
import { getConnection } from '@/lib/kube';
import { getPickerData } from '@/lib/server/designer';

export const dynamic = 'force-dynamic';

/** A new split for a host that has no VirtualService yet: `/designer/<ns>?host=<service>`. */
export default async function NewSplitPage({ params, searchParams }: { params: Promise<{ ns: string }>; searchParams: Promise<{ host?: string }> }) {
  const { ns } = await params;
  const { host } = await searchParams;
  const picker = await settle(getPickerData(ns));
  if (!host) {
    return <ClusterErrorNotice error={{ status: 400, code: 'invalid_input', message: 'Name the host to split in the URL: /designer/<namespace>?host=<service>.' }} />;
  }
  const service = picker.ok ? picker.data.services.find((s) => s.name === host) : undefined;
  const port = service && service.ports.length === 1 ? service.ports[0]?.port : undefined;
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-slate-500">
          <Link href={`/?namespace=${ns}`} className="hover:underline">
            {ns}
          </Link>{' '}
          / new split
        </p>
        <h1 className="text-xl font-semibold">
          Split the traffic of <span className="font-mono">{host}</span>
        </h1>
      </div>
      {!picker.ok ? <ClusterErrorNotice error={picker.error} /> : null}
      <NewSplitDesigner
        namespace={ns}
        host={host}
        initial={[{ host, ...(port ? { port } : {}), weight: 100 }]}
        picker={picker.ok ? picker.data : { namespace: ns, services: [], subsets: [] }}
        readOnly={getConnection().readOnly}
      />
    </div>
  );
}

import Link from 'next/link';
import { ClusterErrorNotice } from '@/components/cluster-error';
import { ProbeLive } from '@/components/probe/probe-live';
import { describeProbe } from '@/lib/probe/session/describe';
import { probeRegistry } from '@/lib/probe/session/registry';

export const dynamic = 'force-dynamic';

/** One probe at its own URL, live. */
export default async function ProbePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = /^[a-z0-9]{1,40}$/.test(id) ? await probeRegistry().get(id) : undefined;
  if (!session) {
    return <ClusterErrorNotice error={{ status: 404, code: 'not_found', message: `There is no probe "${id}" on this dashboard (ended probes are kept for a while, then forgotten).` }} />;
  }
  const probe = describeProbe(session);
  const route = probe.probe.route;
  return (
    <div className="space-y-4">
      <div>
        <p className="text-sm text-slate-500">probe</p>
        <h1 className="font-mono text-xl font-semibold">{id}</h1>
        {route ? (
          <p className="text-sm text-slate-600">
            compared with{' '}
            <Link className="font-mono text-sky-700 hover:underline" href={`/designer/${route.namespace}/${route.name}?route=${route.index}&probe=${id}`}>
              {route.namespace}/{route.name} http[{route.index}]
            </Link>
          </p>
        ) : null}
      </div>
      <ProbeLive initial={probe} />
    </div>
  );
}

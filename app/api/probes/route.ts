import { handle, json, parseBody } from '@/lib/api/respond';
import { probeBody } from '@/lib/api/schemas';
import { describeProbe } from '@/lib/probe/session/describe';
import { probeRegistry } from '@/lib/probe/session/registry';

export const dynamic = 'force-dynamic';

/** Starts a probe: a pod in the client namespace sending requests to the URL. */
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const body = await parseBody(request, probeBody);
    const session = await probeRegistry().start(body);
    return json(describeProbe(session), 201);
  });
}

/** Probes this dashboard knows, newest first, without their chart series. */
export async function GET(): Promise<Response> {
  return handle(async () => {
    const sessions = await probeRegistry().list();
    const probes = sessions
      .map((s) => {
        const { series: _series, ...rest } = describeProbe(s);
        return rest;
      })
      .sort((a, b) => b.probe.createdAt - a.probe.createdAt);
    return json({ probes });
  });
}

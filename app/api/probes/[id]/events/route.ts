import { InputError } from '@/lib/api/errors';
import { handle, parsePath } from '@/lib/api/respond';
import { probePath } from '@/lib/api/schemas';
import { probeRegistry } from '@/lib/probe/session/registry';
import { probeEventStream } from '@/lib/probe/session/sse';

export const dynamic = 'force-dynamic';

/** Server-Sent Events: a snapshot, then compact updates a few times a second, until the probe ends. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const { id } = parsePath(await context.params, probePath);
    const session = await probeRegistry().get(id);
    if (!session) throw new InputError(`There is no probe "${id}".`, 'id', 404, 'not_found');
    return new Response(probeEventStream(session, request.signal), {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    });
  });
}

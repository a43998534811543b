import { InputError } from '@/lib/api/errors';
import { handle, json, parsePath } from '@/lib/api/respond';
import { probePath } from '@/lib/api/schemas';
import { describeProbe } from '@/lib/probe/session/describe';
import { probeRegistry } from '@/lib/probe/session/registry';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

async function session(context: Context) {
  const { id } = parsePath(await context.params, probePath);
  const found = await probeRegistry().get(id);
  if (!found) throw new InputError(`There is no probe "${id}" (ended probes are kept for a while, then forgotten).`, 'id', 404, 'not_found');
  return found;
}

export async function GET(_request: Request, context: Context): Promise<Response> {
  return handle(async () => json(describeProbe(await session(context))));
}

/** Stops the probe and deletes its pod. */
export async function DELETE(_request: Request, context: Context): Promise<Response> {
  return handle(async () => {
    const found = await session(context);
    await found.stop();
    return json(describeProbe(found));
  });
}

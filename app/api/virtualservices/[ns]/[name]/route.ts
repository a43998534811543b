import { handle, json, parsePath } from '@/lib/api/respond';
import { objectPath } from '@/lib/api/schemas';
import { getVirtualServiceDetail } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, context: { params: Promise<{ ns: string; name: string }> }): Promise<Response> {
  return handle(async () => {
    const { ns, name } = parsePath(await context.params, objectPath);
    return json(await getVirtualServiceDetail(ns, name));
  });
}

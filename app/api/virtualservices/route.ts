import { handle, json, parseQuery } from '@/lib/api/respond';
import { namespaceQuery } from '@/lib/api/schemas';
import { listVirtualServiceSummaries } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const { namespace } = parseQuery(request, namespaceQuery);
    return json({ namespace, virtualServices: await listVirtualServiceSummaries(namespace) });
  });
}

import { handle, json, parseQuery } from '@/lib/api/respond';
import { namespaceQuery } from '@/lib/api/schemas';
import { listServices } from '@/lib/kube';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const { namespace } = parseQuery(request, namespaceQuery);
    return json({ namespace, services: await listServices(namespace) });
  });
}

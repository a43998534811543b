import { handle, json } from '@/lib/api/respond';
import { listNamespaces } from '@/lib/kube';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return handle(async () => json({ namespaces: await listNamespaces() }));
}

import { handle, json } from '@/lib/api/respond';
import { getClusterInfo } from '@/lib/server/cluster';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return handle(async () => json(await getClusterInfo()));
}

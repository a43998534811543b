import { handle, json, parseBody, parsePath, parseQuery } from '@/lib/api/respond';
import { dryRunQuery, objectPath, revertBody } from '@/lib/api/schemas';
import { revertWeights } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

/** Restores the weights of a recorded revision; the current ones are recorded first. */
export async function POST(request: Request, context: { params: Promise<{ ns: string; name: string }> }): Promise<Response> {
  return handle(async () => {
    const { ns, name } = parsePath(await context.params, objectPath);
    const { dryRun } = parseQuery(request, dryRunQuery);
    const body = await parseBody(request, revertBody);
    return json(await revertWeights({ namespace: ns, name, ...body, dryRun }));
  });
}

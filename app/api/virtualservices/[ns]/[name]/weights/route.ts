import { handle, json, parseBody, parsePath, parseQuery } from '@/lib/api/respond';
import { dryRunQuery, objectPath, weightsBody } from '@/lib/api/schemas';
import { applyWeights } from '@/lib/server/virtualservices';

export const dynamic = 'force-dynamic';

/**
 * Changes the weights (and destination list) of one HTTP route and nothing else.
 * 200 with the new object; 409 on a stale resourceVersion; 422 with findings when the
 * change is invalid; `?dryRun=true` returns findings, diff and the cluster's verdict.
 */
export async function PUT(request: Request, context: { params: Promise<{ ns: string; name: string }> }): Promise<Response> {
  return handle(async () => {
    const { ns, name } = parsePath(await context.params, objectPath);
    const { dryRun } = parseQuery(request, dryRunQuery);
    const body = await parseBody(request, weightsBody);
    return json(await applyWeights({ namespace: ns, name, ...body, dryRun }));
  });
}

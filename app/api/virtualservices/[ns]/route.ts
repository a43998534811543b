import { handle, json, parseBody, parsePath, parseQuery } from '@/lib/api/respond';
import { createBody, dryRunQuery, namespaceName } from '@/lib/api/schemas';
import { createSplit } from '@/lib/server/virtualservices';
import { z } from 'zod';

export const dynamic = 'force-dynamic';

const path = z.object({ ns: namespaceName });

/** Creates a VirtualService from a split design; `?dryRun=true` checks only. */
export async function POST(request: Request, context: { params: Promise<{ ns: string }> }): Promise<Response> {
  return handle(async () => {
    const { ns } = parsePath(await context.params, path);
    const { dryRun } = parseQuery(request, dryRunQuery);
    const body = await parseBody(request, createBody);
    const result = await createSplit({ namespace: ns, ...body, dryRun });
    return json(result, dryRun ? 200 : 201);
  });
}

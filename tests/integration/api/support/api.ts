/**
 * Calls to Splitscope's HTTP API, and the shapes of its answers as design.md's API table
 * describes them, checked at the boundary so that a wrong answer fails with its text.
 */
import { z } from 'zod';
import type { Json } from '@/lib/wire';
import { appUnderTest } from '../../../support/under-test';

export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed, when it is JSON. */
  body: Json | undefined;
}

/** One request to the API of the Splitscope under test (or of another instance, by base URL). */
export async function callApi(
  path: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: Json; baseUrl?: string } = {},
): Promise<ApiResponse> {
  const base = init.baseUrl ?? appUnderTest().baseUrl;
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let body: Json | undefined;
  if (contentType.includes('json') && text !== '') {
    const parsed: Json = JSON.parse(text);
    body = parsed;
  }
  return { status: response.status, contentType, text, body };
}

/** Parses a body with a schema, failing with the raw text when it does not fit. */
export function parseAs<T>(schema: z.ZodType<T>, res: ApiResponse): T {
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) throw new Error(`unexpected answer (${res.status}): ${res.text.slice(0, 800)}\n${parsed.error.message}`);
  return parsed.data;
}

/** `{error: {code, message, field?}}`, as every 4xx and 5xx of the API is. */
export const errorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string().min(1),
    field: z.string().optional(),
    reason: z.string().optional(),
    details: z.unknown().optional(),
  }),
});

export const clusterInfoSchema = z.looseObject({
  mode: z.enum(['sandbox', 'kubeconfig', 'in-cluster']),
  context: z.string().optional(),
  server: z.string(),
  readOnly: z.boolean(),
  reachable: z.boolean(),
  kubernetesVersion: z.string().optional(),
  istio: z
    .looseObject({
      versions: z.array(z.string()),
      preferred: z.string().optional(),
      controlPlaneVersion: z.string().optional(),
      controlPlaneNote: z.string().optional(),
    })
    .optional(),
});

export const namespacesSchema = z.object({
  namespaces: z.array(
    z.looseObject({ name: z.string(), injection: z.enum(['enabled', 'disabled', 'revision', 'unset']), revision: z.string().optional(), labels: z.record(z.string(), z.string()) }),
  ),
});

export const servicesSchema = z.object({
  namespace: z.string(),
  services: z.array(
    z.looseObject({
      namespace: z.string(),
      name: z.string(),
      type: z.string(),
      ports: z.array(z.looseObject({ name: z.string().optional(), port: z.number(), protocol: z.string(), appProtocol: z.string().optional(), targetPort: z.union([z.number(), z.string()]).optional() })),
      selector: z.record(z.string(), z.string()).optional(),
      endpoints: z.object({ ready: z.number(), notReady: z.number() }),
      pods: z.object({ total: z.number(), withSidecar: z.number() }),
    }),
  ),
});

const findingSchema = z.looseObject({ code: z.string(), severity: z.enum(['error', 'warning', 'info']), message: z.string(), path: z.string().optional() });

export const routeSplitSchema = z.looseObject({
  kind: z.enum(['http', 'tcp', 'tls']),
  index: z.number(),
  name: z.string().optional(),
  destinations: z.array(
    z.looseObject({ host: z.string(), subset: z.string().optional(), port: z.number().optional(), weight: z.number(), share: z.number(), weightSet: z.boolean() }),
  ),
  totalWeight: z.number(),
  splittable: z.boolean(),
  reason: z.string().optional(),
  path: z.string(),
  findings: z.array(findingSchema),
});

const summaryShape = {
  namespace: z.string(),
  name: z.string(),
  apiVersion: z.string(),
  resourceVersion: z.string(),
  hosts: z.array(z.string()),
  gateways: z.array(z.string()),
  exportTo: z.array(z.string()),
  routes: z.array(routeSplitSchema),
  revisions: z.number(),
};

export const summariesSchema = z.object({ namespace: z.string(), virtualServices: z.array(z.looseObject(summaryShape)) });

export const detailSchema = z.looseObject({
  ...summaryShape,
  object: z.looseObject({ apiVersion: z.string(), kind: z.literal('VirtualService'), metadata: z.looseObject({ name: z.string(), resourceVersion: z.string() }) }),
  findings: z.array(z.array(findingSchema)),
  history: z.array(z.looseObject({ revision: z.number(), route: z.number(), destinations: z.array(z.looseObject({ host: z.string(), weight: z.number() })) })),
  gaps: z.array(z.string()),
});

export const changeResultSchema = z.looseObject({
  dryRun: z.boolean(),
  object: z.looseObject({ apiVersion: z.string(), kind: z.literal('VirtualService'), metadata: z.looseObject({ name: z.string() }) }),
  routes: z.array(routeSplitSchema),
  findings: z.array(findingSchema),
  diff: z.string(),
  patch: z.array(z.looseObject({ op: z.string(), path: z.string() })),
  gaps: z.array(z.string()),
  cluster: z.object({ accepted: z.boolean(), error: z.looseObject({ status: z.number(), code: z.string(), message: z.string() }).optional() }),
});

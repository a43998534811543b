/**
 * The scene the API tests act on: namespace `splitscope-api` with Services whose
 * endpoints are made by hand (a Service without selector and an EndpointSlice), which
 * behaves the same on the sandbox, on a bare control plane without controllers, and on a
 * full cluster.
 */
import type { Json } from '@/lib/wire';
import { API_NAMESPACE } from '../../../contract/support/target';
import { deleteIfPresent, ensureNamespace, kube } from './cluster';

/** The namespace the API tests write into (created if missing, never deleted). */
export { API_NAMESPACE } from '../../../contract/support/target';
/** The history annotation Splitscope keeps on a VirtualService it edited. */
export const HISTORY_ANNOTATION = 'splitscope.dev/history';

export interface ServiceSpec {
  ports?: { name: string; port: number; targetPort?: number }[];
  selector?: Record<string, string>;
  /** Hand-made endpoints: how many ready and not ready (only for Services without selector). */
  endpoints?: { ready: number; notReady: number };
}

/** Creates a Service (replacing one left by an earlier run) and, if asked, its EndpointSlice. */
export async function putService(namespace: string, name: string, spec: ServiceSpec = {}): Promise<void> {
  const ports = spec.ports ?? [{ name: 'http', port: 80 }];
  await deleteIfPresent(`/api/v1/namespaces/${namespace}/services/${name}`);
  await deleteIfPresent(`/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices/${name}-manual`);
  const body: Json = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: {
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.targetPort ?? p.port })),
      ...(spec.selector ? { selector: spec.selector } : {}),
    },
  };
  const res = await kube({ method: 'POST', path: `/api/v1/namespaces/${namespace}/services`, body });
  if (res.status !== 201) throw new Error(`create Service ${namespace}/${name}: ${res.status} ${res.text.slice(0, 300)}`);
  if (spec.endpoints === undefined) return;
  const addresses = (n: number, from: number) => Array.from({ length: n }, (_, i) => `10.251.0.${from + i}`);
  const slice: Json = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-manual`, namespace, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    endpoints: [
      ...addresses(spec.endpoints.ready, 10).map((a) => ({ addresses: [a], conditions: { ready: true } })),
      ...addresses(spec.endpoints.notReady, 100).map((a) => ({ addresses: [a], conditions: { ready: false } })),
    ],
    ports: ports.map((p) => ({ name: p.name, port: p.targetPort ?? p.port, protocol: 'TCP' })),
  };
  const sliced = await kube({ method: 'POST', path: `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`, body: slice });
  if (sliced.status !== 201) throw new Error(`create EndpointSlice ${namespace}/${name}-manual: ${sliced.status} ${sliced.text.slice(0, 300)}`);
}

/** The API namespace with the two Services most tests split between: `api-a` and `api-b`, one ready endpoint each. */
export async function ensureApiScene(): Promise<void> {
  await ensureNamespace(API_NAMESPACE);
  for (const name of ['api-a', 'api-b']) await putService(API_NAMESPACE, name, { endpoints: { ready: 1, notReady: 0 } });
}

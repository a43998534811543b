import 'server-only';
import type { V1EndpointSlice, V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import { getConnection, type ClusterConnection } from './client';
import { clusterCall, ClusterError } from './errors';
import type { InjectionSetting, NamespaceSummary, PodSummary, ServiceSummary } from './types';

/**
 * A namespace's injection setting, read the way Istio's injector webhooks select
 * namespaces: `istio-injection` wins over `istio.io/rev`.
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 */
export function injectionOf(labels: Record<string, string>): { injection: InjectionSetting; revision?: string } {
  const legacy = labels['istio-injection'];
  if (legacy === 'enabled') return { injection: 'enabled' };
  if (legacy === 'disabled') return { injection: 'disabled' };
  const revision = labels['istio.io/rev'];
  if (revision) return { injection: 'revision', revision };
  return { injection: 'unset' };
}

/**
 * Whether a pod carries an Istio sidecar: the injector adds the `istio-proxy` container
 * (an init container in native-sidecar mode) and records `sidecar.istio.io/status`.
 */
export function hasSidecar(pod: V1Pod): boolean {
  const named = (containers: { name: string }[] | undefined) => (containers ?? []).some((c) => c.name === 'istio-proxy');
  return named(pod.spec?.containers) || named(pod.spec?.initContainers) || Boolean(pod.metadata?.annotations?.['sidecar.istio.io/status']);
}

/** Equality-based selection, as a Service's `spec.selector` selects pods. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function summarizeNamespace(ns: V1Namespace): NamespaceSummary {
  const labels = ns.metadata?.labels ?? {};
  return { name: ns.metadata?.name ?? '', labels, ...injectionOf(labels) };
}

export function summarizePod(pod: V1Pod): PodSummary {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    phase: pod.status?.phase ?? 'Unknown',
    ready: isReady(pod),
    sidecar: hasSidecar(pod),
    podIP: pod.status?.podIP,
    containerPorts: (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort }))),
  };
}

export async function listNamespaces(connection: ClusterConnection = getConnection()): Promise<NamespaceSummary[]> {
  const list = await clusterCall({ action: 'list namespaces', kind: 'Namespace' }, () => connection.core.listNamespace());
  return list.items.map(summarizeNamespace).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getNamespace(name: string, connection: ClusterConnection = getConnection()): Promise<NamespaceSummary> {
  const ns = await clusterCall({ action: 'read the namespace', kind: 'Namespace', name }, () => connection.core.readNamespace({ name }));
  return summarizeNamespace(ns);
}

/** Pods of one namespace, or of all when `namespace` is undefined. */
export async function listPods(
  { namespace, labelSelector }: { namespace?: string; labelSelector?: string } = {},
  connection: ClusterConnection = getConnection(),
): Promise<PodSummary[]> {
  const list = await clusterCall({ action: 'list pods', kind: 'Pod', namespace: namespace ?? '(all namespaces)' }, () =>
    namespace ? connection.core.listNamespacedPod({ namespace, labelSelector }) : connection.core.listPodForAllNamespaces({ labelSelector }),
  );
  return list.items.map(summarizePod);
}

/** Key of a Service in per-namespace maps. */
function serviceKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

type Counts = Map<string, { ready: number; notReady: number }>;

/**
 * Ready / not-ready endpoint counts per Service (keyed `namespace/name`), from
 * EndpointSlices, or from Endpoints where slices are not served.
 */
async function endpointCounts(namespace: string | undefined, connection: ClusterConnection): Promise<Counts> {
  const counts: Counts = new Map();
  const bump = (key: string, ready: boolean, by = 1) => {
    const entry = counts.get(key) ?? { ready: 0, notReady: 0 };
    if (ready) entry.ready += by;
    else entry.notReady += by;
    counts.set(key, entry);
  };
  const where = namespace ?? '(all namespaces)';
  let slices: V1EndpointSlice[];
  try {
    slices = (
      await clusterCall({ action: 'list endpoint slices', kind: 'EndpointSlice', namespace: where }, () =>
        namespace
          ? connection.discovery.listNamespacedEndpointSlice({ namespace })
          : connection.discovery.listEndpointSliceForAllNamespaces(),
      )
    ).items;
  } catch (error) {
    if (!(error instanceof ClusterError) || error.status !== 404) throw error;
    const endpoints = await clusterCall({ action: 'list endpoints', kind: 'Endpoints', namespace: where }, () =>
      namespace ? connection.core.listNamespacedEndpoints({ namespace }) : connection.core.listEndpointsForAllNamespaces(),
    );
    for (const ep of endpoints.items) {
      const key = serviceKey(ep.metadata?.namespace, ep.metadata?.name);
      for (const subset of ep.subsets ?? []) {
        bump(key, true, subset.addresses?.length ?? 0);
        bump(key, false, subset.notReadyAddresses?.length ?? 0);
      }
    }
    return counts;
  }
  for (const slice of slices) {
    const service = slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!service) continue;
    for (const endpoint of slice.endpoints) bump(serviceKey(slice.metadata?.namespace, service), endpoint.conditions?.ready !== false);
  }
  return counts;
}

function summarizeService(service: V1Service, pods: V1Pod[], counts: Counts): ServiceSummary {
  const namespace = service.metadata?.namespace ?? '';
  const name = service.metadata?.name ?? '';
  const selector = service.spec?.selector;
  const selected =
    selector && Object.keys(selector).length > 0
      ? pods.filter((p) => p.metadata?.namespace === namespace && selects(selector, p.metadata?.labels ?? {}))
      : [];
  return {
    namespace,
    name,
    type: service.spec?.type ?? 'ClusterIP',
    ports: (service.spec?.ports ?? []).map((p) => ({
      name: p.name,
      port: p.port,
      protocol: p.protocol ?? 'TCP',
      appProtocol: p.appProtocol,
      targetPort: p.targetPort,
    })),
    selector: selector && Object.keys(selector).length > 0 ? selector : undefined,
    endpoints: counts.get(serviceKey(namespace, name)) ?? { ready: 0, notReady: 0 },
    pods: { total: selected.length, withSidecar: selected.filter(hasSidecar).length },
  };
}

/**
 * Services with their ports, selector, endpoints and sidecar coverage, in one
 * namespace or (namespace undefined) in all of them.
 */
export async function listServices(namespace?: string, connection: ClusterConnection = getConnection()): Promise<ServiceSummary[]> {
  const where = namespace ?? '(all namespaces)';
  const [services, pods, counts] = await Promise.all([
    clusterCall({ action: 'list services', kind: 'Service', namespace: where }, () =>
      namespace ? connection.core.listNamespacedService({ namespace }) : connection.core.listServiceForAllNamespaces(),
    ),
    clusterCall({ action: 'list pods', kind: 'Pod', namespace: where }, () =>
      namespace ? connection.core.listNamespacedPod({ namespace }) : connection.core.listPodForAllNamespaces(),
    ),
    endpointCounts(namespace, connection),
  ]);
  return services.items
    .map((s) => summarizeService(s, pods.items, counts))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

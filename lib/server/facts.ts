import 'server-only';
import {
  ClusterError,
  discoverIstio,
  listDestinationRules,
  listNamespaces,
  listServiceEntries,
  listPods,
  listServices,
  listVirtualServices,
  type NamespaceSummary,
} from '@/lib/kube';
import type { ClusterFacts, DestinationRuleFact, VirtualServiceFact } from '@/lib/split/facts';
import type { K8sDestinationRule, K8sVirtualService } from '@/lib/wire';

/** The label every object Splitscope creates carries (probe pods among them). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'splitscope';

/** Facts for the checks, and what could not be read (the checks then say less, never guess). */
export interface GatheredFacts {
  facts: ClusterFacts;
  /** Sentences about what is missing: "no permission to list pods in namespace restricted". */
  gaps: string[];
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function toVirtualServiceFact(vs: K8sVirtualService): VirtualServiceFact {
  return {
    namespace: vs.metadata?.namespace ?? '',
    name: vs.metadata?.name ?? '',
    hosts: strings(vs.spec?.hosts) ?? [],
    gateways: strings(vs.spec?.gateways),
    exportTo: strings(vs.spec?.exportTo),
  };
}

function toDestinationRuleFact(dr: K8sDestinationRule): DestinationRuleFact {
  const subsets = Array.isArray(dr.spec?.subsets) ? dr.spec.subsets : [];
  return {
    namespace: dr.metadata?.namespace ?? '',
    name: dr.metadata?.name ?? '',
    host: typeof dr.spec?.host === 'string' ? dr.spec.host : '',
    subsets: subsets
      .filter((s) => typeof s.name === 'string')
      .map((s) => ({ name: s.name ?? '', labels: s.labels })),
    exportTo: strings(dr.spec?.exportTo),
  };
}

/** Reads one kind cluster-wide; when that is forbidden, namespace by namespace, noting what stays unreadable. */
async function readAcross<T>(
  what: string,
  namespaces: string[],
  read: (namespace?: string) => Promise<T[]>,
  gaps: string[],
): Promise<T[]> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ClusterError) || error.status !== 403) throw error;
  }
  const parts = await Promise.all(
    namespaces.map(async (namespace) => {
      try {
        return await read(namespace);
      } catch (error) {
        if (error instanceof ClusterError && (error.status === 403 || error.status === 404)) {
          gaps.push(`no permission to list ${what} in namespace ${namespace}`);
          return [];
        }
        throw error;
      }
    }),
  );
  return parts.flat();
}

/**
 * Everything the pre-apply checks need, read from the cluster in parallel. Reads that
 * are forbidden narrow the facts (and are reported) rather than failing the checks.
 * `focus` is the namespace of the VirtualService being edited: it is always read.
 */
export async function gatherFacts(focus: string): Promise<GatheredFacts> {
  const gaps: string[] = [];
  let namespaces: NamespaceSummary[];
  try {
    namespaces = await listNamespaces();
  } catch (error) {
    if (!(error instanceof ClusterError) || error.status !== 403) throw error;
    gaps.push('no permission to list namespaces: only this namespace was checked');
    namespaces = [{ name: focus, injection: 'unset', labels: {} }];
  }
  const names = namespaces.map((n) => n.name);
  const [services, pods, destinationRules, virtualServices, serviceEntries, istio] = await Promise.all([
    readAcross('services', names, (namespace) => listServices(namespace), gaps),
    readAcross('pods', names, (namespace) => listPods({ namespace }), gaps),
    readAcross('DestinationRules', names, (namespace) => listDestinationRules({ namespace }), gaps),
    readAcross('VirtualServices', names, (namespace) => listVirtualServices({ namespace }), gaps),
    readAcross('ServiceEntries', names, (namespace) => listServiceEntries({ namespace }), gaps),
    discoverIstio(),
  ]);
  if (!istio.controlPlaneVersion && istio.controlPlaneNote) gaps.push(`Istio version unknown (${istio.controlPlaneNote})`);
  return {
    facts: {
      services: services.map((s) => ({
        namespace: s.namespace,
        name: s.name,
        ports: s.ports,
        selector: s.selector,
        readyEndpoints: s.endpoints.ready,
      })),
      // Splitscope's own probe pods (some deliberately without a sidecar) are not clients to warn about.
      pods: pods
        .filter((p) => p.labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
        .map((p) => ({ namespace: p.namespace, name: p.name, labels: p.labels, ready: p.ready, sidecar: p.sidecar })),
      destinationRules: destinationRules.map(toDestinationRuleFact),
      virtualServices: virtualServices.map(toVirtualServiceFact),
      namespaces: namespaces.map((n) => ({ name: n.name, injection: n.injection })),
      serviceEntries: serviceEntries.map((se) => {
        const spec = se.spec && typeof se.spec === 'object' ? (se.spec as { hosts?: unknown }) : {};
        return { namespace: se.metadata?.namespace ?? '', name: se.metadata?.name ?? '', hosts: strings(spec.hosts) ?? [] };
      }),
      istioVersion: istio.controlPlaneVersion,
    },
    gaps,
  };
}

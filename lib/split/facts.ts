/**
 * ClusterFacts: the plain data the checks need about a cluster. lib/kube gathers it; the
 * checks only read it, so they stay pure and testable with hand-written facts.
 * Every list may be partial; a check that lacks what it needs says nothing rather than
 * guessing (for example no pod facts means no pod checks).
 */

/** One port of a Service, as in `spec.ports`. */
export interface ServicePortFact {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}

/** A Kubernetes Service and how many ready endpoints it has. */
export interface ServiceFact {
  namespace: string;
  name: string;
  ports: ServicePortFact[];
  /** Absent for a Service without selector (endpoints managed by hand). */
  selector?: Record<string, string>;
  /** Ready endpoint addresses over all ports. */
  readyEndpoints: number;
}

/** A pod: its labels (for subsets), readiness and whether it runs a sidecar (for who sees the split). */
export interface PodFact {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  /** Whether the pod runs an Istio sidecar (istio-proxy container). */
  sidecar: boolean;
}

/** A DestinationRule's host and subsets. */
export interface DestinationRuleFact {
  namespace: string;
  name: string;
  host: string;
  subsets: { name: string; labels?: Record<string, string> }[];
  exportTo?: string[];
}

/** Another VirtualService's hosts and binding, to find hosts claimed twice. */
export interface VirtualServiceFact {
  namespace: string;
  name: string;
  hosts: string[];
  gateways?: string[];
  exportTo?: string[];
}

/** ServiceEntry hosts count as existing destination hosts (mesh-external services). */
export interface ServiceEntryFact {
  namespace: string;
  name: string;
  hosts: string[];
}

/** A namespace's sidecar injection: `istio-injection=enabled|disabled`, an `istio.io/rev` label (`revision`), or none. */
export type InjectionSetting = 'enabled' | 'disabled' | 'revision' | 'unset';

/** A namespace and its injection setting. */
export interface NamespaceFact {
  name: string;
  injection: InjectionSetting;
}

/** Everything the checks know about the cluster. */
export interface ClusterFacts {
  services: ServiceFact[];
  pods: PodFact[];
  destinationRules: DestinationRuleFact[];
  virtualServices: VirtualServiceFact[];
  namespaces: NamespaceFact[];
  serviceEntries?: ServiceEntryFact[];
  /** Control plane version, e.g. `1.22.3`; decides whether a weight sum other than 100 is an error. */
  istioVersion?: string;
  /** Cluster DNS domain; `cluster.local` when absent. */
  clusterDomain?: string;
}

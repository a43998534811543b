/**
 * ClusterFacts: the plain data the checks need about a cluster. lib/kube gathers it; the
 * checks only read it, so they stay pure and testable with hand-written facts.
 * Every list may be partial; a check that lacks what it needs says nothing rather than
 * guessing (for example no pod facts means no pod checks).
 */

export interface ServicePortFact {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
}

export interface ServiceFact {
  namespace: string;
  name: string;
  ports: ServicePortFact[];
  /** Absent for a Service without selector (endpoints managed by hand). */
  selector?: Record<string, string>;
  /** Ready endpoint addresses over all ports. */
  readyEndpoints: number;
}

export interface PodFact {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  /** Whether the pod runs an Istio sidecar (istio-proxy container). */
  sidecar: boolean;
}

export interface DestinationRuleFact {
  namespace: string;
  name: string;
  host: string;
  subsets: { name: string; labels?: Record<string, string> }[];
  exportTo?: string[];
}

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

export type InjectionSetting = 'enabled' | 'disabled' | 'revision' | 'unset';

export interface NamespaceFact {
  name: string;
  injection: InjectionSetting;
}

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

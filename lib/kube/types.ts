/**
 * What lib/kube hands to the rest of the app: plain, serialisable shapes reshaped from
 * the wire at the gateway, so pages and routes never see client-node's classes.
 * (Istio objects are handed out as wire objects, `K8sVirtualService`: their unknown
 * fields must survive, and lib/split reads them.)
 */

/** How a namespace asks for sidecar injection. */
export type InjectionSetting = 'enabled' | 'disabled' | 'revision' | 'unset';

export interface NamespaceSummary {
  name: string;
  injection: InjectionSetting;
  /** The `istio.io/rev` revision when injection is by revision. */
  revision?: string;
  labels: Record<string, string>;
}

export interface ServicePortSummary {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
  targetPort?: number | string;
}

export interface ServiceSummary {
  namespace: string;
  name: string;
  type: string;
  ports: ServicePortSummary[];
  /** Absent for Services without a selector (their endpoints are managed by hand). */
  selector?: Record<string, string>;
  endpoints: { ready: number; notReady: number };
  /** Pods the selector picks, and how many of them carry an Istio sidecar. */
  pods: { total: number; withSidecar: number };
}

export interface PodSummary {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  phase: string;
  ready: boolean;
  sidecar: boolean;
  podIP?: string;
  /** Ports the pod's containers declare (named target ports of Services resolve against these). */
  containerPorts: { name?: string; containerPort: number }[];
}

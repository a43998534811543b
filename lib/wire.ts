/**
 * Wire types: the Kubernetes and Istio objects exactly as the API server sends them,
 * minimal and hand-written. Only the fields Splitscope reads are named; every object
 * carries an `unknown` index signature so that fields we do not model travel through
 * untouched (an edit must never lose a field of a hand-written VirtualService).
 *
 * App models (Split, Destination, Finding, ...) live in lib/split; nothing outside
 * lib/kube and lib/sandbox should need more than these shapes.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */

/** A JSON value, as parsed from the wire. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: unknown[];
  [field: string]: unknown;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  [field: string]: unknown;
}

export interface K8sList<T extends K8sObject = K8sObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
}

/** The error body Kubernetes sends with every non-2xx answer. */
export interface K8sStatus {
  apiVersion?: string;
  kind?: 'Status';
  metadata?: ListMeta;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
  code?: number;
}

/** One watch event, as a line of a `?watch=true` stream. */
export interface K8sWatchEvent<T extends K8sObject = K8sObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

// --- core/v1 -------------------------------------------------------------------------

export interface K8sNamespace extends K8sObject {
  status?: { phase?: string; [field: string]: unknown };
}

export interface K8sServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  [field: string]: unknown;
}

export interface K8sService extends K8sObject {
  spec?: {
    type?: string;
    selector?: Record<string, string>;
    ports?: K8sServicePort[];
    clusterIP?: string;
    clusterIPs?: string[];
    [field: string]: unknown;
  };
}

export interface K8sEndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
  [field: string]: unknown;
}

export interface K8sEndpoints extends K8sObject {
  subsets?: {
    addresses?: K8sEndpointAddress[];
    notReadyAddresses?: K8sEndpointAddress[];
    ports?: { name?: string; port: number; protocol?: string; appProtocol?: string }[];
  }[];
}

export interface K8sEndpointSlice extends K8sObject {
  addressType?: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
    [field: string]: unknown;
  }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

export interface K8sContainer {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; [field: string]: unknown }[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  [field: string]: unknown;
}

export interface K8sPod extends K8sObject {
  spec?: {
    containers: K8sContainer[];
    initContainers?: K8sContainer[];
    restartPolicy?: string;
    activeDeadlineSeconds?: number;
    automountServiceAccountToken?: boolean;
    nodeName?: string;
    [field: string]: unknown;
  };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    podIP?: string;
    podIPs?: { ip: string }[];
    reason?: string;
    message?: string;
    startTime?: string;
    conditions?: { type: string; status: string; [field: string]: unknown }[];
    containerStatuses?: { name: string; ready?: boolean; state?: Record<string, unknown>; [field: string]: unknown }[];
    [field: string]: unknown;
  };
}

// --- networking.istio.io --------------------------------------------------------------

/** The Istio networking API group; VirtualService and DestinationRule live here. */
export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';

/** Versions of networking.istio.io in order of preference (v1 from Istio 1.22). */
export const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;
export type IstioVersion = (typeof ISTIO_VERSIONS)[number];

export interface PortSelector {
  number?: number;
  [field: string]: unknown;
}

export interface IstioDestination {
  host?: string;
  subset?: string;
  port?: PortSelector;
  [field: string]: unknown;
}

export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
  [field: string]: unknown;
}

export interface Headers {
  request?: HeaderOperations;
  response?: HeaderOperations;
  [field: string]: unknown;
}

export interface HTTPRouteDestination {
  destination?: IstioDestination;
  weight?: number;
  headers?: Headers;
  [field: string]: unknown;
}

export interface HTTPRoute {
  name?: string;
  match?: Record<string, unknown>[];
  route?: HTTPRouteDestination[];
  headers?: Headers;
  [field: string]: unknown;
}

/** A tcp or tls route destination: no headers. */
export interface RouteDestination {
  destination?: IstioDestination;
  weight?: number;
  [field: string]: unknown;
}

export interface L4Route {
  match?: Record<string, unknown>[];
  route?: RouteDestination[];
  [field: string]: unknown;
}

export interface VirtualServiceSpec {
  hosts?: string[];
  gateways?: string[];
  exportTo?: string[];
  http?: HTTPRoute[];
  tcp?: L4Route[];
  tls?: L4Route[];
  [field: string]: unknown;
}

export interface K8sVirtualService extends K8sObject {
  spec?: VirtualServiceSpec;
}

export interface DestinationRuleSubset {
  name?: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface K8sDestinationRule extends K8sObject {
  spec?: {
    host?: string;
    subsets?: DestinationRuleSubset[];
    exportTo?: string[];
    [field: string]: unknown;
  };
}

/**
 * What every controller of the runtime gets: the store to write to, the admission chain
 * (objects a controller creates go through it, as they go through webhooks when
 * kube-controller-manager creates them), and the informers to read from.
 */
import type { AdmissionChain } from '../../admission';
import type { ObjectStore } from '../../store';
import { z } from 'zod';
import { Informer } from '../informer';
import { DestinationRuleSchema, VirtualServiceSchema, type DestinationRule, type VirtualService } from '../istio-shapes';
import {
  DeploymentSchema,
  EndpointsSchema,
  MetaSchema,
  NamespaceSchema,
  PodSchema,
  ReplicaSetSchema,
  ServiceSchema,
  type Deployment,
  type Endpoints,
  type Namespace,
  type Pod,
  type ReplicaSet,
  type Service,
} from '../shapes';

/** EndpointSlices are only written by the runtime; reading their names and owners is enough. */
export const NamedSchema = z.looseObject({ metadata: MetaSchema });
/** An object read for its metadata only. */
export type Named = z.infer<typeof NamedSchema>;

/** The informers the runtime's controllers, kubelet and mesh read from. */
export interface Informers {
  namespaces: Informer<Namespace>;
  pods: Informer<Pod>;
  deployments: Informer<Deployment>;
  replicasets: Informer<ReplicaSet>;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
  endpointslices: Informer<Named>;
  virtualservices: Informer<VirtualService>;
  destinationrules: Informer<DestinationRule>;
}

/** Store resource names, as `resourceOf` in runtime/index.ts gives them. */
export const RESOURCES = {
  namespaces: 'namespaces',
  pods: 'pods',
  deployments: 'deployments.apps',
  replicasets: 'replicasets.apps',
  services: 'services',
  endpoints: 'endpoints',
  endpointslices: 'endpointslices.discovery.k8s.io',
  virtualservices: 'virtualservices.networking.istio.io',
  destinationrules: 'destinationrules.networking.istio.io',
} as const;

/** New, empty informers; `runInformers` feeds them. */
export function createInformers(): Informers {
  return {
    namespaces: new Informer(RESOURCES.namespaces, NamespaceSchema),
    pods: new Informer(RESOURCES.pods, PodSchema),
    deployments: new Informer(RESOURCES.deployments, DeploymentSchema),
    replicasets: new Informer(RESOURCES.replicasets, ReplicaSetSchema),
    services: new Informer(RESOURCES.services, ServiceSchema),
    endpoints: new Informer(RESOURCES.endpoints, EndpointsSchema),
    endpointslices: new Informer(RESOURCES.endpointslices, NamedSchema),
    virtualservices: new Informer(RESOURCES.virtualservices, VirtualServiceSchema),
    destinationrules: new Informer(RESOURCES.destinationrules, DestinationRuleSchema),
  };
}

/** Everything a controller is given. */
export interface ControllerContext {
  store: ObjectStore;
  admission: AdmissionChain;
  informers: Informers;
}

/** A running controller; `stop` ends its subscriptions and pending work. */
export interface Controller {
  stop(): void;
}

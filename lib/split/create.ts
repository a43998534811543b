/**
 * A new VirtualService from a split design: one http route without match, sending the
 * hosts' traffic to the designed destinations.
 */
import { ISTIO_NETWORKING_GROUP, type IstioVersion, type K8sVirtualService } from '../wire';
import type { WeightedDestination } from './destination';
import { newEntry } from './edit';

/** What the "new split" form produces. */
export interface SplitDesign {
  /** `networking.istio.io/<version>`, the version the cluster serves (lib/kube discovers it). */
  apiVersion: `${typeof ISTIO_NETWORKING_GROUP}/${IstioVersion}`;
  namespace: string;
  name: string;
  /** The hosts whose traffic is split (usually one Service's short name). */
  hosts: readonly string[];
  destinations: readonly WeightedDestination[];
}

/**
 * The VirtualService for a design, in the shape the Istio reference shows. It is not
 * validated here: run `checkDesign` (and `planWeightEdit`'s rules apply to the weights).
 */
export function virtualServiceFromDesign(design: SplitDesign): K8sVirtualService {
  return {
    apiVersion: design.apiVersion,
    kind: 'VirtualService',
    metadata: { name: design.name, namespace: design.namespace },
    spec: {
      hosts: [...design.hosts],
      http: [{ route: design.destinations.map(newEntry) }],
    },
  };
}

/**
 * lib/kube: the one gateway to a cluster. Nothing else in Splitscope imports
 * @kubernetes/client-node; everything here converts client-node errors into
 * ClusterError and hands out plain data.
 */
import 'server-only';

export { getConnection, type ClusterConnection } from './client';
export { readSettings, resolveMode, sandboxKubeconfigPath, SettingsError, type ClusterMode, type ClusterSettings } from './config';
export { ClusterError, toClusterError, type ClusterErrorContext } from './errors';
export { discoverIstio, istioVersionFor, kubernetesVersion, preferredIstioVersion, versionFromImage, type IstioDiscovery } from './discovery';
export { getNamespace, hasSidecar, injectionOf, listNamespaces, listPods, listServices, selects } from './core';
export {
  createVirtualService,
  FIELD_MANAGER,
  getVirtualService,
  listDestinationRules,
  listServiceEntries,
  listVirtualServices,
  patchVirtualService,
  type JsonPatchOperation,
} from './istio';
export { createPod, deletePod, findPod, followPodLog, listPodsBySelector, type LogFollower } from './pods';
export type { InjectionSetting, NamespaceSummary, PodSummary, ServicePortSummary, ServiceSummary } from './types';

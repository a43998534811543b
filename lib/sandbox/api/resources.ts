/**
 * The resource types the sandbox serves, described as the API server's discovery
 * describes them (group, versions, kind, plural and singular names, scope, verbs, short
 * names, categories), plus the few behaviours that differ per type in the real
 * registry: what a delete answers, whether writes may create, which subresources exist.
 *
 * Istio types are served in v1, v1beta1 and v1alpha3 from one stored object, as a CRD
 * with several served versions and no conversion webhook is: only `apiVersion` changes.
 */
import type { K8sObject, ObjectMeta } from '../../wire';

export interface ResourceType {
  group: string;
  /** Served versions, preferred first; the first is also the storage version. */
  versions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  /** Subresources and the verbs each supports. */
  subresources: Record<string, string[]>;
  /** Name in the object store (`pods`, `virtualservices.networking.istio.io`). */
  storeName: string;
  /** True for CustomResourceDefinitions (served by the CRD handler, unstructured). */
  custom: boolean;
  /** The generic registry's ReturnDeletedObject: a delete answers with the object, not a Status. */
  returnsDeletedObject: boolean;
  /** PUT on a missing object creates it (AllowCreateOnUpdate). */
  createsOnUpdate: boolean;
  /** PUT without metadata.resourceVersion is allowed (AllowUnconditionalUpdate). */
  unconditionalUpdate: boolean;
  /**
   * Which name rule applies to metadata.name on create. Services take an RFC 1123 label
   * (RelaxedServiceNameValidation, on by default in 1.37), no longer DNS-1035.
   */
  nameRule: 'dns1123-subdomain' | 'dns1123-label';
  /** Top-level fields besides apiVersion, kind and metadata. */
  topLevelFields: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];

const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

/**
 * A networking.istio.io CRD as Istio installs it: served in `versions` (the first is the
 * storage version), namespaced, with a status subresource.
 */
function istioType(kind: string, plural: string, shortNames: string[], versions = ISTIO_VERSIONS): ResourceType {
  return {
    group: 'networking.istio.io',
    versions,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    verbs: CRD_VERBS,
    shortNames,
    categories: ['istio-io', 'networking-istio-io'],
    subresources: { status: ['get', 'patch', 'update'] },
    storeName: `${plural}.networking.istio.io`,
    custom: true,
    returnsDeletedObject: false,
    createsOnUpdate: false,
    unconditionalUpdate: false,
    nameRule: 'dns1123-subdomain',
    topLevelFields: ['spec', 'status'],
  };
}

/** Every resource type the sandbox serves. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    listKind: 'NamespaceList',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    categories: [],
    subresources: { status: ['get', 'patch', 'update'], finalize: ['update'] },
    storeName: 'namespaces',
    custom: false,
    returnsDeletedObject: true,
    createsOnUpdate: false,
    unconditionalUpdate: true,
    nameRule: 'dns1123-label',
    topLevelFields: ['spec', 'status'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    listKind: 'ServiceList',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: { status: ['get', 'patch', 'update'] },
    storeName: 'services',
    custom: false,
    returnsDeletedObject: true,
    createsOnUpdate: false,
    unconditionalUpdate: true,
    nameRule: 'dns1123-label',
    topLevelFields: ['spec', 'status'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Endpoints',
    listKind: 'EndpointsList',
    plural: 'endpoints',
    singular: 'endpoints',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['ep'],
    categories: [],
    subresources: {},
    storeName: 'endpoints',
    custom: false,
    returnsDeletedObject: false,
    createsOnUpdate: true,
    unconditionalUpdate: true,
    nameRule: 'dns1123-subdomain',
    topLevelFields: ['subsets'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    listKind: 'PodList',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['po'],
    categories: ['all'],
    subresources: { log: ['get'], status: ['get', 'patch', 'update'] },
    storeName: 'pods',
    custom: false,
    returnsDeletedObject: true,
    createsOnUpdate: false,
    unconditionalUpdate: true,
    nameRule: 'dns1123-subdomain',
    topLevelFields: ['spec', 'status'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    listKind: 'DeploymentList',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: { scale: ['get', 'patch', 'update'], status: ['get', 'patch', 'update'] },
    storeName: 'deployments.apps',
    custom: false,
    returnsDeletedObject: false,
    createsOnUpdate: false,
    unconditionalUpdate: true,
    nameRule: 'dns1123-subdomain',
    topLevelFields: ['spec', 'status'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: { scale: ['get', 'patch', 'update'], status: ['get', 'patch', 'update'] },
    storeName: 'replicasets.apps',
    custom: false,
    returnsDeletedObject: false,
    createsOnUpdate: false,
    unconditionalUpdate: true,
    nameRule: 'dns1123-subdomain',
    topLevelFields: ['spec', 'status'],
  },
  {
    group: 'discovery.k8s.io',
    versions: ['v1'],
    kind: 'EndpointSlice',
    listKind: 'EndpointSliceList',
    plural: 'endpointslices',
    singular: 'endpointslice',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: [],
    categories: [],
    subresources: {},
    storeName: 'endpointslices.discovery.k8s.io',
    custom: false,
    returnsDeletedObject: false,
    createsOnUpdate: false,
    unconditionalUpdate: true,
    nameRule: 'dns1123-subdomain',
    topLevelFields: ['addressType', 'endpoints', 'ports'],
  },
  istioType('VirtualService', 'virtualservices', ['vs']),
  istioType('DestinationRule', 'destinationrules', ['dr']),
  istioType('Gateway', 'gateways', ['gw']),
  istioType('ServiceEntry', 'serviceentries', ['se']),
  istioType('Sidecar', 'sidecars', []),
  istioType('WorkloadEntry', 'workloadentries', ['we']),
  istioType('WorkloadGroup', 'workloadgroups', ['wg']),
  istioType('ProxyConfig', 'proxyconfigs', [], ['v1beta1']),
  istioType('EnvoyFilter', 'envoyfilters', [], ['v1alpha3']),
];

/** A group with its served versions, preferred first (as `/apis` lists it). */
export interface ApiGroup {
  name: string;
  versions: string[];
}

/** Groups under /apis, in the order discovery lists them. */
export function apiGroups(): ApiGroup[] {
  const groups = new Map<string, string[]>();
  for (const type of RESOURCE_TYPES) {
    if (!type.group) continue;
    const versions = groups.get(type.group) ?? [];
    for (const v of type.versions) if (!versions.includes(v)) versions.push(v);
    groups.set(type.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

/** The types served in one group version. */
export function typesIn(group: string, version: string): ResourceType[] {
  return RESOURCE_TYPES.filter((t) => t.group === group && t.versions.includes(version));
}

export function findType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
}

export function typeByStoreName(storeName: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.storeName === storeName);
}

/** `v1` or `networking.istio.io/v1`. */
export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** ObjectMeta's fields in the order the Go struct serialises them. */
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

function orderedMeta(meta: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = {};
  for (const key of META_ORDER) if (meta[key] !== undefined) out[key] = meta[key];
  for (const [key, value] of Object.entries(meta)) if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}

/** The object as served in `version`: apiVersion and kind set, metadata in Go's field order. */
export function asServed(type: ResourceType, version: string, object: K8sObject): K8sObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = object;
  const served: K8sObject = { apiVersion: groupVersion(type.group, version), kind: type.kind };
  if (metadata !== undefined) served.metadata = orderedMeta(metadata);
  return { ...served, ...rest };
}

/** Whether the store stamps metadata.generation for this type (the real strategies differ). */
export function tracksGeneration(type: ResourceType): boolean {
  return type.storeName === 'deployments.apps' || type.storeName === 'replicasets.apps' || type.storeName === 'pods' || type.custom;
}

/** Whether main-resource writes ignore `status` (the type has a status subresource). */
export function hasStatusSubresource(type: ResourceType): boolean {
  return 'status' in type.subresources;
}

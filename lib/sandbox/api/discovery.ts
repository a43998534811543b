/**
 * Discovery documents: /version, /api, /api/v1, /apis, /apis/<group>,
 * /apis/<group>/<version>, shaped as the API server's (APIVersions, APIGroupList,
 * APIGroup, APIResourceList), and the aggregated form (APIGroupDiscoveryList, v2) that
 * kubectl and client-go ask for first.
 *
 * @see https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api
 */
import { createHash } from 'node:crypto';
import { apiGroups, groupVersion, RESOURCE_TYPES, type ResourceType, typesIn } from './resources';

/** The Kubernetes version the sandbox reports. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  // A server emulates its own version and stays compatible with the one before it.
  emulationMajor: '1',
  emulationMinor: '32',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '31',
  gitVersion: 'v1.32.0-splitscope-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/**
 * `discovery.StorageVersionHash`: the first 8 bytes of the SHA-256 of
 * `<group>/<storage version>/<Kind>`, base64 (the core group is empty: `/v1/Pod`).
 */
export function storageVersionHash(type: ResourceType): string {
  const storageVersion = type.versions[0] ?? '';
  return createHash('sha256').update(`${type.group}/${storageVersion}/${type.kind}`).digest().subarray(0, 8).toString('base64');
}

function resourcesOf(type: ResourceType): ApiResource[] {
  const main: ApiResource = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
  };
  if (type.shortNames.length > 0) main.shortNames = type.shortNames;
  if (type.categories.length > 0) main.categories = type.categories;
  main.storageVersionHash = storageVersionHash(type);
  const subs = Object.entries(type.subresources).map(([sub, verbs]) => ({
    name: `${type.plural}/${sub}`,
    singularName: '',
    namespaced: type.namespaced,
    kind: sub === 'log' ? 'Pod' : sub === 'scale' ? 'Scale' : type.kind,
    verbs,
    ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
  }));
  return [main, ...subs];
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

interface GroupVersionDoc {
  groupVersion: string;
  version: string;
}

function groupDoc(name: string, versions: string[]): { name: string; versions: GroupVersionDoc[]; preferredVersion: GroupVersionDoc | undefined } {
  const list = versions.map((version) => ({ groupVersion: groupVersion(name, version), version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups().map((g) => groupDoc(g.name, g.versions)) };
}

export function apiGroup(name: string): unknown | undefined {
  const group = apiGroups().find((g) => g.name === name);
  if (!group) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group.name, group.versions) };
}

export function apiResourceList(group: string, version: string): unknown | undefined {
  const types = typesIn(group, version);
  if (types.length === 0) return undefined;
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  // The core list has no apiVersion; group lists do.
  if (group) doc.apiVersion = 'v1';
  doc.groupVersion = groupVersion(group, version);
  doc.resources = types.flatMap(resourcesOf);
  return doc;
}

/** Media type parameters of an aggregated discovery request. */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part)) return 'v2';
  }
  return undefined;
}

function aggregatedResource(type: ResourceType, version: string): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    resource: type.plural,
    responseKind: { group: type.group, version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: type.verbs,
  };
  if (type.shortNames.length > 0) resource.shortNames = type.shortNames;
  if (type.categories.length > 0) resource.categories = type.categories;
  const subs = Object.entries(type.subresources).map(([sub, verbs]) => ({
    subresource: sub,
    responseKind:
      sub === 'log'
        ? { group: '', version: 'v1', kind: 'Pod' }
        : sub === 'scale'
          ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
          : { group: type.group, version, kind: type.kind },
    verbs,
  }));
  if (subs.length > 0) resource.subresources = subs;
  return resource;
}

/** The aggregated discovery document for /api (`legacy`) or /apis. */
export function aggregatedDiscovery(legacy: boolean, version: 'v2' | 'v2beta1'): unknown {
  const groups = legacy ? [{ name: '', versions: ['v1'] }] : apiGroups();
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.name ? { name: g.name } : {},
      versions: g.versions.map((v) => ({
        version: v,
        resources: RESOURCE_TYPES.filter((t) => t.group === g.name && t.versions.includes(v)).map((t) => aggregatedResource(t, v)),
        freshness: 'Current',
      })),
    })),
  };
}

/**
 * The real-world VirtualServices of tests/fixtures/corpus, placed on a cluster so that
 * Splitscope will edit them: each goes into a namespace of the suite's own, and the
 * Services, EndpointSlices, DestinationRules and ServiceEntries its destinations name are
 * created next to it, so that the pre-apply checks (host, subset, port, ready endpoints)
 * pass and an edit is judged on what it writes.
 *
 * Two changes to the objects, both to keep the suite off namespaces it does not own (it
 * may run against an operator's cluster): `metadata.namespace` becomes
 * `splitscope-corpus-<namespace>`, and destination hosts of the form
 * `<name>.<namespace>.svc.cluster.local` name the mapped namespace. Nothing else changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Json } from '@/lib/wire';
import { clone, isObject, obj, type JsonObject } from './json';

export const CORPUS_DIR = join(process.cwd(), 'tests', 'fixtures', 'corpus', 'virtualservices');
/** The destination a lone-destination route gets, to make a split of it. */
export const CANARY_HOST = 'splitscope-canary';

/** One file of the corpus and its VirtualService, as written. */
export interface CorpusEntry {
  file: string;
  /** `v1`, `v1beta1` or `v1alpha3`: created and read back through this version. */
  version: string;
  name: string;
  namespace: string;
  object: JsonObject;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const CLUSTER_LOCAL = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)\.svc\.cluster\.local$/;

/** Whether Kubernetes takes this as the name of a custom resource (a DNS-1123 subdomain). */
export function nameAccepted(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

export function loadCorpus(): CorpusEntry[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const docs: Json[] = parseAllDocuments(readFileSync(join(CORPUS_DIR, file), 'utf8')).map((d) => {
        const value: Json = d.toJS();
        return value;
      });
      const object = docs.find((d): d is JsonObject => isObject(d) && d.kind === 'VirtualService');
      if (object === undefined) throw new Error(`${file} holds no VirtualService`);
      const metadata = obj(object.metadata, `${file} metadata`);
      const apiVersion = String(object.apiVersion);
      return {
        file,
        version: apiVersion.slice(apiVersion.indexOf('/') + 1),
        name: String(metadata.name),
        namespace: String(metadata.namespace ?? 'default'),
        object,
      };
    });
}

/** The suite's namespace standing in for a namespace of the corpus. */
export function mappedNamespace(namespace: string): string {
  return `splitscope-corpus-${namespace.toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
}

/** Every `route[].destination` object of every http, tcp and tls route. */
function destinationObjects(spec: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  for (const kind of ['http', 'tcp', 'tls']) {
    const routes = spec[kind];
    if (!Array.isArray(routes)) continue;
    for (const route of routes) {
      if (!isObject(route) || !Array.isArray(route.route)) continue;
      for (const entry of route.route) if (isObject(entry) && isObject(entry.destination)) out.push(entry.destination);
    }
  }
  return out;
}

/** The entry's VirtualService as the suite creates it: mapped namespace, mapped cluster-local hosts. */
export function placed(entry: CorpusEntry): JsonObject {
  const copy = clone(entry.object);
  obj(copy.metadata, 'metadata').namespace = mappedNamespace(entry.namespace);
  const spec = copy.spec;
  if (isObject(spec)) {
    for (const destination of destinationObjects(spec)) {
      const host = destination.host;
      const m = typeof host === 'string' ? CLUSTER_LOCAL.exec(host) : null;
      if (m?.[1] !== undefined && m[3] !== undefined) destination.host = `${m[1]}.${mappedNamespace(m[3])}.svc.cluster.local`;
    }
  }
  return copy;
}

/** One object of a world: where to create it and what. */
export interface WorldObject {
  collection: string;
  name: string;
  body: JsonObject;
}

/** What a placed VirtualService needs around it. */
export interface World {
  namespaces: string[];
  objects: WorldObject[];
  /** Hosts that only a ServiceEntry provides (no Service can have them). */
  externalHosts: string[];
}

interface Needed {
  namespace: string;
  name: string;
  ports: Set<number>;
  subsets: Set<string>;
}

function dnsLabel(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
}

/**
 * Services (without selector, with a hand-made EndpointSlice holding one ready endpoint,
 * as for endpoints managed outside Kubernetes), DestinationRules defining every subset
 * the routes use, and ServiceEntries for hosts outside the cluster, for every
 * destination of the VirtualService's http routes and for {@link CANARY_HOST}.
 */
export function worldFor(vs: JsonObject): World {
  const metadata = obj(vs.metadata, 'metadata');
  const vsNamespace = String(metadata.namespace);
  const spec = isObject(vs.spec) ? vs.spec : {};
  const services = new Map<string, Needed>();
  const external = new Map<string, Needed>();
  const subsetsByHost = new Map<string, Set<string>>();

  const need = (host: string, port: number | undefined, subset: string | undefined) => {
    const m = CLUSTER_LOCAL.exec(host);
    const short = !host.includes('.');
    const target = short || m ? services : external;
    const namespace = m?.[3] ?? vsNamespace;
    const name = short ? host : (m?.[1] ?? host);
    const key = `${namespace}/${name}`;
    const entry = target.get(key) ?? { namespace, name, ports: new Set<number>(), subsets: new Set<string>() };
    if (port !== undefined) entry.ports.add(port);
    target.set(key, entry);
    if (subset !== undefined) subsetsByHost.set(host, (subsetsByHost.get(host) ?? new Set()).add(subset));
  };
  for (const destination of destinationObjects(spec)) {
    if (typeof destination.host !== 'string') continue;
    const port = isObject(destination.port) && typeof destination.port.number === 'number' ? destination.port.number : undefined;
    need(destination.host, port, typeof destination.subset === 'string' ? destination.subset : undefined);
  }
  need(CANARY_HOST, undefined, undefined);

  const objects: WorldObject[] = [];
  const namespaces = new Set<string>([vsNamespace]);
  for (const s of services.values()) {
    namespaces.add(s.namespace);
    const ports = (s.ports.size > 0 ? [...s.ports].sort((a, b) => a - b) : [80]).map((port) => ({ name: `http-${port}`, port, protocol: 'TCP', targetPort: port }));
    objects.push({
      collection: `/api/v1/namespaces/${s.namespace}/services`,
      name: s.name,
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: s.name, namespace: s.namespace }, spec: { ports } },
    });
    const sliceName = `${s.name}-manual`;
    objects.push({
      collection: `/apis/discovery.k8s.io/v1/namespaces/${s.namespace}/endpointslices`,
      name: sliceName,
      body: {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: sliceName, namespace: s.namespace, labels: { 'kubernetes.io/service-name': s.name } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.250.0.10'], conditions: { ready: true } }],
        ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' })),
      },
    });
  }
  const istio = (kind: string, plural: string, name: string, spec: JsonObject): WorldObject => ({
    collection: `/apis/networking.istio.io/v1/namespaces/${vsNamespace}/${plural}`,
    name,
    body: { apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace: vsNamespace }, spec },
  });
  for (const [host, subsets] of subsetsByHost) {
    const subsetList = [...subsets].sort().map((subset) => ({ name: subset, labels: { version: subset } }));
    objects.push(istio('DestinationRule', 'destinationrules', `corpus-${dnsLabel(host)}`, { host, subsets: subsetList }));
  }
  for (const e of external.values()) {
    const ports = (e.ports.size > 0 ? [...e.ports].sort((a, b) => a - b) : [80]).map((number) => ({ number, name: `http-${number}`, protocol: 'HTTP' }));
    objects.push(istio('ServiceEntry', 'serviceentries', `corpus-${dnsLabel(e.name)}`, { hosts: [e.name], location: 'MESH_EXTERNAL', resolution: 'DNS', ports }));
  }
  return { namespaces: [...namespaces].sort(), objects, externalHosts: [...external.values()].map((e) => e.name).sort() };
}

/** Integer weights summing to 100, as even as they go (the first ones get the remainder). */
export function evenWeights(n: number): number[] {
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0));
}

/**
 * The weights an edit of a route sets: an even split, or everything to the first
 * destination where the route is evenly split already. A lone destination gets a
 * {@link CANARY_HOST} beside it, 50/50.
 */
export function plannedWeights(current: readonly number[]): { weights: number[]; canary?: number } {
  if (current.length === 1) return { weights: [50], canary: 50 };
  const even = evenWeights(current.length);
  if (even.every((w, i) => w === current[i])) return { weights: current.map((_, i) => (i === 0 ? 100 : 0)) };
  return { weights: even };
}

/**
 * The object a weight edit must leave: `before` with the route's weights set (a weight
 * that was unset stays unset when the new one is 0; Splitscope writes none) and the
 * canary entry appended. Server-managed fields and the history annotation are the
 * caller's to leave out of the comparison.
 */
export function expectedAfterEdit(before: JsonObject, route: number, weights: readonly number[], canary: number | undefined): JsonObject {
  const after = clone(before);
  const http = obj(after.spec, 'spec').http;
  if (!Array.isArray(http)) throw new Error('no spec.http');
  const target = obj(http[route], `spec.http[${route}]`);
  const entries = target.route;
  if (!Array.isArray(entries)) throw new Error(`spec.http[${route}].route is not a list`);
  weights.forEach((weight, k) => {
    const entry = obj(entries[k], `spec.http[${route}].route[${k}]`);
    if ('weight' in entry || weight !== 0) entry.weight = weight;
  });
  if (canary !== undefined) entries.push({ destination: { host: CANARY_HOST }, weight: canary });
  return after;
}

/**
 * Scenarios: the manifests a fresh sandbox starts from. A scenario is a YAML file under
 * lib/sandbox/scenarios (or, for `large`, a generator), plus what every cluster of the
 * sandbox has: the namespaces a real cluster starts with, Istio's control plane in
 * `istio-system` (an `istiod` Deployment whose image tag tells the Istio version, as it
 * does on a real cluster), and a `restricted` namespace with one Service (the REST layer
 * denies the read-only identity there).
 *
 * A scenario may hold one non-Kubernetes document, `kind: ScenarioSettings` (apiVersion
 * `splitscope.dev/v1`), with `istioVersion`; it is read here and never stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../wire';
import { generateLargeScenario } from '../scenarios/large';
import { DEFAULT_ISTIO_VERSION, ISTIO_SYSTEM } from './istio/version';
import { isRecord } from './util';

/** The kind of a scenario's settings document (not a Kubernetes object). */
export const SETTINGS_KIND = 'ScenarioSettings';

/** Namespaces every Kubernetes cluster has from the start. */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** The namespace the REST layer keeps from the read-only identity. */
export const RESTRICTED_NAMESPACE = 'restricted';

/** A scenario's objects, ready to create. */
export interface Scenario {
  name: string;
  istioVersion: string;
  /** In creation order: namespaces first. */
  objects: K8sObject[];
}

/** A scenario that cannot be loaded (missing, malformed, or denied by admission). */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function isObject(value: unknown): value is K8sObject {
  return isRecord(value) && typeof value.kind === 'string' && typeof value.apiVersion === 'string';
}

function namespaceObject(name: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

/** Istio's control plane as `istioctl install` leaves it, reduced to what tools look at. */
export function istioControlPlane(version: string): K8sObject[] {
  const labels = { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod', namespace: ISTIO_SYSTEM, labels: { ...labels, 'operator.istio.io/component': 'Pilot' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'istiod', istio: 'pilot' } },
        template: {
          metadata: { labels: { ...labels, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: 'istiod',
            containers: [
              {
                name: 'discovery',
                image: `docker.io/istio/pilot:${version}`,
                args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local'],
                ports: [
                  { containerPort: 8080, protocol: 'TCP' },
                  { containerPort: 15010, protocol: 'TCP' },
                  { containerPort: 15017, protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istiod', namespace: ISTIO_SYSTEM, labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default' } },
      spec: {
        selector: { app: 'istiod', istio: 'pilot' },
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
          { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
          { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014 },
        ],
      },
    },
  ];
}

/** The namespace the read-only identity may not read, with one answering Service. */
function restrictedNamespace(): K8sObject[] {
  return [
    namespaceObject(RESTRICTED_NAMESPACE),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ledger', namespace: RESTRICTED_NAMESPACE, labels: { app: 'ledger' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'ledger' } },
        template: {
          metadata: { labels: { app: 'ledger' }, annotations: { 'splitscope.dev/answer': 'restricted ledger\n' } },
          spec: { containers: [{ name: 'ledger', image: 'httpd:alpine', ports: [{ containerPort: 80 }] }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ledger', namespace: RESTRICTED_NAMESPACE, labels: { app: 'ledger' } },
      spec: { selector: { app: 'ledger' }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }] },
    },
  ];
}

function scenarioDocuments(name: string): unknown[] {
  if (name === 'large') return generateLargeScenario();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new ScenarioError(`scenario name "${name}" is not a plain name`);
  const file = join(process.cwd(), 'lib', 'sandbox', 'scenarios', `${name}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ScenarioError(`no scenario "${name}" (looked for ${file})`);
  }
  const documents = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const doc of documents) {
    if (doc.errors.length > 0) throw new ScenarioError(`scenario "${name}": ${doc.errors[0]?.message ?? 'invalid YAML'}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/**
 * The objects of scenario `name` (namespaces first), with the platform's own objects
 * added where the scenario does not bring them. `istioVersion` overrides the scenario's.
 */
export function loadScenario(name: string, istioVersion?: string): Scenario {
  let version = DEFAULT_ISTIO_VERSION;
  const objects: K8sObject[] = [];
  for (const doc of scenarioDocuments(name)) {
    if (isRecord(doc) && doc.kind === SETTINGS_KIND) {
      if (typeof doc.istioVersion === 'string') version = doc.istioVersion;
      continue;
    }
    if (!isObject(doc)) throw new ScenarioError(`scenario "${name}" has a document without apiVersion and kind`);
    objects.push(doc);
  }
  version = istioVersion ?? version;

  const namespaces = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name));
  const hasIstiod = objects.some(
    (o) => o.kind === 'Deployment' && o.metadata?.namespace === ISTIO_SYSTEM && o.metadata.labels?.app === 'istiod',
  );
  const platform: K8sObject[] = [
    ...BUILT_IN_NAMESPACES.filter((ns) => !namespaces.has(ns)).map((ns) => namespaceObject(ns)),
    ...(namespaces.has(ISTIO_SYSTEM) ? [] : [namespaceObject(ISTIO_SYSTEM)]),
    ...(hasIstiod ? [] : istioControlPlane(version)),
    ...(namespaces.has(RESTRICTED_NAMESPACE) ? [] : restrictedNamespace()),
  ];
  const all = [...objects, ...platform].map((object) =>
    object.kind === 'Namespace' && object.metadata?.name
      ? { ...object, metadata: { ...object.metadata, labels: { 'kubernetes.io/metadata.name': object.metadata.name, ...(object.metadata.labels ?? {}) } } }
      : object,
  );
  const ordered = [...all.filter((o) => o.kind === 'Namespace'), ...all.filter((o) => o.kind !== 'Namespace')];
  return { name, istioVersion: version, objects: ordered };
}

/**
 * API defaults, as the real server fills them when decoding (SetDefaults_*) and when a
 * registry allocates (a Service's clusterIP). Installed as the store's defaulter, so
 * objects written by the sandbox's own controllers get them too. Idempotent: applying
 * it to an already defaulted object changes nothing.
 *
 * What admission plugins add to a pod (service account, token volume, tolerations,
 * priority) is lib/sandbox/api/builtin-admission.ts's.
 *
 * Known debt:
 * - only the defaults visible in `kubectl get -o yaml` of the types served are filled
 *   (e.g. no probe defaults: periodSeconds, timeoutSeconds, ...).
 */
import type { K8sObject } from '../../wire';
import type { ObjectStore, ResourceName } from '../store';
import { ClusterIpAllocator } from './cluster-ips';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[key]` as a record, created empty when it is missing or not an object. */
function recordAt(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = object[key];
  if (isRecord(current)) return current;
  const created: Record<string, unknown> = {};
  object[key] = created;
  return created;
}

function setDefault(target: Record<string, unknown>, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.lastIndexOf(':');
  const tag = tagAt > lastSlash ? image.slice(tagAt + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** SetDefaults_ObjectFieldSelector: a fieldRef names its apiVersion. */
function defaultFieldRef(holder: unknown): void {
  if (isRecord(holder) && isRecord(holder.fieldRef)) setDefault(holder.fieldRef, 'apiVersion', 'v1');
}

/** Env vars as stored: Go's omitempty drops an empty `value` (the variable stays, empty). */
function defaultEnv(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const e of list) {
    if (!isRecord(e)) continue;
    if (e.value === '') delete e.value;
    if (isRecord(e.valueFrom)) defaultFieldRef(e.valueFrom);
  }
}

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isRecord(c)) continue;
    setDefault(c, 'imagePullPolicy', imagePullPolicy(c.image));
    setDefault(c, 'terminationMessagePath', '/dev/termination-log');
    setDefault(c, 'terminationMessagePolicy', 'File');
    setDefault(c, 'resources', {});
    defaultEnv(c.env);
    if (Array.isArray(c.ports)) for (const p of c.ports) if (isRecord(p)) setDefault(p, 'protocol', 'TCP');
  }
}

/** File mode 0644, the default of secret, configMap, downwardAPI and projected volumes. */
const DEFAULT_VOLUME_MODE = 420;

/** The downwardAPI items of a volume, also inside a projected one. */
function downwardItems(volume: Record<string, unknown>): unknown[] {
  const sources = isRecord(volume.projected) && Array.isArray(volume.projected.sources) ? volume.projected.sources : [];
  return [volume, ...sources].flatMap((s) => (isRecord(s) && isRecord(s.downwardAPI) && Array.isArray(s.downwardAPI.items) ? s.downwardAPI.items : []));
}

function defaultVolumes(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const v of list) {
    if (!isRecord(v)) continue;
    // A volume that names no source is an emptyDir (SetDefaults_Volume).
    if (Object.keys(v).every((k) => k === 'name')) v.emptyDir = {};
    for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
      const value = v[source];
      if (isRecord(value)) setDefault(value, 'defaultMode', DEFAULT_VOLUME_MODE);
    }
    for (const item of downwardItems(v)) defaultFieldRef(item);
  }
}

/** SetDefaults_PodSpec and friends, for a pod spec or a pod template's spec. */
export function defaultPodSpec(spec: unknown): void {
  if (!isRecord(spec)) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  // v1 keeps the deprecated `serviceAccount` as a copy of serviceAccountName (and reads it when that is unset).
  if ((spec.serviceAccountName === undefined || spec.serviceAccountName === '') && typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '') {
    spec.serviceAccountName = spec.serviceAccount;
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') spec.serviceAccount = spec.serviceAccountName;
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
  defaultVolumes(spec.volumes);
}

/** ObjectMeta's maps and lists are omitempty: an emptied one is gone, for every type. */
function dropEmptyMetadata(object: K8sObject): void {
  const meta = object.metadata;
  if (!meta) return;
  for (const key of ['labels', 'annotations', 'ownerReferences', 'finalizers']) {
    const value: unknown = meta[key];
    if (value === null || (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0)) delete meta[key];
  }
}

function defaultService(object: K8sObject, old: K8sObject | undefined, allocate: () => string): void {
  const spec = recordAt(object, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  const before = old && isRecord(old.spec) ? old.spec : undefined;
  if (spec.type !== 'ExternalName') {
    // An update without clusterIP keeps the allocated one, as the registry does.
    if ((spec.clusterIP === undefined || spec.clusterIP === '') && typeof before?.clusterIP === 'string') {
      spec.clusterIP = before.clusterIP;
      spec.clusterIPs = before.clusterIPs;
    }
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = allocate();
    setDefault(spec, 'clusterIPs', [spec.clusterIP]);
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isRecord(p)) continue;
      setDefault(p, 'protocol', 'TCP');
      setDefault(p, 'targetPort', p.port);
    }
  }
  if (!isRecord(object.status)) object.status = { loadBalancer: {} };
}

function defaultNamespace(object: K8sObject): void {
  const name = object.metadata?.name ?? '';
  object.metadata = { ...object.metadata, labels: { ...object.metadata?.labels, 'kubernetes.io/metadata.name': name } };
  setDefault(recordAt(object, 'spec'), 'finalizers', ['kubernetes']);
  setDefault(recordAt(object, 'status'), 'phase', 'Active');
}

function defaultDeployment(object: K8sObject): void {
  const spec = recordAt(object, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  setDefault(spec, 'strategy', { type: 'RollingUpdate' });
  if (isRecord(spec.strategy) && spec.strategy.type === 'RollingUpdate') {
    setDefault(spec.strategy, 'rollingUpdate', { maxUnavailable: '25%', maxSurge: '25%' });
  }
  if (isRecord(spec.template)) defaultPodSpec(spec.template.spec);
}

function defaultPorts(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const p of list) if (isRecord(p)) setDefault(p, 'protocol', 'TCP');
}

/** A store defaulter filling the defaults of the types the sandbox serves. */
export function createDefaulter(store: ObjectStore): (resource: ResourceName, object: K8sObject, old: K8sObject | undefined) => K8sObject {
  const clusterIps = new ClusterIpAllocator(store);
  const allocate = () => clusterIps.allocate();
  return (resource, object, old) => {
    dropEmptyMetadata(object);
    switch (resource) {
      case 'services':
        defaultService(object, old, allocate);
        break;
      case 'namespaces':
        defaultNamespace(object);
        break;
      case 'pods':
        defaultPodSpec(object.spec);
        break;
      case 'deployments.apps':
        defaultDeployment(object);
        break;
      case 'replicasets.apps': {
        const spec = recordAt(object, 'spec');
        setDefault(spec, 'replicas', 1);
        if (isRecord(spec.template)) defaultPodSpec(spec.template.spec);
        break;
      }
      case 'endpoints':
        if (Array.isArray(object.subsets)) for (const s of object.subsets) if (isRecord(s)) defaultPorts(s.ports);
        break;
      case 'endpointslices.discovery.k8s.io':
        defaultPorts(object.ports);
        break;
    }
    return object;
  };
}

/**
 * API defaults, as the real server fills them when decoding (SetDefaults_*) and when a
 * registry allocates (a Service's clusterIP). Installed as the store's defaulter, so
 * objects written by the sandbox's own controllers get them too. Idempotent: applying
 * it to an already defaulted object changes nothing.
 *
 * Known debt:
 * - only the defaults visible in `kubectl get -o yaml` of the types served are filled;
 *   Pods lack e.g. the default tolerations and the service-account token volume.
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

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    if (!isRecord(c)) continue;
    setDefault(c, 'imagePullPolicy', imagePullPolicy(c.image));
    setDefault(c, 'terminationMessagePath', '/dev/termination-log');
    setDefault(c, 'terminationMessagePolicy', 'File');
    setDefault(c, 'resources', {});
    if (Array.isArray(c.ports)) for (const p of c.ports) if (isRecord(p)) setDefault(p, 'protocol', 'TCP');
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
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
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

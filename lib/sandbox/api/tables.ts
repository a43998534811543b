/**
 * Server-side `Table` output (meta.k8s.io/v1 Table), as `kubectl get` asks for it:
 * the columns of the real printers (pkg/printers/internalversion) for built-in types and
 * of Istio's `additionalPrinterColumns` for its CRDs (GATEWAYS, HOSTS, AGE for VirtualServices;
 * HOST, AGE for DestinationRules; ...), NAME and AGE for a CRD that declares none.
 * Rows carry the object's metadata as PartialObjectMetadata (`includeObject=Metadata`,
 * the default), or the whole object with `includeObject=Object`.
 */
import type { K8sObject } from '../../wire';
import type { ResourceType } from './resources';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

function col(name: string, type = 'string', priority = 0, format = '', description = ''): Column {
  return { name, type, format, description, priority };
}

/** The Age column's description in most of Istio's CRDs (DestinationRule words it differently). */
const ISTIO_AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md#metadata';
const DESTINATION_RULE_AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC. Populated by the system. Read-only. Null for lists. For more information, see [Kubernetes API Conventions](https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#metadata)';

const NAME = col('Name', 'string', 0, 'name', NAME_DESCRIPTION);
const AGE = col('Age', 'string', 0, '', AGE_DESCRIPTION);
/** The Age column apiextensions adds to a CRD that declares no printer columns. */
const CRD_AGE = col('Age', 'date', 0, '', AGE_DESCRIPTION);
const ISTIO_AGE = col('Age', 'date', 0, '', ISTIO_AGE_DESCRIPTION);

/** `duration.HumanDuration` of apimachinery: `5s`, `3m20s`, `4h`, `12d`, ... */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(object: K8sObject, now: number): string {
  const created = object.metadata?.creationTimestamp;
  if (!created) return '<unknown>';
  return humanDuration(now - Date.parse(created));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function str(value: unknown, fallback = '<none>'): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function selectorText(selector: unknown): string {
  if (!isRecord(selector)) return '<none>';
  const text = Object.entries(selector)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  return text || '<none>';
}

function podRow(pod: K8sObject, now: number): unknown[] {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const status = isRecord(pod.status) ? pod.status : {};
  const containers = records(spec.containers);
  const statuses = records(status.containerStatuses);
  const ready = statuses.filter((s) => s.ready === true).length;
  const restarts = statuses.reduce((sum, s) => sum + (typeof s.restartCount === 'number' ? s.restartCount : 0), 0);
  let reason = str(status.reason, str(status.phase, 'Unknown'));
  for (const s of statuses) {
    const state = isRecord(s.state) ? s.state : {};
    const waiting = isRecord(state.waiting) ? state.waiting : undefined;
    const terminated = isRecord(state.terminated) ? state.terminated : undefined;
    if (waiting && typeof waiting.reason === 'string') reason = waiting.reason;
    else if (terminated && typeof terminated.reason === 'string') reason = terminated.reason;
  }
  if (pod.metadata?.deletionTimestamp) reason = 'Terminating';
  return [pod.metadata?.name ?? '', `${ready}/${containers.length}`, reason, restarts, age(pod, now), str(status.podIP), str(spec.nodeName), '<none>', '<none>'];
}

function servicePorts(spec: Record<string, unknown>): string {
  const ports = records(spec.ports).map((p) => {
    const base = `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${str(p.protocol, 'TCP')}`;
    return base;
  });
  return ports.join(',') || '<none>';
}

function serviceRow(svc: K8sObject, now: number): unknown[] {
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const type = str(spec.type, 'ClusterIP');
  const external = type === 'ExternalName' ? str(spec.externalName) : Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0 ? spec.externalIPs.join(',') : type === 'LoadBalancer' ? '<pending>' : '<none>';
  return [svc.metadata?.name ?? '', type, str(spec.clusterIP), external, servicePorts(spec), age(svc, now), selectorText(spec.selector)];
}

function endpointsRow(ep: K8sObject, now: number): unknown[] {
  const shown: string[] = [];
  let total = 0;
  for (const subset of records(ep.subsets)) {
    const ports = records(subset.ports).map((p) => p.port);
    for (const address of records(subset.addresses)) {
      for (const port of ports.length > 0 ? ports : [undefined]) {
        total += 1;
        if (shown.length < 3) shown.push(port === undefined ? String(address.ip) : `${String(address.ip)}:${String(port)}`);
      }
    }
  }
  let text = shown.join(',') || '<none>';
  if (total > 3) text += ` + ${total - 3} more...`;
  return [ep.metadata?.name ?? '', text, age(ep, now)];
}

function sliceRow(slice: K8sObject, now: number): unknown[] {
  const ports = records(slice.ports).map((p) => String(p.port ?? ''));
  const addresses = records(slice.endpoints).flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.map(String) : []));
  let text = addresses.slice(0, 3).join(',') || '<unset>';
  if (addresses.length > 3) text += ` + ${addresses.length - 3} more...`;
  return [slice.metadata?.name ?? '', str(slice.addressType, ''), ports.join(',') || '<unset>', text, age(slice, now)];
}

/** What the Deployment and ReplicaSet rows read: spec, status, pod template containers, selector. */
function workloadParts(workload: K8sObject) {
  const spec = isRecord(workload.spec) ? workload.spec : {};
  const status = isRecord(workload.status) ? workload.status : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const podSpec = isRecord(template.spec) ? template.spec : {};
  const selector = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  return { spec, status, containers: records(podSpec.containers), selector };
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

function deploymentRow(d: K8sObject, now: number): unknown[] {
  const { spec, status, containers, selector } = workloadParts(d);
  return [
    d.metadata?.name ?? '',
    `${num(status.readyReplicas)}/${num(spec.replicas)}`,
    num(status.updatedReplicas),
    num(status.availableReplicas),
    age(d, now),
    containers.map((c) => String(c.name)).join(','),
    containers.map((c) => String(c.image)).join(','),
    selectorText(selector),
  ];
}

function replicaSetRow(rs: K8sObject, now: number): unknown[] {
  const { spec, status, containers, selector } = workloadParts(rs);
  return [
    rs.metadata?.name ?? '',
    num(spec.replicas),
    num(status.replicas),
    num(status.readyReplicas),
    age(rs, now),
    containers.map((c) => String(c.name)).join(','),
    containers.map((c) => String(c.image)).join(','),
    selectorText(selector),
  ];
}

function namespaceRow(ns: K8sObject, now: number): unknown[] {
  const status = isRecord(ns.status) ? ns.status : {};
  return [ns.metadata?.name ?? '', str(status.phase, ''), age(ns, now)];
}

/** JSONPath output of a list value, as kubectl's printer shows it (`["a","b"]`). */
function jsonPathCell(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function specOf(object: K8sObject): Record<string, unknown> {
  return isRecord(object.spec) ? object.spec : {};
}

interface Printer {
  columns: Column[];
  row: (object: K8sObject, now: number) => unknown[];
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts', 'string'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    row: podRow,
  },
  services: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    row: serviceRow,
  },
  endpoints: { columns: [NAME, col('Endpoints'), AGE], row: endpointsRow },
  namespaces: { columns: [NAME, col('Status'), AGE], row: namespaceRow },
  'deployments.apps': {
    columns: [NAME, col('Ready'), col('Up-to-date', 'string'), col('Available', 'string'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: deploymentRow,
  },
  'replicasets.apps': {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: replicaSetRow,
  },
  'endpointslices.discovery.k8s.io': { columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE], row: sliceRow },
  'virtualservices.networking.istio.io': {
    columns: [
      NAME,
      col('Gateways', 'string', 0, '', 'The names of gateways and sidecars that should apply these routes'),
      col('Hosts', 'string', 0, '', 'The destination hosts to which traffic is being sent'),
      ISTIO_AGE,
    ],
    row: (vs, now) => [vs.metadata?.name ?? '', jsonPathCell(specOf(vs).gateways), jsonPathCell(specOf(vs).hosts), age(vs, now)],
  },
  'destinationrules.networking.istio.io': {
    columns: [NAME, col('Host', 'string', 0, '', 'The name of a service from the service registry'), col('Age', 'date', 0, '', DESTINATION_RULE_AGE_DESCRIPTION)],
    row: (dr, now) => [dr.metadata?.name ?? '', jsonPathCell(specOf(dr).host), age(dr, now)],
  },
  'serviceentries.networking.istio.io': {
    columns: [
      NAME,
      col('Hosts', 'string', 0, '', 'The hosts associated with the ServiceEntry'),
      col('Location', 'string', 0, '', 'Whether the service is external to the mesh or part of the mesh (MESH_EXTERNAL or MESH_INTERNAL)'),
      col('Resolution', 'string', 0, '', 'Service resolution mode for the hosts (NONE, STATIC, or DNS)'),
      ISTIO_AGE,
    ],
    row: (se, now) => [se.metadata?.name ?? '', jsonPathCell(specOf(se).hosts), jsonPathCell(specOf(se).location), jsonPathCell(specOf(se).resolution), age(se, now)],
  },
  'workloadentries.networking.istio.io': {
    columns: [NAME, ISTIO_AGE, col('Address', 'string', 0, '', 'Address associated with the network endpoint.')],
    row: (we, now) => [we.metadata?.name ?? '', age(we, now), jsonPathCell(specOf(we).address)],
  },
  'workloadgroups.networking.istio.io': { columns: [NAME, ISTIO_AGE], row: (wg, now) => [wg.metadata?.name ?? '', age(wg, now)] },
};

/** Restarts, up-to-date and available are integers in the real printers. */
const INTEGER_COLUMNS = new Set(['Restarts', 'Up-to-date', 'Available']);

/** A meta.k8s.io Table. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: Column[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export function toTable(
  type: ResourceType,
  tableVersion: string,
  objects: K8sObject[],
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number },
  includeObject: string | null,
): Table {
  const printer = PRINTERS[type.storeName] ?? { columns: [NAME, type.custom ? CRD_AGE : AGE], row: (o: K8sObject, now: number) => [o.metadata?.name ?? '', age(o, now)] };
  const now = Date.now();
  const columns = printer.columns.map((c) => (INTEGER_COLUMNS.has(c.name) ? { ...c, type: 'integer' } : c));
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: listMeta,
    columnDefinitions: columns,
    rows: objects.map((object) => ({
      cells: printer.row(object, now),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? object
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} },
    })),
  };
}

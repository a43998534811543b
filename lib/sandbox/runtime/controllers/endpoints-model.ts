/**
 * What the endpoints and EndpointSlice controllers compute for one Service, as pure
 * functions: which pods back it, on which port numbers, ready or not.
 *
 * The rules follow kube-controller-manager: a pod is in a Service's endpoints when the
 * selector matches, it has an IP, it is not being deleted and will not run again
 * (Succeeded or Failed); it is listed under `addresses` when Ready, else under
 * `notReadyAddresses`; a named targetPort is looked up per pod in its container ports
 * (a pod without that port is left out for that port), a numeric one is used as is;
 * addresses sharing the same ports are packed into one subset (one slice).
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/endpoint/endpoints_controller.go
 * @see https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
 */
import { matchesMap } from '../labels';
import type { Pod, Service, ServicePort } from '../shapes';
import { canonicalJson } from './names';

/** A port of an Endpoints subset or EndpointSlice. */
export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

/** One pod's address in an Endpoints subset. */
export interface EndpointAddress {
  ip: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid?: string };
}

/** Pods reached on the same ports: one Endpoints subset, one EndpointSlice. */
export interface EndpointGroup {
  ports: EndpointPort[];
  ready: EndpointAddress[];
  notReady: EndpointAddress[];
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Whether the endpoints controllers consider `pod` at all (before readiness). */
export function podBelongsInEndpoints(pod: Pod): boolean {
  if (!pod.status?.podIP) return false;
  if (pod.metadata.deletionTimestamp) return false;
  return pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
}

/**
 * The container port a Service port reaches on `pod`: a number is taken as is (even if
 * no container declares it, as Kubernetes does), a name is looked up among the pod's
 * container ports with the same protocol; undefined when the name is not found.
 */
export function resolveTargetPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  for (const container of pod.spec.containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/**
 * The endpoint groups (one Endpoints subset, one EndpointSlice each) of `service` among
 * `pods` (the pods of its namespace); undefined when the Service has no selector, whose
 * endpoints are not managed by the controller.
 */
export function computeEndpointGroups(service: Service, pods: Pod[]): EndpointGroup[] | undefined {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  const servicePorts = service.spec?.ports ?? [];
  const groups = new Map<string, EndpointGroup>();
  const sorted = pods
    .filter((pod) => matchesMap(pod.metadata.labels, selector) && podBelongsInEndpoints(pod))
    .sort((a, b) => (a.status?.podIP ?? '').localeCompare(b.status?.podIP ?? '', 'en', { numeric: true }));
  for (const pod of sorted) {
    const ports: EndpointPort[] = [];
    for (const servicePort of servicePorts) {
      const number = resolveTargetPort(pod, servicePort);
      if (number === undefined) continue;
      ports.push({
        ...(servicePort.name ? { name: servicePort.name } : {}),
        port: number,
        protocol: servicePort.protocol ?? 'TCP',
        ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
      });
    }
    // A pod resolving none of several ports serves nothing; a Service without ports still lists addresses.
    if (servicePorts.length > 0 && ports.length === 0) continue;
    const groupKey = canonicalJson(ports);
    let group = groups.get(groupKey);
    if (!group) {
      group = { ports, ready: [], notReady: [] };
      groups.set(groupKey, group);
    }
    const address: EndpointAddress = {
      ip: pod.status?.podIP ?? '',
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid },
    };
    (isReady(pod) ? group.ready : group.notReady).push(address);
  }
  return [...groups.values()];
}

/** The `subsets` of a core/v1 Endpoints object for `groups`. */
export function endpointsSubsets(groups: EndpointGroup[]): Record<string, unknown>[] {
  return groups.map((group) => ({
    ...(group.ready.length > 0 ? { addresses: group.ready } : {}),
    ...(group.notReady.length > 0 ? { notReadyAddresses: group.notReady } : {}),
    ...(group.ports.length > 0 ? { ports: group.ports } : {}),
  }));
}

/** The `endpoints` of a discovery/v1 EndpointSlice for `group`. */
export function sliceEndpoints(group: EndpointGroup): Record<string, unknown>[] {
  const one = (address: EndpointAddress, ready: boolean) => ({
    addresses: [address.ip],
    conditions: { ready, serving: ready, terminating: false },
    ...(address.nodeName ? { nodeName: address.nodeName } : {}),
    targetRef: address.targetRef,
  });
  return [...group.ready.map((a) => one(a, true)), ...group.notReady.map((a) => one(a, false))].sort((a, b) =>
    (a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? '', 'en', { numeric: true }),
  );
}

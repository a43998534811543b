/**
 * The endpoints and EndpointSlice controllers: keep a core/v1 `Endpoints` object and the
 * `EndpointSlice`s of every Service that has a selector in line with its pods (see
 * endpoints-model.ts for the rules). Slices keep their names across updates and are
 * owned by their Service, so the garbage collector removes them with it.
 *
 * Known debt: one slice per distinct port set, never split at 100 endpoints; no
 * topology hints; `publishNotReadyAddresses` is not read.
 */
import type { K8sObject } from '../../../wire';
import { StoreNotFoundError } from '../../store';
import { matchesMap } from '../labels';
import type { Pod, Service } from '../shapes';
import { WorkQueue, objectKey, splitKey } from '../work-queue';
import { RESOURCES, type Controller, type ControllerContext } from './context';
import { computeEndpointGroups, endpointsSubsets, sliceEndpoints, type EndpointGroup } from './endpoints-model';
import { canonicalJson, randomSuffix } from './names';
import { nowIso } from '../util';

/** The label tying an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

/** Starts keeping Endpoints and EndpointSlices in line with pods (see the top of this file). */
export function startEndpointsController(ctx: ControllerContext): Controller {
  const { store, informers } = ctx;
  const queue = new WorkQueue('endpoints-controller', (key) => sync(key));

  function enqueueServicesSelecting(pod: Pod | undefined): void {
    if (!pod) return;
    for (const service of informers.services.list(pod.metadata.namespace)) {
      const selector = service.spec?.selector;
      if (selector && Object.keys(selector).length > 0 && matchesMap(pod.metadata.labels, selector)) {
        queue.add(objectKey(service.metadata.namespace, service.metadata.name));
      }
    }
  }

  const unsubscribe = [
    informers.services.subscribe(({ current, previous }) => {
      const service = current ?? previous;
      if (service) queue.add(objectKey(service.metadata.namespace, service.metadata.name));
    }),
    informers.pods.subscribe(({ current, previous }) => {
      enqueueServicesSelecting(current);
      enqueueServicesSelecting(previous);
    }),
  ];
  for (const service of informers.services.list()) queue.add(objectKey(service.metadata.namespace, service.metadata.name));

  function sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const service = informers.services.get(namespace, name);
    if (!service) {
      // The Service is gone: so are its Endpoints (slices go with the garbage collector).
      deleteIfPresent(RESOURCES.endpoints, namespace, name);
      return;
    }
    const groups = computeEndpointGroups(service, informers.pods.list(namespace));
    if (!groups) return; // no selector: endpoints are the user's to manage
    writeEndpoints(service, groups);
    writeSlices(service, groups);
  }

  function writeEndpoints(service: Service, groups: EndpointGroup[]): void {
    const { namespace, name } = service.metadata;
    const subsets = endpointsSubsets(groups);
    const labels = { ...(service.metadata.labels ?? {}) };
    const existing = store.get(RESOURCES.endpoints, namespace, name);
    if (!existing) {
      const object: K8sObject = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name, namespace, labels, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': nowIso() } },
        ...(subsets.length > 0 ? { subsets } : {}),
      };
      store.create(RESOURCES.endpoints, object);
      return;
    }
    const same =
      canonicalJson(existing.subsets ?? []) === canonicalJson(subsets) &&
      canonicalJson(existing.metadata?.labels ?? {}) === canonicalJson(labels);
    if (same) return;
    const updated: K8sObject = {
      ...existing,
      metadata: {
        ...existing.metadata,
        labels,
        annotations: { ...(existing.metadata?.annotations ?? {}), 'endpoints.kubernetes.io/last-change-trigger-time': nowIso() },
      },
    };
    if (subsets.length > 0) updated.subsets = subsets;
    else delete updated.subsets;
    store.update(RESOURCES.endpoints, updated);
  }

  function writeSlices(service: Service, groups: EndpointGroup[]): void {
    const { namespace, name } = service.metadata;
    const existing = informers.endpointslices
      .list(namespace)
      .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
      .map((s) => store.get(RESOURCES.endpointslices, namespace, s.metadata.name))
      .filter((s): s is K8sObject => s !== undefined);
    const labels = { ...(service.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY };
    // A Service with a selector and no backing pods still gets one empty slice, as Kubernetes does.
    const wanted = groups.length > 0 ? groups : [{ ports: [], ready: [], notReady: [] }];
    const unused = [...existing];
    for (const group of wanted) {
      const ports = group.ports.length > 0 || (service.spec?.ports ?? []).length > 0 ? group.ports : null;
      const endpoints = sliceEndpoints(group);
      const portsKey = canonicalJson(ports);
      const index = unused.findIndex((s) => canonicalJson(s.ports ?? null) === portsKey);
      const reuse = index >= 0 ? unused.splice(index, 1)[0] : unused.shift();
      if (!reuse) {
        store.create(RESOURCES.endpointslices, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            name: `${name}-${randomSuffix()}`,
            generateName: `${name}-`,
            namespace,
            labels,
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Service', name, uid: service.metadata.uid, controller: true, blockOwnerDeletion: true },
            ],
          },
          addressType: 'IPv4',
          endpoints,
          ports,
        });
        continue;
      }
      const same =
        canonicalJson(reuse.endpoints ?? []) === canonicalJson(endpoints) &&
        canonicalJson(reuse.ports ?? null) === portsKey &&
        canonicalJson(reuse.metadata?.labels ?? {}) === canonicalJson(labels);
      if (same) continue;
      store.update(RESOURCES.endpointslices, { ...reuse, metadata: { ...reuse.metadata, labels }, endpoints, ports });
    }
    for (const slice of unused) deleteIfPresent(RESOURCES.endpointslices, namespace ?? '', slice.metadata?.name ?? '');
  }

  function deleteIfPresent(resource: string, namespace: string, name: string): void {
    try {
      store.delete(resource, namespace, name);
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
    }
  }

  return {
    stop() {
      for (const u of unsubscribe) u();
      queue.stop();
    },
  };
}

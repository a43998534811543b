import 'server-only';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  ISTIO_NETWORKING_GROUP,
  type IstioVersion,
  type K8sDestinationRule,
  type K8sList,
  type K8sObject,
  type K8sVirtualService,
} from '../wire';
import { getConnection, type ClusterConnection } from './client';
import { istioVersionFor } from './discovery';
import { clusterCall, ClusterError } from './errors';

const VIRTUAL_SERVICES = 'virtualservices';
const DESTINATION_RULES = 'destinationrules';
const SERVICE_ENTRIES = 'serviceentries';

/** Splitscope's field manager name, visible in managedFields on every write. */
export const FIELD_MANAGER = 'splitscope';

/** One RFC 6902 operation, as sent with `application/json-patch+json`. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: unknown;
  from?: string;
}

function asList<T>(value: unknown): T[] {
  const list = value as K8sList | undefined;
  return Array.isArray(list?.items) ? (list.items as T[]) : [];
}

async function listIstio<T>(
  plural: string,
  kind: string,
  namespace: string | undefined,
  connection: ClusterConnection,
): Promise<{ version: IstioVersion; items: T[] }> {
  const version = await istioVersionFor(`list ${kind}s`, connection);
  const action = { action: `list ${kind}s`, kind, namespace };
  const body = await clusterCall(action, () =>
    namespace
      ? connection.custom.listNamespacedCustomObject({ group: ISTIO_NETWORKING_GROUP, version, namespace, plural })
      : connection.custom.listClusterCustomObject({ group: ISTIO_NETWORKING_GROUP, version, plural }),
  );
  return { version, items: asList<T>(body) };
}

/** VirtualServices of one namespace, or of all when `namespace` is undefined. */
export async function listVirtualServices(
  { namespace }: { namespace?: string } = {},
  connection: ClusterConnection = getConnection(),
): Promise<K8sVirtualService[]> {
  return (await listIstio<K8sVirtualService>(VIRTUAL_SERVICES, 'VirtualService', namespace, connection)).items;
}

export async function listDestinationRules(
  { namespace }: { namespace?: string } = {},
  connection: ClusterConnection = getConnection(),
): Promise<K8sDestinationRule[]> {
  return (await listIstio<K8sDestinationRule>(DESTINATION_RULES, 'DestinationRule', namespace, connection)).items;
}

/**
 * ServiceEntries (hosts outside the cluster's Services that destinations may name). A
 * cluster that does not serve them (404) has none.
 */
export async function listServiceEntries(
  { namespace }: { namespace?: string } = {},
  connection: ClusterConnection = getConnection(),
): Promise<K8sObject[]> {
  try {
    return (await listIstio<K8sObject>(SERVICE_ENTRIES, 'ServiceEntry', namespace, connection)).items;
  } catch (error) {
    if (error instanceof ClusterError && error.status === 404) return [];
    throw error;
  }
}

export async function getVirtualService(
  { namespace, name }: { namespace: string; name: string },
  connection: ClusterConnection = getConnection(),
): Promise<K8sVirtualService> {
  const version = await istioVersionFor('read the VirtualService', connection);
  return (await clusterCall({ action: 'read the VirtualService', kind: 'VirtualService', namespace, name }, () =>
    connection.custom.getNamespacedCustomObject({ group: ISTIO_NETWORKING_GROUP, version, namespace, plural: VIRTUAL_SERVICES, name }),
  )) as K8sVirtualService;
}

/** Creates a VirtualService; with `dryRun` the cluster validates and admits it but stores nothing. */
export async function createVirtualService(
  { namespace, object, dryRun = false }: { namespace: string; object: K8sVirtualService; dryRun?: boolean },
  connection: ClusterConnection = getConnection(),
): Promise<K8sVirtualService> {
  const version = await istioVersionFor('create the VirtualService', connection);
  const body = { ...object, apiVersion: `${ISTIO_NETWORKING_GROUP}/${version}`, kind: 'VirtualService' };
  return (await clusterCall(
    { action: 'create the VirtualService', kind: 'VirtualService', namespace, name: object.metadata?.name },
    () =>
      connection.custom.createNamespacedCustomObject({
        group: ISTIO_NETWORKING_GROUP,
        version,
        namespace,
        plural: VIRTUAL_SERVICES,
        body,
        dryRun: dryRun ? 'All' : undefined,
        fieldManager: FIELD_MANAGER,
      }),
  )) as K8sVirtualService;
}

/**
 * Applies an RFC 6902 JSON Patch to a VirtualService: the only way Splitscope edits
 * an existing object, so that nothing it did not mean to change is sent back.
 */
export async function patchVirtualService(
  { namespace, name, patch, dryRun = false }: { namespace: string; name: string; patch: JsonPatchOperation[]; dryRun?: boolean },
  connection: ClusterConnection = getConnection(),
): Promise<K8sVirtualService> {
  const version = await istioVersionFor('change the VirtualService', connection);
  return (await clusterCall({ action: 'change the VirtualService', kind: 'VirtualService', namespace, name }, () =>
    connection.custom.patchNamespacedCustomObject(
      {
        group: ISTIO_NETWORKING_GROUP,
        version,
        namespace,
        plural: VIRTUAL_SERVICES,
        name,
        body: patch,
        dryRun: dryRun ? 'All' : undefined,
        fieldManager: FIELD_MANAGER,
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ),
  )) as K8sVirtualService;
}

import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { V1Pod } from '@kubernetes/client-node';
import type { K8sPod, K8sStatus } from '../wire';
import { getConnection, type ClusterConnection } from './client';
import { clusterCall, ClusterError, toClusterError } from './errors';

/**
 * Pod operations the prober needs: create its pod, find probe pods again by label,
 * follow a container's log, delete the pod.
 */

function podContext(action: string, namespace: string, name?: string) {
  return { action, kind: 'Pod', namespace, name };
}

/** Creates a pod from a wire object (the prober's spec is plain data built in lib/probe). */
export async function createPod(
  { namespace, pod, dryRun = false }: { namespace: string; pod: K8sPod; dryRun?: boolean },
  connection: ClusterConnection = getConnection(),
): Promise<K8sPod> {
  // client-node serialises by the V1Pod model: the fields a probe pod uses are all modelled.
  const body: V1Pod = pod as V1Pod;
  const created = await clusterCall(podContext('create the probe pod', namespace, pod.metadata?.name), () =>
    connection.core.createNamespacedPod({ namespace, body, dryRun: dryRun ? 'All' : undefined }),
  );
  return toWirePod(created);
}

/** Reads a pod, or undefined when it no longer exists. */
export async function findPod(
  { namespace, name }: { namespace: string; name: string },
  connection: ClusterConnection = getConnection(),
): Promise<K8sPod | undefined> {
  try {
    const pod = await clusterCall(podContext('read the probe pod', namespace, name), () =>
      connection.core.readNamespacedPod({ namespace, name }),
    );
    return toWirePod(pod);
  } catch (error) {
    if (error instanceof ClusterError && error.status === 404) return undefined;
    throw error;
  }
}

/** Pods matching a label selector, in one namespace or (namespace undefined) all of them. */
export async function listPodsBySelector(
  { namespace, labelSelector }: { namespace?: string; labelSelector: string },
  connection: ClusterConnection = getConnection(),
): Promise<K8sPod[]> {
  const list = await clusterCall(podContext('list probe pods', namespace ?? '(all)'), () =>
    namespace
      ? connection.core.listNamespacedPod({ namespace, labelSelector })
      : connection.core.listPodForAllNamespaces({ labelSelector }),
  );
  return list.items.map(toWirePod);
}

/** Deletes a pod at once; a pod already gone counts as deleted. */
export async function deletePod(
  { namespace, name }: { namespace: string; name: string },
  connection: ClusterConnection = getConnection(),
): Promise<void> {
  try {
    await clusterCall(podContext('delete the probe pod', namespace, name), () =>
      connection.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }),
    );
  } catch (error) {
    if (error instanceof ClusterError && error.status === 404) return;
    throw error;
  }
}

/** client-node hands out model classes with Date objects; the app works on JSON. */
function toWirePod(pod: V1Pod): K8sPod {
  return JSON.parse(JSON.stringify(pod)) as K8sPod;
}

export interface LogFollower {
  /** Stops following; `done` then settles. */
  stop(): void;
  /** Settles when the log ends (container finished, pod deleted) or stop() is called. */
  done: Promise<void>;
}

/**
 * Follows a container's log through the API server, calling `onText` with each chunk
 * as it arrives. Unlike client-node's `Log`, this keeps the API server's Status body on
 * failure (a 400 "container is waiting to start" or 404 reads as the cluster wrote it).
 */
export async function followPodLog(
  {
    namespace,
    name,
    container,
    sinceTime,
    timestamps = false,
  }: { namespace: string; name: string; container: string; sinceTime?: string; timestamps?: boolean },
  onText: (text: string) => void,
  connection: ClusterConnection = getConnection(),
): Promise<LogFollower> {
  const context = podContext('follow the probe log', namespace, name);
  const server = new URL(connection.server);
  const query = new URLSearchParams({ container, follow: 'true', timestamps: String(timestamps) });
  if (sinceTime) query.set('sinceTime', sinceTime);
  const options: https.RequestOptions = {
    protocol: server.protocol,
    hostname: server.hostname,
    port: server.port,
    method: 'GET',
    path: `${server.pathname.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?${query}`,
    headers: {},
  };
  try {
    await connection.kubeConfig.applyToHTTPSOptions(options);
  } catch (error) {
    throw toClusterError(error, context);
  }
  const transport = server.protocol === 'https:' ? https : http;

  return new Promise<LogFollower>((resolveFollower, rejectFollower) => {
    let settle: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const request = transport.request(options, (response) => {
      response.setEncoding('utf8');
      if (response.statusCode !== 200) {
        let body = '';
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => rejectFollower(statusError(response.statusCode ?? 500, body, context)));
        return;
      }
      response.on('data', (chunk: string) => onText(chunk));
      response.on('end', settle);
      response.on('error', settle);
      response.on('close', settle);
      resolveFollower({ stop: () => request.destroy(), done });
    });
    request.on('error', (error) => {
      settle();
      rejectFollower(toClusterError(error, context));
    });
    request.end();
  });
}

function statusError(code: number, body: string, context: ReturnType<typeof podContext>): ClusterError {
  let status: K8sStatus | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && (parsed as K8sStatus).kind === 'Status') status = parsed as K8sStatus;
  } catch {
    status = undefined;
  }
  return new ClusterError({
    status: status?.code ?? code,
    reason: status?.reason ?? 'Unknown',
    message: status?.message ?? (body.trim() || `The cluster answered ${code} while following the log.`),
    context,
  });
}

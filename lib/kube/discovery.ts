import 'server-only';
import { ISTIO_NETWORKING_GROUP, ISTIO_VERSIONS, type IstioVersion } from '../wire';
import { getConnection, type ClusterConnection } from './client';
import { clusterCall, ClusterError } from './errors';

/** What the cluster says about Istio. */
export interface IstioDiscovery {
  /** networking.istio.io versions the API server serves, in our order of preference. */
  versions: IstioVersion[];
  /** The version Splitscope reads and writes with: v1, then v1beta1, then v1alpha3. */
  preferred: IstioVersion | undefined;
  /** istiod's version from its image tag, when the dashboard may read istio-system. */
  controlPlaneVersion: string | undefined;
  /** Why controlPlaneVersion is unknown, in words (forbidden, not found, ...). */
  controlPlaneNote: string | undefined;
}

/** Discovery answers change rarely; asking on every request would double the calls. */
const DISCOVERY_TTL_MS = 15_000;
const cache = new WeakMap<ClusterConnection, { at: number; value: Promise<IstioDiscovery> }>();

/** Prefer v1 (Istio 1.22+), then v1beta1, then v1alpha3 (Istio 1.11 serves only the last two). */
export function preferredIstioVersion(served: readonly string[]): IstioVersion | undefined {
  return ISTIO_VERSIONS.find((v) => served.includes(v));
}

async function servedIstioVersions(connection: ClusterConnection): Promise<IstioVersion[]> {
  const groups = await clusterCall({ action: 'discover API groups' }, () => connection.apis.getAPIVersions());
  const group = groups.groups.find((g) => g.name === ISTIO_NETWORKING_GROUP);
  const served = group?.versions.map((v) => v.version) ?? [];
  return ISTIO_VERSIONS.filter((v) => served.includes(v));
}

/** `docker.io/istio/pilot:1.28.0` → `1.28.0`; digests and `latest` say nothing. */
export function versionFromImage(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= lastSlash) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  const match = /^v?(\d+\.\d+(?:\.\d+)?)/.exec(tag);
  return match?.[1];
}

async function controlPlaneVersion(connection: ClusterConnection): Promise<{ version?: string; note?: string }> {
  try {
    const pods = await clusterCall({ action: 'find istiod', namespace: 'istio-system' }, () =>
      connection.core.listNamespacedPod({ namespace: 'istio-system', labelSelector: 'app=istiod' }),
    );
    for (const pod of pods.items) {
      const container = pod.spec?.containers.find((c) => c.name === 'discovery') ?? pod.spec?.containers[0];
      const version = versionFromImage(container?.image);
      if (version) return { version };
    }
    return { note: 'no istiod pod found in istio-system' };
  } catch (error) {
    if (error instanceof ClusterError) return { note: `${error.reason}: ${error.message}` };
    throw error;
  }
}

async function discover(connection: ClusterConnection): Promise<IstioDiscovery> {
  const versions = await servedIstioVersions(connection);
  const plane = versions.length > 0 ? await controlPlaneVersion(connection) : { note: 'Istio is not installed' };
  return {
    versions,
    preferred: preferredIstioVersion(versions),
    controlPlaneVersion: plane.version,
    controlPlaneNote: plane.note,
  };
}

/** Istio discovery for the current connection, cached for a few seconds. */
export function discoverIstio(connection: ClusterConnection = getConnection()): Promise<IstioDiscovery> {
  const hit = cache.get(connection);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.value;
  const value = discover(connection);
  cache.set(connection, { at: Date.now(), value });
  // A failed discovery must not be remembered: the next request should ask again.
  value.catch(() => cache.delete(connection));
  return value;
}

/** The version to read and write Istio objects with, or a clear error when Istio is absent. */
export async function istioVersionFor(action: string, connection: ClusterConnection = getConnection()): Promise<IstioVersion> {
  const { preferred } = await discoverIstio(connection);
  if (!preferred) {
    throw new ClusterError({
      status: 404,
      reason: 'IstioNotInstalled',
      message: `This cluster serves no ${ISTIO_NETWORKING_GROUP} API (v1, v1beta1 or v1alpha3): Istio's CRDs are not installed, so there are no VirtualServices to ${action}.`,
      context: { action },
    });
  }
  return preferred;
}

/** The Kubernetes version string of the API server (`v1.37.2`). */
export async function kubernetesVersion(connection: ClusterConnection = getConnection()): Promise<string> {
  const info = await clusterCall({ action: 'read the server version' }, () => connection.version.getCode());
  return info.gitVersion;
}

import 'server-only';
import { ClusterError, discoverIstio, getConnection, kubernetesVersion, type ClusterMode } from '@/lib/kube';
import type { IstioVersion } from '@/lib/wire';

/** What the header shows about the cluster, and what `GET /api/cluster` returns. */
export interface ClusterInfo {
  mode: ClusterMode;
  context: string | undefined;
  server: string;
  readOnly: boolean;
  reachable: boolean;
  kubernetesVersion?: string;
  istio?: {
    versions: IstioVersion[];
    preferred?: IstioVersion;
    controlPlaneVersion?: string;
    controlPlaneNote?: string;
  };
  /** Why the cluster could not be asked, as the cluster or network said it. */
  error?: { status: number; reason: string; message: string };
}

/**
 * Cluster identity plus what it serves. A cluster that does not answer is a normal
 * state to show (reachable: false with the reason), not a failed request.
 */
export async function getClusterInfo(): Promise<ClusterInfo> {
  const connection = getConnection();
  const base = { mode: connection.mode, context: connection.context, server: connection.server, readOnly: connection.readOnly };
  try {
    const [version, istio] = await Promise.all([kubernetesVersion(connection), discoverIstio(connection)]);
    return {
      ...base,
      reachable: true,
      kubernetesVersion: version,
      istio: {
        versions: istio.versions,
        preferred: istio.preferred,
        controlPlaneVersion: istio.controlPlaneVersion,
        controlPlaneNote: istio.controlPlaneNote,
      },
    };
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    return { ...base, reachable: error.status !== 503, error: { status: error.status, reason: error.reason, message: error.message } };
  }
}

import 'server-only';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/**
 * Where Splitscope's cluster comes from. Read from the environment once per process;
 * documented in the README:
 * - `SPLITSCOPE_CLUSTER` = `auto` (default) | `sandbox` | `kubeconfig` | `in-cluster`
 * - `KUBECONFIG`, `SPLITSCOPE_CONTEXT`
 * - `SPLITSCOPE_DATA_DIR` (default `./.splitscope`)
 * - `SPLITSCOPE_READ_ONLY` = `true` to refuse every write from the dashboard
 */
export type ClusterMode = 'sandbox' | 'kubeconfig' | 'in-cluster';
export type RequestedMode = ClusterMode | 'auto';

export interface ClusterSettings {
  requested: RequestedMode;
  context: string | undefined;
  /** Every kubeconfig file named by KUBECONFIG, or ~/.kube/config when it exists. */
  kubeconfigFiles: string[];
  dataDir: string;
  readOnly: boolean;
}

const MODES: readonly RequestedMode[] = ['auto', 'sandbox', 'kubeconfig', 'in-cluster'];

/** Path of the service-account token a pod gets; its presence means "in a cluster". */
export const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const requested = (env.SPLITSCOPE_CLUSTER ?? 'auto').trim() || 'auto';
  if (!MODES.includes(requested as RequestedMode)) {
    throw new SettingsError(
      `SPLITSCOPE_CLUSTER="${requested}" is not a cluster mode; use one of ${MODES.join(', ')}.`,
    );
  }
  const named = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  const fallback = join(homedir(), '.kube', 'config');
  const kubeconfigFiles = named.length > 0 ? named : existsSync(fallback) ? [fallback] : [];
  return {
    requested: requested as RequestedMode,
    context: env.SPLITSCOPE_CONTEXT?.trim() || undefined,
    kubeconfigFiles,
    // A runtime setting, not a file of the app: keep Next's output tracing away from it.
    dataDir: resolve(/*turbopackIgnore: true*/ env.SPLITSCOPE_DATA_DIR?.trim() || '.splitscope'),
    readOnly: env.SPLITSCOPE_READ_ONLY === 'true',
  };
}

/** Where the embedded cluster writes its kubeconfig. */
export function sandboxKubeconfigPath(dataDir: string): string {
  return join(dataDir, 'sandbox', 'kubeconfig');
}

export function isInCluster(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.KUBERNETES_SERVICE_HOST) && existsSync(IN_CLUSTER_TOKEN);
}

/**
 * The mode `auto` stands for, without touching the network: inside a pod, the pod's
 * service account; with a kubeconfig, that; otherwise the embedded cluster. The
 * launcher (scripts/start.ts) refines this by checking that a kubeconfig's server
 * answers before it settles on it, and passes its decision down explicitly.
 */
export function resolveMode(settings: ClusterSettings, env: NodeJS.ProcessEnv = process.env): ClusterMode {
  if (settings.requested !== 'auto') return settings.requested;
  if (isInCluster(env)) return 'in-cluster';
  if (settings.kubeconfigFiles.length > 0) return 'kubeconfig';
  return 'sandbox';
}

import 'server-only';
import { statSync } from 'node:fs';
import {
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import {
  readSettings,
  resolveMode,
  sandboxKubeconfigPath,
  SettingsError,
  type ClusterMode,
  type ClusterSettings,
} from './config';
import { ClusterError } from './errors';

/** A configured connection to one cluster: its identity and the API clients we use. */
export interface ClusterConnection {
  mode: ClusterMode;
  context: string | undefined;
  server: string;
  readOnly: boolean;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  discovery: DiscoveryV1Api;
  apis: ApisApi;
  version: VersionApi;
}

let cached: { key: string; connection: ClusterConnection } | undefined;

function fileStamp(path: string): string {
  try {
    return `${path}@${statSync(path).mtimeMs}`;
  } catch {
    return `${path}@missing`;
  }
}

function loadKubeConfig(mode: ClusterMode, settings: ClusterSettings): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (mode === 'in-cluster') {
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  if (mode === 'sandbox') {
    const path = sandboxKubeconfigPath(settings.dataDir);
    try {
      kubeConfig.loadFromFile(path);
    } catch {
      throw new ClusterError({
        status: 503,
        reason: 'Unreachable',
        message: `The embedded cluster is not running (no kubeconfig at ${path}). Start Splitscope with "npm start", or the sandbox alone with "npm run sandbox".`,
        context: { action: 'connect to the embedded cluster' },
      });
    }
    return kubeConfig;
  }
  if (settings.kubeconfigFiles.length === 0) {
    throw new SettingsError('SPLITSCOPE_CLUSTER=kubeconfig, but neither KUBECONFIG nor ~/.kube/config names a kubeconfig file.');
  }
  kubeConfig.loadFromDefault();
  if (settings.context) {
    if (!kubeConfig.getContextObject(settings.context)) {
      const known = kubeConfig.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new SettingsError(`SPLITSCOPE_CONTEXT="${settings.context}" is not a context of the kubeconfig (contexts: ${known}).`);
    }
    kubeConfig.setCurrentContext(settings.context);
  }
  return kubeConfig;
}

/**
 * The connection for this process's settings. Rebuilt when the kubeconfig file
 * changes on disk (the sandbox rewrites its own when it restarts on another port).
 */
export function getConnection(env: NodeJS.ProcessEnv = process.env): ClusterConnection {
  const settings = readSettings(env);
  const mode = resolveMode(settings, env);
  const files = mode === 'sandbox' ? [sandboxKubeconfigPath(settings.dataDir)] : mode === 'kubeconfig' ? settings.kubeconfigFiles : [];
  const key = [mode, settings.context ?? '', String(settings.readOnly), ...files.map(fileStamp)].join('|');
  if (cached?.key === key) return cached.connection;

  const kubeConfig = loadKubeConfig(mode, settings);
  const connection: ClusterConnection = {
    mode,
    context: mode === 'in-cluster' ? undefined : kubeConfig.getCurrentContext(),
    server: kubeConfig.getCurrentCluster()?.server ?? '',
    readOnly: settings.readOnly,
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    discovery: kubeConfig.makeApiClient(DiscoveryV1Api),
    apis: kubeConfig.makeApiClient(ApisApi),
    version: kubeConfig.makeApiClient(VersionApi),
  };
  cached = { key, connection };
  return connection;
}

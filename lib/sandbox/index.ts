/**
 * The embedded cluster: starts the sandbox's store (from disk when a previous run left
 * one), its logs, admission chain and runtime, and serves the Kubernetes REST API on
 * 127.0.0.1 with a kubeconfig for it.
 *
 * Files under `<dataDir>/sandbox/`: `state.json` (the store), `logs/` (container logs),
 * `tokens.json` (bearer tokens, kept), `port` (the port used last, reused so an exported
 * kubeconfig keeps working), `kubeconfig`, and whatever the runtime keeps there.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdmissionChain } from './admission';
import { RESTRICTED_NAMESPACE } from './api/auth';
import { registerBuiltinAdmission } from './api/builtin-admission';
import { createDefaulter } from './api/defaults';
import { createApiServer } from './api/server';
import { loadOrCreateTokens, writeKubeconfig } from './kubeconfig';
import { PodLogs } from './logs';
import { loadSnapshot, persist } from './persistence';
import { type Runtime, startRuntime } from './runtime';
import { ObjectStore, StoreExistsError } from './store';
import { listenOn } from './listen';
import { loadOrCreateTls } from './tls';
import type { Tokens } from './api/auth';

export interface SandboxOptions {
  /** Splitscope's data directory; the sandbox keeps its files in `<dataDir>/sandbox`. */
  dataDir: string;
  /** Port to listen on; default: the one used last time, else an ephemeral one. */
  port?: number;
  /** Scenario to load into a fresh sandbox (`seed` by default). */
  scenario?: string;
  /** Forget the previous state (store and logs) and start fresh. */
  reset?: boolean;
  /** Istio version of a fresh sandbox (the runtime's default otherwise). */
  istioVersion?: string;
}

export interface Sandbox {
  /** `https://127.0.0.1:<port>`, as in the kubeconfig (verify with {@link Sandbox.caCertificate}). */
  url: string;
  /** `http://127.0.0.1:<port>`: the same API without TLS, on the same port. */
  httpUrl: string;
  /** PEM of the sandbox's certificate authority. */
  caCertificate: string;
  /** Bearer tokens of the admin and the read-only identity (also in the kubeconfig). */
  tokens: Tokens;
  kubeconfigPath: string;
  /** The sandbox's store, for in-process observers (tests, benchmarks); writes go through the API. */
  store: ObjectStore;
  /** Container logs, as the runtime writes them (tests may write their own). */
  logs: PodLogs;
  /** The runtime behind the API (mesh proxy, pods). */
  runtime: Runtime;
  stop(): Promise<void>;
}

/** Namespaces every cluster has, plus the one the read-only identity may not read. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', RESTRICTED_NAMESPACE];

function ensureNamespaces(store: ObjectStore): void {
  for (const name of SYSTEM_NAMESPACES) {
    if (store.get('namespaces', undefined, name)) continue;
    try {
      store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (error) {
      if (!(error instanceof StoreExistsError)) throw error;
    }
  }
}

function rememberedPort(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const port = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

async function listen(server: ReturnType<typeof createApiServer>['server'], port: number): Promise<number> {
  return (await listenOn(server, '127.0.0.1', port)).port;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const dir = join(options.dataDir, 'sandbox');
  const stateFile = join(dir, 'state.json');
  const logsDir = join(dir, 'logs');
  const portFile = join(dir, 'port');
  if (options.reset) {
    rmSync(stateFile, { force: true });
    rmSync(logsDir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });

  const snapshot = loadSnapshot(stateFile);
  const store = new ObjectStore(snapshot);
  const defaulter = createDefaulter(store);
  store.useDefaulter(defaulter);
  const logs = new PodLogs(logsDir);
  const admission = new AdmissionChain();
  // The API server's own plugins run before the runtime's webhooks, as on a real cluster.
  registerBuiltinAdmission(admission);
  const fresh = !snapshot || snapshot.objects.length === 0;
  const persister = persist(store, stateFile);
  const runtime = await startRuntime({ store, admission, logs, dir, fresh, scenario: options.scenario, istioVersion: options.istioVersion });
  ensureNamespaces(store);

  const tokens = loadOrCreateTokens(join(dir, 'tokens.json'));
  const tls = loadOrCreateTls(dir);
  const api = createApiServer({ store, admission, logs, defaulter, tokens, tls });
  let port: number;
  const previous = rememberedPort(portFile);
  if (options.port !== undefined) {
    port = await listen(api.server, options.port);
  } else {
    try {
      port = await listen(api.server, previous ?? 0);
    } catch (error) {
      // The remembered port is taken (another process): take any, and rewrite the kubeconfig.
      if (previous === undefined) throw error;
      port = await listen(api.server, 0);
    }
  }
  writeFileSync(portFile, String(port));
  const url = `https://127.0.0.1:${port}`;
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, url, tls.ca, tokens);
  persister.flush();

  let stopped: Promise<void> | undefined;
  return {
    url,
    httpUrl: `http://127.0.0.1:${port}`,
    caCertificate: tls.ca,
    tokens,
    kubeconfigPath,
    store,
    logs,
    runtime,
    stop: () => {
      stopped ??= (async () => {
        await api.close();
        await runtime.stop();
        persister.stop();
      })();
      return stopped;
    },
  };
}

/**
 * Helpers for the runtime's integration tests: a runtime on a fresh store in a temp dir
 * (with the API's own defaulter and admission chain, as the sandbox wires them), polling
 * for cluster state, and real HTTP through the mesh proxy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionChain } from '@/lib/sandbox/admission';
import { registerBuiltinAdmission } from '@/lib/sandbox/api/builtin-admission';
import { createDefaulter } from '@/lib/sandbox/api/defaults';
import { PodLogs } from '@/lib/sandbox/logs';
import { startRuntime, type Runtime, type RuntimeOptions } from '@/lib/sandbox/runtime';
import { ObjectStore, type StoreSnapshot } from '@/lib/sandbox/store';
import { DeploymentSchema, PodSchema, parseAs, type Pod } from '@/lib/sandbox/runtime/shapes';
import type { K8sObject } from '@/lib/wire';

export interface TestSandbox {
  store: ObjectStore;
  admission: AdmissionChain;
  logs: PodLogs;
  runtime: Runtime;
  dir: string;
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

export async function startTestSandbox(
  options: Partial<Pick<RuntimeOptions, 'scenario' | 'istioVersion' | 'maxCommandPods'>> & { snapshot?: StoreSnapshot; dir?: string } = {},
): Promise<TestSandbox> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'splitscope-runtime-'));
  const store = new ObjectStore(options.snapshot);
  store.useDefaulter(createDefaulter(store));
  const admission = new AdmissionChain();
  registerBuiltinAdmission(admission);
  const logs = new PodLogs(join(dir, 'logs'));
  const runtime = await startRuntime({
    store,
    admission,
    logs,
    dir,
    fresh: options.snapshot === undefined,
    scenario: options.scenario,
    istioVersion: options.istioVersion,
    maxCommandPods: options.maxCommandPods,
  });
  return {
    store,
    admission,
    logs,
    runtime,
    dir,
    async stop({ keepDir = false } = {}) {
      await runtime.stop();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The pods of a namespace, parsed. */
export function pods(store: ObjectStore, namespace: string): Pod[] {
  return store.list('pods', namespace).flatMap((object) => parseAs(PodSchema, object) ?? []);
}

export function pod(store: ObjectStore, namespace: string, name: string): Pod | undefined {
  return parseAs(PodSchema, store.get('pods', namespace, name));
}

/** The running pod whose name starts with `prefix`. */
export function runningPod(store: ObjectStore, namespace: string, prefix: string): Pod | undefined {
  return pods(store, namespace).find((p) => p.metadata.name.startsWith(prefix) && p.status?.phase === 'Running');
}

/** Waits until every pod of the given Deployments runs and is ready. */
export async function waitForDeployments(store: ObjectStore, namespace: string, names: string[]): Promise<void> {
  await waitFor(`deployments ${names.join(', ')} ready`, () =>
    names.every((name) => {
      const raw = store.get('deployments.apps', namespace, name);
      const d = parseAs(DeploymentSchema, raw);
      const status = raw?.status;
      const ready = typeof status === 'object' && status !== null && 'readyReplicas' in status ? status.readyReplicas : undefined;
      return d !== undefined && ready === (d.spec.replicas ?? 1);
    }),
  );
}

export function createPod(sandbox: TestSandbox, pod: K8sObject): K8sObject {
  const admitted = sandbox.admission.admit({ operation: 'CREATE', resource: 'pods', version: 'v1', namespace: pod.metadata?.namespace, object: pod, dryRun: false });
  return sandbox.store.create('pods', admitted);
}

export interface ProxyAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request through the mesh proxy at `proxyUrl` (credentials in its userinfo, if any). */
export function viaMesh(
  proxyUrl: string,
  target: string,
  options: { method?: string; headers?: Record<string, string>; agent?: Agent | false } = {},
): Promise<ProxyAnswer> {
  const proxy = new URL(proxyUrl);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (proxy.username) {
    const user = decodeURIComponent(proxy.username);
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  }
  headers.host ??= new URL(target).host;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: proxy.hostname, port: proxy.port, method: options.method ?? 'GET', path: target, headers, agent: options.agent ?? false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Counts answers by `classify(body)` over `n` requests. */
export async function tally(n: number, send: () => Promise<ProxyAnswer>, classify: (answer: ProxyAnswer) => string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    const key = classify(await send());
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Whether `count` of `n` is within `sigmas` binomial standard deviations of share `p`: a
 * band wide enough (5σ) that a right router practically never fails it, narrow enough
 * that a wrong split does.
 */
export function withinBinomialBand(count: number, n: number, p: number, sigmas = 5): boolean {
  const sd = Math.sqrt(n * p * (1 - p));
  return Math.abs(count - n * p) <= sigmas * sd;
}

export const SEED_TEST1 = '<html><body><h1>test1</h1></body></html>';
export const SEED_TEST2 = '<html><body><h1>test2</h1></body></html>';

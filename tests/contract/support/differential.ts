/**
 * Differential checks of the sandbox: the same raw request sent to the real server and to
 * a sandbox started in-process, both answers normalised (generated values replaced, what
 * a controller-manager or kubelet would add left out) and compared field by field. Every
 * difference is a line such as `body.metadata.labels.a: real "x" ≠ sandbox "y"`; the
 * ones known and written up in DIFFERENCES.md are listed in known-differences.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '@/lib/sandbox';
import type { Json } from '@/lib/wire';
import { kubeRequest, type KubeRequest, type KubeResponse } from './kube-http';
import { loadConnection, type KubeConnection } from './kubeconfig';
import { resolveTarget } from './target';

/** The namespace both sides are compared in (created on both, never deleted). */
export const DIFF_NAMESPACE = 'splitscope-diff';
/** The sandbox's admin context (lib/sandbox/kubeconfig.ts). */
const SANDBOX_ADMIN_CONTEXT = 'splitscope-sandbox';

export interface Sides {
  real: KubeConnection;
  sandbox: KubeConnection;
  strict: boolean;
  stop(): Promise<void>;
}

/** The real server (the contract target's admin) and a fresh sandbox, both with namespace {@link DIFF_NAMESPACE}. */
export async function startSides(): Promise<Sides> {
  const target = resolveTarget();
  const dataDir = mkdtempSync(join(tmpdir(), 'splitscope-diff-'));
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await startSandbox({ dataDir });
    const sides = { real: target.admin, sandbox: loadConnection(sandbox.kubeconfigPath, SANDBOX_ADMIN_CONTEXT), strict: target.strict };
    for (const conn of [sides.real, sides.sandbox]) await ensureDiffNamespace(conn);
    const running = sandbox;
    return {
      ...sides,
      stop: async () => {
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sandbox?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts both sides before a test file's tests and stops the sandbox after them. Returns
 * how the tests reach them.
 */
export function sidesForFile(): () => Sides {
  let sides: Sides | undefined;
  beforeAll(async () => {
    sides = await startSides();
  }, 120_000);
  afterAll(async () => {
    await sides?.stop();
  });
  return () => {
    if (sides === undefined) throw new Error('the real server and the sandbox are not started (see the beforeAll failure)');
    return sides;
  };
}

async function ensureDiffNamespace(conn: KubeConnection): Promise<void> {
  const ns = await kubeRequest(conn, { method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: DIFF_NAMESPACE } } });
  if (ns.status !== 201 && ns.status !== 409) throw new Error(`create namespace ${DIFF_NAMESPACE}: ${ns.status} ${ns.text.slice(0, 300)}`);
  // A real server's ServiceAccount admission needs `default` before it admits a pod; the
  // sandbox serves no ServiceAccounts (404), which is fine.
  const sa = await kubeRequest(conn, {
    method: 'POST',
    path: `/api/v1/namespaces/${DIFF_NAMESPACE}/serviceaccounts`,
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: DIFF_NAMESPACE } },
  });
  if (sa.status !== 201 && sa.status !== 409 && sa.status !== 404) throw new Error(`create ServiceAccount: ${sa.status} ${sa.text.slice(0, 300)}`);
}

/** Both answers to one request. */
export interface Pair {
  real: KubeResponse;
  sandbox: KubeResponse;
}

export async function both(sides: Sides, req: KubeRequest): Promise<Pair> {
  const [real, sandbox] = await Promise.all([kubeRequest(sides.real, req), kubeRequest(sides.sandbox, req)]);
  return { real, sandbox };
}

/** Sends the same request to both sides one after the other (for steps whose order matters across sides). */
export async function bothInTurn(sides: Sides, req: KubeRequest): Promise<Pair> {
  const real = await kubeRequest(sides.real, req);
  const sandbox = await kubeRequest(sides.sandbox, req);
  return { real, sandbox };
}

/** Metadata values generated per object and per write: replaced, their presence compared. */
const GENERATED_METADATA: Record<string, string> = {
  uid: '<uid>',
  resourceVersion: '<resourceVersion>',
  creationTimestamp: '<timestamp>',
  deletionTimestamp: '<timestamp>',
};

export interface NormaliseOptions {
  /** Leave out `status` and `spec.nodeName` of pods: a kubelet and a scheduler write them. */
  pod?: boolean;
  /**
   * Leave out what Istio's sidecar injector adds to a pod (the sandbox has one; a bare
   * control plane has no webhook): its containers, init containers, volumes, labels and
   * annotations.
   */
  withoutInjection?: boolean;
}

const INJECTED_CONTAINERS = new Set(['istio-proxy', 'istio-init', 'istio-validation']);
const INJECTED_VOLUMES = /^(istio|workload-|credential-socket$)/;
const INJECTED_METADATA = /^(sidecar\.istio\.io\/status|istio\.io\/rev|kubectl\.kubernetes\.io\/default-(logs-)?container|prometheus\.io\/|security\.istio\.io\/tlsMode|service\.istio\.io\/canonical-)/;

function isMap(value: Json | undefined): value is { [k: string]: Json } {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** Removes the sidecar injector's additions from a pod, in place. */
function stripInjection(pod: { [k: string]: Json }): void {
  const named = (list: Json | undefined, drop: (name: string) => boolean): Json[] | undefined =>
    Array.isArray(list) ? list.filter((e) => !(isMap(e) && typeof e.name === 'string' && drop(e.name))) : undefined;
  const spec = pod.spec;
  if (isMap(spec)) {
    for (const key of ['containers', 'initContainers', 'volumes']) {
      const kept = named(spec[key], key === 'volumes' ? (n) => INJECTED_VOLUMES.test(n) : (n) => INJECTED_CONTAINERS.has(n));
      if (kept === undefined) continue;
      if (kept.length === 0) delete spec[key];
      else spec[key] = kept;
    }
  }
  const metadata = pod.metadata;
  if (isMap(metadata)) {
    for (const key of ['labels', 'annotations']) {
      const map = metadata[key];
      if (!isMap(map)) continue;
      for (const k of Object.keys(map)) if (INJECTED_METADATA.test(k)) delete map[k];
    }
  }
}

function normaliseValue(value: Json, key: string, parentKey: string, options: NormaliseOptions): Json {
  if (Array.isArray(value)) return value.map((v) => normaliseValue(v, '', key, options));
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      // managedFields record who wrote what, with times: generated, and not something Splitscope reads.
      if (k === 'managedFields') continue;
      out[k] = normaliseValue(v, k, key, options);
    }
    // A name made from generateName ends in five random characters.
    if (key === 'metadata' && typeof out.generateName === 'string' && typeof out.name === 'string' && out.name.startsWith(out.generateName)) {
      out.name = `${out.generateName}<random>`;
    }
    return out;
  }
  if (typeof value === 'string') {
    if (key === 'uid' && value !== '') return '<uid>';
    const placeholder = parentKey === 'metadata' ? GENERATED_METADATA[key] : undefined;
    if (placeholder !== undefined && value !== '') return placeholder;
    if (key === 'clusterIP' || parentKey === 'clusterIPs') return value === 'None' ? value : '<clusterIP>';
    if (key === 'resourceVersion' && value !== '') return '<resourceVersion>';
    if (key === 'serverAddress') return value.replace(/:\d+$/, ':<port>');
    return value.replace(/^kube-api-access-[a-z0-9]{5}$/, 'kube-api-access-<random>');
  }
  return value;
}

/** An answer body with generated values replaced (see the module comment). */
export function normalise(value: Json | undefined, options: NormaliseOptions = {}): Json | undefined {
  if (value === undefined) return undefined;
  const out = normaliseValue(value, '', '', options);
  if (options.pod && isMap(out)) {
    delete out.status;
    const spec = out.spec;
    if (isMap(spec)) delete spec.nodeName;
  }
  if (options.withoutInjection && isMap(out)) stripInjection(out);
  return out;
}

function render(value: Json | undefined): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 240 ? `${text.slice(0, 237)}...` : text;
}

/** Field-by-field differences of two JSON values, as sorted lines. */
export function differences(real: Json | undefined, sandbox: Json | undefined, at = 'body'): string[] {
  if (JSON.stringify(real) === JSON.stringify(sandbox)) return [];
  const isObj = (v: Json | undefined): v is { [k: string]: Json } => v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
  if (isObj(real) && isObj(sandbox)) {
    const keys = [...new Set([...Object.keys(real), ...Object.keys(sandbox)])].sort();
    return keys.flatMap((k) => {
      const path = `${at}.${k}`;
      if (!(k in sandbox)) return [`${path}: only real: ${render(real[k])}`];
      if (!(k in real)) return [`${path}: only sandbox: ${render(sandbox[k])}`];
      return differences(real[k], sandbox[k], path);
    });
  }
  if (Array.isArray(real) && Array.isArray(sandbox)) {
    const out: string[] = [];
    if (real.length !== sandbox.length) out.push(`${at}: length real ${real.length} ≠ sandbox ${sandbox.length}`);
    for (let i = 0; i < Math.min(real.length, sandbox.length); i += 1) out.push(...differences(real[i], sandbox[i], `${at}[${i}]`));
    return out;
  }
  return [`${at}: real ${render(real)} ≠ sandbox ${render(sandbox)}`];
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The media type without parameters (`application/json`), or `none`. */
function mediaType(res: KubeResponse): string {
  return (headerText(res.headers['content-type']) ?? 'none').split(';')[0]?.trim() ?? 'none';
}

/**
 * Differences between two answers: status, media type, the Warning header, and the body
 * (normalised; the text when it is not JSON).
 */
export function compare(pair: Pair, options: NormaliseOptions = {}): string[] {
  const out: string[] = [];
  if (pair.real.status !== pair.sandbox.status) out.push(`status: real ${pair.real.status} ≠ sandbox ${pair.sandbox.status}`);
  if (mediaType(pair.real) !== mediaType(pair.sandbox)) out.push(`content-type: real ${mediaType(pair.real)} ≠ sandbox ${mediaType(pair.sandbox)}`);
  const warnings = [headerText(pair.real.headers.warning), headerText(pair.sandbox.headers.warning)];
  if (warnings[0] !== warnings[1]) out.push(`warning: real ${render(warnings[0])} ≠ sandbox ${render(warnings[1])}`);
  if (pair.real.body === undefined || pair.sandbox.body === undefined) {
    if (pair.real.text !== pair.sandbox.text) out.push(`text: real ${render(pair.real.text)} ≠ sandbox ${render(pair.sandbox.text)}`);
    return out;
  }
  return [...out, ...differences(normalise(pair.real.body, options), normalise(pair.sandbox.body, options))];
}

/**
 * Collects the differences of every step of one case, each line prefixed with its step,
 * so that a case's known differences read as a list.
 */
export class Comparison {
  readonly lines: string[] = [];

  add(step: string, diffs: readonly string[]): void {
    for (const d of diffs) this.lines.push(`${step}: ${d}`);
  }

  /** Sends a request to both sides, compares, and returns both answers for further steps. */
  async step(sides: Sides, step: string, req: KubeRequest, options: NormaliseOptions = {}): Promise<Pair> {
    const pair = await both(sides, req);
    this.add(step, compare(pair, options));
    return pair;
  }
}

/** The entry of a JSON list (`groups`, `resources`, `items`) whose `key` (or `metadata.name`) is `name`. */
export function entryNamed(body: Json | undefined, list: string, name: string, key = 'name'): Json | undefined {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const entries = body[list];
  if (!Array.isArray(entries)) return undefined;
  return entries.find((e) => {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return false;
    const meta = e.metadata;
    const value = key === 'metadata.name' && meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta.name : e[key];
    return value === name;
  });
}

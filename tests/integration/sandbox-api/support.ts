/**
 * Helpers for the sandbox API integration tests: each test file starts its own sandbox
 * on a temporary data dir (not the shared app of global-setup) and talks to it over
 * HTTP, with client-node, or with the real kubectl.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, type SandboxOptions, startSandbox } from '@/lib/sandbox';

export interface TestSandbox {
  sandbox: Sandbox;
  dataDir: string;
  /** Stops the sandbox and deletes its data dir. */
  cleanup(): Promise<void>;
}

export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'splitscope-sandbox-api-'));
  const sandbox = await startSandbox({ ...options, dataDir });
  return {
    sandbox,
    dataDir,
    cleanup: async () => {
      await sandbox.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface KubeResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
  text: string;
}

export interface KubeRequest {
  method?: string;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** `admin` (default), `viewer`, `none`, or a literal token. */
  as?: 'admin' | 'viewer' | 'none' | { token: string };
}

/** A raw request to the sandbox API over plain HTTP, with a bearer token. */
export async function kube(sandbox: Sandbox, path: string, request: KubeRequest = {}): Promise<KubeResponse> {
  const headers: Record<string, string> = {};
  const as = request.as ?? 'admin';
  if (as === 'admin') headers.authorization = `Bearer ${sandbox.tokens.admin}`;
  else if (as === 'viewer') headers.authorization = `Bearer ${sandbox.tokens.viewer}`;
  else if (as !== 'none') headers.authorization = `Bearer ${as.token}`;
  if (request.accept) headers.accept = request.accept;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] = request.contentType ?? 'application/json';
  }
  const response = await fetch(`${sandbox.httpUrl}${path}`, { method: request.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl against the sandbox's kubeconfig (own discovery cache per data dir). */
export function kubectl(t: TestSandbox, args: string[], options: { input?: string; context?: string } = {}): Promise<KubectlResult> {
  const all = ['--kubeconfig', t.sandbox.kubeconfigPath, '--cache-dir', join(t.dataDir, 'kubectl-cache'), ...(options.context ? ['--context', options.context] : []), ...args];
  return new Promise((resolve) => {
    const child = execFile('kubectl', all, { timeout: 60_000, env: { ...process.env, KUBECONFIG: '' } }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a nested field of a parsed body (`get(body, 'metadata', 'name')`). */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  return current;
}

/**
 * Starts Splitscope the way an operator does (`npm start`'s launcher) on a fresh data
 * dir with the embedded cluster, for the integration and e2e projects, and stops it
 * afterwards. Tests reach it only over HTTP (and kubectl, through the sandbox's
 * kubeconfig), exactly as users do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 600_000;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilReady(url: string, app: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`Splitscope exited with code ${app.exitCode} before it was ready`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Splitscope did not answer ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

export default async function setup(): Promise<() => Promise<void>> {
  // The integration and e2e projects share one running app: the first setup starts it.
  if (process.env.SPLITSCOPE_TEST_BASE_URL) return async () => {};
  const dataDir = mkdtempSync(join(tmpdir(), 'splitscope-test-'));
  const port = await freePort();
  const app = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--conditions=react-server', join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      SPLITSCOPE_CLUSTER: 'sandbox',
      SPLITSCOPE_DATA_DIR: dataDir,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${baseUrl}/api/cluster`, app);
  // Test workers inherit the environment of the process that ran this setup.
  process.env.SPLITSCOPE_TEST_BASE_URL = baseUrl;
  process.env.SPLITSCOPE_TEST_DATA_DIR = dataDir;
  process.env.SPLITSCOPE_TEST_KUBECONFIG = join(dataDir, 'sandbox', 'kubeconfig');

  return async () => {
    if (app.exitCode === null && app.pid !== undefined) {
      const exited = new Promise((r) => app.once('exit', r));
      process.kill(-app.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (app.exitCode === null) process.kill(-app.pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}

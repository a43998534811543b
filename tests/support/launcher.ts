/**
 * Starts Splitscope the way an operator does (`npm start`'s launcher, scripts/start.ts)
 * and stops it again. Used by the integration project's global setup (on the sandbox),
 * by the contract project's (on a real cluster), and by test files that need a second
 * instance with another identity.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
/** A first start builds the app (`next build`), which takes minutes on two shared cores. */
const READY_TIMEOUT_MS = 600_000;
const STOP_GRACE_MS = 10_000;

/** A running Splitscope: where it listens, and how to stop it. */
export interface RunningSplitscope {
  baseUrl: string;
  dataDir: string;
  /** The launcher's pid, which is also its process group id (it runs detached). */
  pid: number;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /**
   * Which cluster: `SPLITSCOPE_CLUSTER` and, for `kubeconfig`, `KUBECONFIG` and
   * `SPLITSCOPE_CONTEXT`. Everything Splitscope reads from the environment is set from
   * here; nothing of the caller's own (its KUBECONFIG, SPLITSCOPE_READ_ONLY) leaks in.
   */
  env: Record<string, string>;
  /** Prefix of the instance's log lines (`[splitscope restricted] ...`). */
  label: string;
  /**
   * File of `name pid` lines that tests/cluster/stop.sh reads: the launcher is recorded
   * there while it runs, so that an interrupted run still gets it stopped.
   */
  pidsFile?: string;
}

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
    if (app.exitCode !== null || app.signalCode !== null) throw new Error(`Splitscope exited (${app.exitCode ?? app.signalCode}) before it was ready`);
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

function launchEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('SPLITSCOPE_') || key === 'KUBECONFIG' || key === 'PORT' || key === 'HOSTNAME') delete env[key];
  }
  return Object.assign(env, extra);
}

function forgetPid(pidsFile: string, line: string): void {
  if (!existsSync(pidsFile)) return;
  const kept = readFileSync(pidsFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && l !== line);
  writeFileSync(pidsFile, kept.length > 0 ? `${kept.join('\n')}\n` : '');
}

/** Starts one Splitscope on a free loopback port with a fresh data directory. */
export async function startSplitscope(options: LaunchOptions): Promise<RunningSplitscope> {
  const dataDir = mkdtempSync(join(tmpdir(), 'splitscope-test-'));
  const port = await freePort();
  const app = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--conditions=react-server', join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT,
    // The caller's environment without anything that would choose Splitscope's cluster for it.
    env: launchEnv({ PORT: String(port), HOSTNAME: '127.0.0.1', SPLITSCOPE_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: '1', ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the launcher, tsx's child and next-server are stopped together.
    detached: true,
  });
  const pid = app.pid;
  if (pid === undefined) throw new Error(`[splitscope ${options.label}] could not be started`);
  for (const stream of [app.stdout, app.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') process.stderr.write(`[splitscope ${options.label}] ${line}\n`);
    });
  }
  const pidLine = `splitscope-${options.label.replace(/\s+/g, '-')} ${pid}`;
  if (options.pidsFile !== undefined) appendFileSync(options.pidsFile, `${pidLine}\n`);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (app.exitCode === null && app.signalCode === null) {
        const exited = new Promise((r) => app.once('exit', r));
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_GRACE_MS))]);
      }
      // Whatever of the group is still there (next-server outliving the launcher) goes now.
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is empty
      }
      if (options.pidsFile !== undefined) forgetPid(options.pidsFile, pidLine);
      rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${baseUrl}/api/cluster`, app);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, dataDir, pid, stop };
}

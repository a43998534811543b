/**
 * `npm start`: builds the app when the build is missing or older than the sources,
 * decides which cluster to use (starting the embedded one when no reachable cluster is
 * configured), then runs the Next.js server bound to 127.0.0.1 by default.
 *
 * Runs under tsx with the `react-server` condition so that lib/kube (marked
 * server-only) can be used here exactly as in the app.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { getConnection, kubernetesVersion, readSettings, resolveMode, type ClusterMode } from '../lib/kube';
import { startSandbox } from '../lib/sandbox';

const ROOT = resolve(__dirname, '..');
const SOURCE_DIRS = ['app', 'components', 'lib', 'public'];
const SOURCE_FILES = ['package-lock.json', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json'];
/** How long a configured cluster gets to answer before we fall back to the sandbox. */
const REACHABILITY_TIMEOUT_MS = 4_000;

function log(message: string): void {
  process.stdout.write(`splitscope: ${message}\n`);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** A build is stale when any source is newer than its BUILD_ID. */
function buildIsCurrent(): boolean {
  const buildId = join(ROOT, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(
    ...SOURCE_DIRS.map((d) => newestMtime(join(ROOT, d))),
    ...SOURCE_FILES.map((f) => newestMtime(join(ROOT, f))),
  );
  return sources <= built;
}

function build(): void {
  log('building the app (first start, or sources changed) ...');
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    log('the build failed; see the output above.');
    process.exit(result.status ?? 1);
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * HOSTNAME decides where the dashboard listens. It holds cluster credentials, so it
 * listens on loopback unless asked otherwise. Shells and container runtimes often
 * export HOSTNAME as the machine's name; that is not a request to listen on the
 * network, so only an address (or `localhost`) counts as one.
 */
export function listenHost(env: NodeJS.ProcessEnv): string {
  const asked = env.HOSTNAME?.trim();
  if (!asked) return '127.0.0.1';
  if (isIP(asked) !== 0 || asked === 'localhost') return asked;
  log(`ignoring HOSTNAME="${asked}" (a machine name, not an address); listening on 127.0.0.1. Set HOSTNAME=0.0.0.0 to listen on every interface.`);
  return '127.0.0.1';
}

async function reachable(): Promise<{ ok: true; version: string } | { ok: false; why: string }> {
  try {
    const version = await Promise.race([
      kubernetesVersion(getConnection()),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${REACHABILITY_TIMEOUT_MS / 1000} s`)), REACHABILITY_TIMEOUT_MS)),
    ]);
    return { ok: true, version };
  } catch (error) {
    return { ok: false, why: error instanceof Error ? error.message : String(error) };
  }
}

/** Which cluster to run against; `auto` falls back to the sandbox when the configured one does not answer. */
async function chooseCluster(): Promise<ClusterMode> {
  const settings = readSettings();
  const mode = resolveMode(settings);
  if (mode === 'sandbox' || settings.requested !== 'auto') return mode;
  const answer = await reachable();
  if (answer.ok) {
    const connection = getConnection();
    log(`using ${mode === 'in-cluster' ? 'the in-cluster service account' : `kubeconfig context "${connection.context}"`} at ${connection.server} (Kubernetes ${answer.version})`);
    return mode;
  }
  log(`the configured cluster did not answer (${answer.why}); starting the embedded cluster instead.`);
  return 'sandbox';
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (!buildIsCurrent()) build();

  const mode = await chooseCluster();
  const env: NodeJS.ProcessEnv = { ...process.env, SPLITSCOPE_CLUSTER: mode, SPLITSCOPE_DATA_DIR: settings.dataDir, NEXT_TELEMETRY_DISABLED: '1' };
  let stopSandbox: () => Promise<void> = async () => {};
  if (mode === 'sandbox') {
    const sandbox = await startSandbox({ dataDir: settings.dataDir, scenario: process.env.SPLITSCOPE_SCENARIO });
    stopSandbox = sandbox.stop;
    log(`embedded cluster (sandbox) at ${sandbox.url}; kubeconfig: ${sandbox.kubeconfigPath}`);
  }

  const host = listenHost(process.env);
  const port = process.env.PORT?.trim() || '3000';
  const server = spawn(process.execPath, [join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-H', host, '-p', port], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env,
  });
  log(`open http://${host.includes(':') ? `[${host}]` : host}:${port}`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server.kill('SIGTERM');
    await stopSandbox();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  server.on('exit', (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

/**
 * `npx tsx tests/bench/app-api.ts [scenario]`: starts Splitscope as `npm start` does, on a
 * fresh sandbox with a scenario (`large` by default: 20 namespaces × 50 Services, each
 * with a VirtualService), and prints the time to first answer, the latency of the API
 * and pages, and the memory of the processes. Figures, not assertions.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const scenario = process.argv[2] ?? 'large';

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function time(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, bytes: body.byteLength, status: response.status };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'splitscope-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const app = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '--conditions=react-server', join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), SPLITSCOPE_CLUSTER: 'sandbox', SPLITSCOPE_DATA_DIR: dataDir, SPLITSCOPE_SCENARIO: scenario },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      try {
        if ((await fetch(`${base}/api/cluster`)).ok) break;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`scenario ${scenario}: first answer after ${((performance.now() - started) / 1000).toFixed(1)} s (includes a build if the sources changed)`);
    const namespaces = ((await (await fetch(`${base}/api/namespaces`)).json()) as { namespaces: { name: string }[] }).namespaces.map((n) => n.name);
    const ns = namespaces.find((n) => n.startsWith('team-')) ?? 'default';
    const list = (await (await fetch(`${base}/api/virtualservices?namespace=${ns}`)).json()) as { virtualServices: { name: string }[] };
    const vs = list.virtualServices[0]?.name ?? 'hujin-virtual-svc';
    const paths = [
      '/api/namespaces',
      `/api/services?namespace=${ns}`,
      `/api/virtualservices?namespace=${ns}`,
      `/api/virtualservices/${ns}/${vs}`,
      `/?namespace=${ns}`,
      '/',
      `/designer/${ns}/${vs}`,
    ];
    console.log(`${namespaces.length} namespaces; measuring in ${ns}, VirtualService ${vs}`);
    for (const path of paths) {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 10; i += 1) {
        const result = await time(`${base}${path}`);
        if (result.status !== 200) throw new Error(`${path} answered ${result.status}`);
        samples.push(result.ms);
        bytes = result.bytes;
      }
      samples.sort((a, b) => a - b);
      console.log(`${path.padEnd(48)} p50 ${samples[4]?.toFixed(0)} ms  max ${samples[9]?.toFixed(0)} ms  ${(bytes / 1024).toFixed(0)} KiB`);
    }
    if (app.pid) {
      const tree = (pid: number): number[] => [pid, ...childPids(pid).flatMap(tree)];
      for (const pid of tree(app.pid)) {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(-3).join(' ');
        console.log(`memory: ${rssMiB(pid).toFixed(0).padStart(5)} MiB RSS  ${cmd.slice(0, 90)}`);
      }
    }
  } finally {
    if (app.pid) process.kill(-app.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

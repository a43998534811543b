/**
 * Benchmark: the mesh proxy's throughput and added latency on the seed scenario.
 * Requests come from a separate Node process (so the load generator does not share the
 * proxy's event loop), a fixed number in flight, for a few seconds per case:
 *
 * - direct:       straight to a backend pod's answer server (the baseline);
 * - sidecar:      through the mesh as `my-nginx-client` (VirtualService routing);
 * - no sidecar:   through the mesh as a pod without sidecar (kube-proxy balancing),
 *                 kept-alive connections, then a new connection per request (as curl in a loop).
 *
 * Added latency is the case's percentile minus the direct keep-alive one (for the
 * new-connection cases it includes opening a connection to the proxy per request; the
 * proxy itself keeps its connections to pods alive). Prints figures; asserts nothing.
 *
 *   npx tsx tests/bench/sandbox-mesh.ts
 *   BENCH_SECONDS=5 BENCH_CONCURRENCY=32 npx tsx tests/bench/sandbox-mesh.ts
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { AdmissionChain } from '@/lib/sandbox/admission';
import { createDefaulter } from '@/lib/sandbox/api/defaults';
import { PodLogs } from '@/lib/sandbox/logs';
import { startRuntime } from '@/lib/sandbox/runtime';
import { ObjectStore } from '@/lib/sandbox/store';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

/** The load generator, plain JS for a bare `node`: prints {count, errors, p50, p99, seconds}. */
const LOAD = `
const http = require('node:http');
const [host, port, path, auth, keepAlive, seconds, concurrency] = process.argv.slice(1);
const agent = keepAlive === '1' ? new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) }) : false;
const headers = auth ? { 'proxy-authorization': 'Basic ' + Buffer.from(auth).toString('base64') } : {};
if (keepAlive !== '1') headers.connection = 'close';
const latencies = [];
let errors = 0;
const end = Date.now() + Number(seconds) * 1000;
function one() {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const req = http.request({ host, port: Number(port), path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - t) / 1e6); else errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end();
  });
}
async function worker() { while (Date.now() < end) await one(); }
const started = Date.now();
Promise.all(Array.from({ length: Number(concurrency) }, worker)).then(() => {
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] || 0;
  console.log(JSON.stringify({ count: latencies.length, errors, p50: at(0.5), p99: at(0.99), seconds: (Date.now() - started) / 1000 }));
  if (agent) agent.destroy();
});
`;

const ResultSchema = z.object({ count: z.number(), errors: z.number(), p50: z.number(), p99: z.number(), seconds: z.number() });
type Result = z.infer<typeof ResultSchema>;

async function load(host: string, port: string, path: string, auth: string, keepAlive: boolean): Promise<Result> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', LOAD, host, port, path, auth, keepAlive ? '1' : '0', String(SECONDS), String(CONCURRENCY)]);
  return ResultSchema.parse(JSON.parse(stdout));
}

function credentials(proxyUrl: string): string {
  const url = new URL(proxyUrl);
  return url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : '';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'splitscope-bench-'));
  const store = new ObjectStore();
  store.useDefaulter(createDefaulter(store));
  const admission = new AdmissionChain();
  const runtime = await startRuntime({ store, admission, logs: new PodLogs(join(dir, 'logs')), dir, fresh: true });
  store.create(
    'pods',
    admission.admit({
      operation: 'CREATE',
      resource: 'pods',
      version: 'v1',
      namespace: 'default',
      dryRun: false,
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain', namespace: 'default', labels: { 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: 'c', image: 'httpd' }] } },
    }),
  );
  const running = (prefix: string) =>
    store.list('pods', 'default').find((p) => p.metadata?.name?.startsWith(prefix) && JSON.stringify(p.status).includes('"phase":"Running"'));
  while (!running('my-nginx-2') || !running('my-nginx-client') || !running('plain') || !JSON.stringify(store.get('endpoints', 'default', 'my-apache-vs')).includes('"addresses"')) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const backendIp = JSON.stringify(running('my-nginx-2')?.status).match(/"podIP":"([\d.]+)"/)?.[1] ?? '';
  const client = running('my-nginx-client')?.metadata?.name ?? '';
  const mesh = new URL(runtime.meshProxyUrl);
  const sidecar = credentials(runtime.proxyUrlFor('default', client) ?? '');
  const plain = credentials(runtime.proxyUrlFor('default', 'plain') ?? '');

  console.log(`mesh proxy, seed scenario: ${CONCURRENCY} requests in flight, ${SECONDS} s per case`);
  const cases: [string, () => Promise<Result>][] = [
    ['direct to pod (baseline), keep-alive', () => load(backendIp, '80', '/', '', true)],
    ['sidecar client (VirtualService), keep-alive', () => load(mesh.hostname, mesh.port, 'http://my-apache-vs/', sidecar, true)],
    ['no sidecar (kube-proxy), keep-alive', () => load(mesh.hostname, mesh.port, 'http://my-apache-vs/', plain, true)],
    ['sidecar client, new connection each', () => load(mesh.hostname, mesh.port, 'http://my-apache-vs/', sidecar, false)],
    ['no sidecar, new connection each', () => load(mesh.hostname, mesh.port, 'http://my-apache-vs/', plain, false)],
  ];
  let baseline: Result | undefined;
  for (const [label, run] of cases) {
    const result = await run();
    baseline ??= result;
    const rps = result.count / result.seconds;
    const added = baseline !== result ? `   added p50 ${(result.p50 - baseline.p50).toFixed(2)} ms, p99 ${(result.p99 - baseline.p99).toFixed(2)} ms` : '';
    console.log(
      `${label.padEnd(48)} ${Math.round(rps).toLocaleString('en-US').padStart(7)} req/s   p50 ${result.p50.toFixed(2).padStart(6)} ms   p99 ${result.p99.toFixed(2).padStart(6)} ms   errors ${result.errors}${added}`,
    );
  }
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
}

void main();

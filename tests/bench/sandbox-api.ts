/**
 * Figures for the sandbox API: start time (fresh data dir, which includes generating the
 * TLS material, and a restart), memory, and request latency with many VirtualServices.
 * Run: npx tsx tests/bench/sandbox-api.ts [virtualServiceCount]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../lib/sandbox';

const COUNT = Number(process.argv[2] ?? 1000);

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timed(times: number, run: (i: number) => Promise<void>): Promise<string> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  return `p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms`;
}

async function drain(response: Promise<Response>): Promise<void> {
  await (await response).text();
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'splitscope-bench-'));
  const rssBefore = process.memoryUsage().rss;
  let start = performance.now();
  let sandbox = await startSandbox({ dataDir });
  console.log(`fresh start (incl. TLS generation): ${(performance.now() - start).toFixed(0)} ms`);
  console.log(`rss after start: ${mib(process.memoryUsage().rss)} (process before: ${mib(rssBefore)})`);

  const headers = { authorization: `Bearer ${sandbox.tokens.admin}`, 'content-type': 'application/json' };
  const base = `${sandbox.httpUrl}/apis/networking.istio.io/v1/namespaces/default/virtualservices`;
  const body = (i: number) =>
    JSON.stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: `vs-${i}` },
      spec: { hosts: [`h${i}`], http: [{ route: [{ destination: { host: 'a' }, weight: 10 }, { destination: { host: 'b' }, weight: 90 }] }] },
    });
  console.log(`create ${COUNT} VirtualServices: ${await timed(COUNT, (i) => drain(fetch(base, { method: 'POST', headers, body: body(i) })))}`);
  console.log(`get one: ${await timed(200, (i) => drain(fetch(`${base}/vs-${i % COUNT}`, { headers })))}`);
  console.log(`list all ${COUNT}: ${await timed(20, () => drain(fetch(base, { headers })))}`);
  const patchHeaders = { ...headers, 'content-type': 'application/merge-patch+json' };
  console.log(
    `merge-patch a label: ${await timed(200, (i) =>
      drain(fetch(`${base}/vs-${i % COUNT}`, { method: 'PATCH', headers: patchHeaders, body: JSON.stringify({ metadata: { labels: { n: String(i) } } }) })),
    )}`,
  );
  console.log(`rss with ${COUNT} VirtualServices: ${mib(process.memoryUsage().rss)}, heap used ${mib(process.memoryUsage().heapUsed)}`);
  await sandbox.stop();

  start = performance.now();
  sandbox = await startSandbox({ dataDir });
  console.log(`restart with ${COUNT} VirtualServices on disk: ${(performance.now() - start).toFixed(0)} ms`);
  await sandbox.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

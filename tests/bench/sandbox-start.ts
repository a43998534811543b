/**
 * Benchmark: how long the sandbox runtime takes to start a scenario until every
 * Deployment is ready and every Service's endpoints are filled, and the memory it holds
 * then (rss and heap, over the process before start). Each scenario runs in a process of
 * its own so that figures do not mix. Prints figures; asserts nothing.
 *
 *   npx tsx tests/bench/sandbox-start.ts            # seed and large
 *   npx tsx tests/bench/sandbox-start.ts large      # one scenario
 *   BENCH_NO_DEFAULTER=1 npx tsx tests/bench/sandbox-start.ts large   # without the API's defaulter
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdmissionChain } from '@/lib/sandbox/admission';
import { createDefaulter } from '@/lib/sandbox/api/defaults';
import { PodLogs } from '@/lib/sandbox/logs';
import { startRuntime } from '@/lib/sandbox/runtime';
import { ObjectStore } from '@/lib/sandbox/store';

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function settled(store: ObjectStore): boolean {
  for (const d of store.list('deployments.apps')) {
    const spec = d.spec;
    const status = d.status;
    const want = typeof spec === 'object' && spec !== null && 'replicas' in spec ? spec.replicas : 1;
    const ready = typeof status === 'object' && status !== null && 'readyReplicas' in status ? status.readyReplicas : 0;
    if (want !== ready) return false;
  }
  return store.list('services').every((s) => store.get('endpoints', s.metadata?.namespace, s.metadata?.name ?? '') !== undefined);
}

async function measure(scenario: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'splitscope-bench-'));
  global.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const store = new ObjectStore();
  if (process.env.BENCH_NO_DEFAULTER !== '1') store.useDefaulter(createDefaulter(store));
  const runtime = await startRuntime({ store, admission: new AdmissionChain(), logs: new PodLogs(join(dir, 'logs')), dir, fresh: true, scenario });
  const loaded = performance.now();
  // Listing clones every object: look rarely, so that looking does not slow what is measured.
  while (!settled(store)) await new Promise((resolve) => setTimeout(resolve, 100));
  const ready = performance.now();
  global.gc?.();
  const after = process.memoryUsage();
  const pods = store.list('pods').length;
  const objects = store.snapshot().objects.length;
  console.log(
    `${scenario.padEnd(8)} ${String(pods).padStart(5)} pods ${String(objects).padStart(6)} objects   ` +
      `loaded ${(loaded - started).toFixed(0).padStart(6)} ms   all ready ${(ready - started).toFixed(0).padStart(6)} ms   ` +
      `rss +${mib(after.rss - before.rss)}   heap +${mib(after.heapUsed - before.heapUsed)}`,
  );
  const stopping = performance.now();
  await runtime.stop();
  console.log(`${' '.repeat(8)} stopped in ${(performance.now() - stopping).toFixed(0)} ms`);
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only) {
    await measure(only);
    return;
  }
  for (const scenario of ['seed', 'bookinfo-reviews', 'large']) {
    // A fresh process per scenario, with gc exposed for steadier memory figures.
    execFileSync(process.execPath, ['--expose-gc', ...process.execArgv, process.argv[1] ?? '', scenario], { stdio: 'inherit' });
  }
}

void main();

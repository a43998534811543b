/**
 * Benchmark: weight edits planned per second (planWeightEdit builds the JSON Patch and
 * applies it to a copy to get `result`), on the real corpus and on a large generated
 * VirtualService (50 http routes x 10 destinations). Prints figures; asserts nothing.
 *
 *   npx tsx tests/bench/split-edit.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkSplit } from '@/lib/split/check';
import { planWeightEdit, type WeightChange } from '@/lib/split/edit';
import { splitsOf } from '@/lib/split/model';
import { evenSplit, rebalance } from '@/lib/split/weights';
import type { K8sVirtualService } from '@/lib/wire';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

function measure(label: string, unit: string, run: () => number): void {
  run(); // warm up
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    count += run();
    elapsed = performance.now() - start;
  }
  const perSecond = (count / elapsed) * 1000;
  console.log(`${label.padEnd(58)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} ${unit}/s   (${(1000 / perSecond).toFixed(3)} ms each)`);
}

function corpusEdits(): { vs: K8sVirtualService; change: WeightChange }[] {
  const dir = join(process.cwd(), 'tests/fixtures/corpus/virtualservices');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const vs = parseAllDocuments(readFileSync(join(dir, f), 'utf8'))
        .map((d) => d.toJS() as K8sVirtualService)
        .find((d) => d?.kind === 'VirtualService');
      if (!vs) return [];
      return splitsOf(vs)
        .filter((s) => s.splittable)
        .map((s) => {
          const weights = s.destinations.length === 1 ? [100] : evenSplit(s.destinations.map((d) => d.weight), []);
          return { vs, change: { route: s.index, kind: s.kind, destinations: s.destinations.map((d, i) => ({ ...d, weight: weights[i] ?? 0 })) } };
        });
    });
}

function bigVirtualService(routes: number, destinations: number): K8sVirtualService {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'big', namespace: 'bench', uid: 'u', annotations: { 'example.com/note': 'x'.repeat(200) } },
    spec: {
      hosts: ['big'],
      http: Array.from({ length: routes }, (_, r) => ({
        name: `route-${r}`,
        match: [{ uri: { prefix: `/r${r}` } }, { headers: { 'x-route': { exact: String(r) } } }],
        retries: { attempts: 3, perTryTimeout: '2s' },
        route: Array.from({ length: destinations }, (_, d) => ({
          destination: { host: `svc-${d}.bench.svc.cluster.local`, subset: `v${d}`, port: { number: 8080 } },
          weight: 10,
          headers: { response: { set: { 'x-dest': `d${d}` } } },
        })),
      })),
    },
  };
}

const corpus = corpusEdits();
console.log(`split-edit bench: ${SECONDS}s per figure, node ${process.version}`);
measure(`planWeightEdit, corpus (${corpus.length} routes, one edit each)`, 'edits', () => {
  for (const { vs, change } of corpus) if (!planWeightEdit(vs, change).ok) throw new Error('refused');
  return corpus.length;
});

const big = bigVirtualService(50, 10);
console.log(`generated VirtualService: 50 routes x 10 destinations, ${JSON.stringify(big).length.toLocaleString('en-US')} bytes of JSON`);
const reweight = (route: number): WeightChange => ({
  route,
  destinations: Array.from({ length: 10 }, (_, d) => ({ host: `svc-${d}.bench.svc.cluster.local`, subset: `v${d}`, port: 8080, weight: d === 0 ? 19 : d === 1 ? 1 : 10 })),
});
let route = 0;
measure('planWeightEdit, 50x10 VirtualService (route cycles 0..49)', 'edits', () => {
  if (!planWeightEdit(big, reweight(route)).ok) throw new Error('refused');
  route = (route + 1) % 50;
  return 1;
});
measure('splitsOf, 50x10 VirtualService', 'reads', () => (splitsOf(big).length === 50 ? 1 : 0));
measure('checkSplit (no cluster facts), 50x10 VirtualService', 'checks', () => {
  checkSplit({ vs: big, route: 25, facts: { services: [], pods: [], destinationRules: [], virtualServices: [], namespaces: [] } });
  return 1;
});
const weights = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10];
const locked = weights.map((_, i) => i === 3);
let value = 0;
measure('rebalance, 10 sliders, one locked', 'moves', () => {
  rebalance(weights, locked, 0, value);
  value = (value + 7) % 101;
  return 1;
});

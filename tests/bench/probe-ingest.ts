/**
 * Parsing and aggregation speed, and memory after 1,000,000 responses.
 *
 *   npx tsx --expose-gc tests/bench/probe-ingest.ts        (SAMPLES=1000000 BATCH=500 by default)
 *
 * Lines are made the way the script prints them (three destinations 20/30/50, tagged, 1 % 503s,
 * one line in 10,000 malformed, 150 responses per second of probe time) and fed in batches,
 * as a log follower would.
 */
import { createAggregate, currentSegment, ingestLines } from '@/lib/probe/aggregate';
import { buildProbeView } from '@/lib/probe/view';
import { mulberry32 } from '../unit/probe/simulate';

const SAMPLES = Number(process.env.SAMPLES ?? 1_000_000);
const BATCH = Number(process.env.BATCH ?? 500);
const T0 = 1_700_000_000;
const NAMES = ['reviews-v1', 'reviews-v2', 'reviews-v3'];

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
}

const random = mulberry32(1);
function line(i: number): string {
  if (i % 10_000 === 9_999) return 'sh: garbage';
  const u = random();
  const t = T0 + Math.floor(i / 150);
  const ms = (1 + random() * 9).toFixed(3);
  if (u < 0.01) return `ssp/1 resp w=0 t=${t} i=${i} code=503 ms=${ms} exit=0 conn=0 len=19 digest=1a2b3c4d`;
  const d = u < 0.2 ? 0 : u < 0.5 ? 1 : 2;
  return `ssp/1 resp w=${i % 3} t=${t} i=${i} code=200 ms=${ms} exit=0 conn=0 len=1234 digest=0000000${d} tag=${NAMES[d]}`;
}

gc();
const heapBefore = process.memoryUsage().heapUsed;
let state = createAggregate(
  NAMES.map((name, i) => ({ name, host: 'reviews', subset: `v${i + 1}`, weight: [20, 30, 50][i] ?? 0 })),
);
state = ingestLines(state, [`ssp/1 start t=${T0} id=bench count=${SAMPLES} rate=150 workers=3 sidecar=1 proxy=200 learn=0`]);
let parseTime = 0;
const started = performance.now();
for (let i = 0; i < SAMPLES; i += BATCH) {
  const lines: string[] = [];
  const t = performance.now();
  for (let j = i; j < Math.min(SAMPLES, i + BATCH); j += 1) lines.push(line(j));
  parseTime -= performance.now() - t; // generating lines is not ours to count
  state = ingestLines(state, lines);
}
const elapsed = (performance.now() - started + parseTime) / 1000;
gc();
const heapAfter = process.memoryUsage().heapUsed;
const viewStarted = performance.now();
const view = buildProbeView({ id: 'bench', state: 'running', aggregate: state });
const viewMs = performance.now() - viewStarted;

console.log(`responses: ${state.totals.responses}, malformed: ${state.totals.malformed}, verdict: ${currentSegment(state).verdict}`);
console.log(`parsed and aggregated: ${(SAMPLES / elapsed).toFixed(0)} lines/s (${elapsed.toFixed(2)} s, batches of ${BATCH})`);
console.log(`heap held by the aggregate after ${SAMPLES} responses: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(2)} MiB${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for an exact figure)'}`);
console.log(`time bins: ${state.bins.length} of ${state.binMs / 1000} s; view JSON: ${(JSON.stringify(view).length / 1024).toFixed(1)} KiB, built in ${viewMs.toFixed(1)} ms`);

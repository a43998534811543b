/**
 * Chooses the confidence sequence's prior by simulation (statistics.md): for each candidate,
 * seeded runs of a 10/90 target at ±3 points, α = 0.05, verdict checked after every response.
 * Prints, per candidate: how often a split on target is ever called inconsistent, the median
 * and 90th percentile of responses to "consistent" (and the ratio to n* ≈ 384), the median and
 * 95th percentile to "inconsistent" for a true 20/80, how often a true 16/84 is ever called
 * consistent, and the median to "consistent" for 33/33/34.
 *
 *   npx tsx tests/bench/probe-prior.ts            (RUNS=1000 by default)
 */
import { DEFAULT_PRIOR_SETTINGS, mixturePrior, type PriorSettings } from '@/lib/probe/confidence';
import { mulberry32, quantile, simulateRun } from '../unit/probe/simulate';

const RUNS = Number(process.env.RUNS ?? 1000);
const N_STAR = (1.96 ** 2 * 0.1 * 0.9) / 0.03 ** 2;

const candidates: Record<string, PriorSettings> = {
  'diffuse only (c=100)': { diffuseWeight: 1, diffuseStrength: 1, concentratedStrength: 30 },
  'diffuse only (c=300)': { diffuseWeight: 1, diffuseStrength: 3, concentratedStrength: 30 },
  'concentrated only (c=3000)': { diffuseWeight: 0, diffuseStrength: 1, concentratedStrength: 30 },
  'mix 0.25 c=100 + 0.75 c=3000': { diffuseWeight: 0.25, diffuseStrength: 1, concentratedStrength: 30 },
  'default: mix 0.1 c=30 + 0.9 c=3000': DEFAULT_PRIOR_SETTINGS,
  'mix 0.1 c=30 + 0.9 c=10000': { diffuseWeight: 0.1, diffuseStrength: 0.3, concentratedStrength: 100 },
  'mix 0.2 c=30 + 0.8 c=3000': { diffuseWeight: 0.2, diffuseStrength: 0.3, concentratedStrength: 30 },
};

function runs(seed: number, targets: number[], truth: number[], horizon: number, settings: PriorSettings, stop: 'consistent' | 'inconsistent' | 'none') {
  const random = mulberry32(seed);
  return Array.from({ length: RUNS }, () =>
    simulateRun({
      targets,
      truth,
      horizon,
      random,
      stopAtConsistent: stop === 'consistent',
      stopAtInconsistent: stop === 'inconsistent',
      test: { priorFor: (t, tau) => mixturePrior(t, tau, settings) },
    }),
  );
}

const started = performance.now();
console.log(`runs per cell: ${RUNS}; n* = ${N_STAR.toFixed(0)}`);
for (const [name, settings] of Object.entries(candidates)) {
  const onTarget = runs(1, [0.1, 0.9], [0.1, 0.9], 20_000, settings, 'consistent');
  const everInconsistent = onTarget.filter((r) => r.firstInconsistent !== null && (r.firstConsistent === null || r.firstInconsistent < r.firstConsistent)).length / RUNS;
  const toConsistent = onTarget.map((r) => r.firstConsistent);
  const off10 = runs(2, [0.1, 0.9], [0.2, 0.8], 20_000, settings, 'inconsistent').map((r) => r.firstInconsistent);
  const off6 = runs(3, [0.1, 0.9], [0.16, 0.84], 5_000, settings, 'none');
  const three = runs(4, [0.33, 0.33, 0.34], [0.33, 0.33, 0.34], 20_000, settings, 'consistent').map((r) => r.firstConsistent);
  const median = quantile(toConsistent, 0.5);
  console.log(
    `${name.padEnd(36)} 10/90: ever-inconsistent ${(everInconsistent * 100).toFixed(1)} %, consistent median ${median} (${(median / N_STAR).toFixed(2)}× n*) p90 ${quantile(toConsistent, 0.9)}` +
      ` | true 20/80 inconsistent median ${quantile(off10, 0.5)} p95 ${quantile(off10, 0.95)}` +
      ` | true 16/84 ever-consistent ${((off6.filter((r) => r.firstConsistent !== null).length / RUNS) * 100).toFixed(1)} %` +
      ` | 33/33/34 consistent median ${quantile(three, 0.5)}`,
  );
}
console.log(`elapsed ${((performance.now() - started) / 1000).toFixed(1)} s`);

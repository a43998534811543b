/**
 * Seeded simulation of probes for the verdict's tests and benchmarks: draws responses from a
 * true split and runs the real sequential test, checking the verdict after every response.
 */
import { observeDraw, splitVerdict, startSplitTest, type SplitTestOptions } from '@/lib/probe/verdict';

/** mulberry32: a small, fast, seedable PRNG with uniform output in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index drawn with the given probabilities (which sum to 1). */
export function drawIndex(random: () => number, shares: readonly number[]): number {
  let u = random();
  for (const [i, share] of shares.entries()) {
    if (u < share) return i;
    u -= share;
  }
  return shares.length - 1;
}

export interface RunResult {
  /** Responses after which the verdict first said inconsistent, or null within the horizon. */
  firstInconsistent: number | null;
  firstConsistent: number | null;
}

export interface RunOptions {
  targets: readonly number[];
  truth: readonly number[];
  horizon: number;
  random: () => number;
  /** Stop at the first "consistent" (it is final, see verdict.ts). */
  stopAtConsistent?: boolean;
  /** Stop at the first "inconsistent" (when only detection time matters). */
  stopAtInconsistent?: boolean;
  test?: SplitTestOptions;
}

/** One simulated probe. */
export function simulateRun(options: RunOptions): RunResult {
  let test = startSplitTest(options.targets, options.test);
  let firstInconsistent: number | null = null;
  let firstConsistent: number | null = null;
  for (let n = 1; n <= options.horizon; n += 1) {
    test = observeDraw(test, drawIndex(options.random, options.truth));
    const verdict = splitVerdict(test);
    if (verdict === 'inconsistent' && firstInconsistent === null) {
      firstInconsistent = n;
      if (options.stopAtInconsistent) break;
    }
    if (verdict === 'consistent' && firstConsistent === null) {
      firstConsistent = n;
      if (options.stopAtConsistent) break;
    }
  }
  return { firstInconsistent, firstConsistent };
}

/** The q-quantile (nearest rank) of values, with null (never) sorted last as +∞. */
export function quantile(values: readonly (number | null)[], q: number): number {
  const sorted = values.map((v) => v ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

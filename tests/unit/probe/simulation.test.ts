/**
 * The verdict's error rates and detection time, by simulation (statistics.md): 1,000 seeded
 * runs per case, the verdict checked after every response with the same code the aggregator
 * uses. Each check is a handful of log-M evaluations at fixed points (confidence.ts
 * `observe`), not a bisection, which keeps the whole file to seconds.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, quantile, simulateRun } from './simulate';

const RUNS = 1000;

function ever(results: ReturnType<typeof simulateRun>[], key: 'firstInconsistent' | 'firstConsistent'): number {
  return results.filter((r) => r[key] !== null).length / results.length;
}

describe('verdict by simulation (1,000 runs each, α = 0.05, τ = 0.03)', () => {
  it.each([
    { name: '10/90', shares: [0.1, 0.9], horizon: 10_000 },
    { name: '33/33/34', shares: [0.33, 0.33, 0.34], horizon: 10_000 },
  ])('(a) a split on target $name is called inconsistent in fewer than 5 % of runs', ({ shares, horizon }) => {
    const random = mulberry32(20_240_101);
    // "Consistent" is final (verdict.ts), so a run can stop there without hiding a later alarm.
    const results = Array.from({ length: RUNS }, () => simulateRun({ targets: shares, truth: shares, horizon, random, stopAtConsistent: true }));
    const rate = ever(results, 'firstInconsistent');
    console.info(`(a) ${shares.join('/')}: ever inconsistent ${(rate * 100).toFixed(1)} %, median to consistent ${quantile(results.map((r) => r.firstConsistent), 0.5)}`);
    expect(rate).toBeLessThan(0.05);
  });

  it('(b) a split 6 points off a ±3-point tolerance is called consistent in fewer than 5 % of runs', () => {
    const random = mulberry32(7);
    const results = Array.from({ length: RUNS }, () => simulateRun({ targets: [0.1, 0.9], truth: [0.16, 0.84], horizon: 5000, random }));
    const rate = ever(results, 'firstConsistent');
    console.info(`(b) true 16/84 against 10/90: ever consistent ${(rate * 100).toFixed(1)} %`);
    expect(rate).toBeLessThan(0.05);
  });

  it('(b) also from above: 56/44 against 50/50', () => {
    const random = mulberry32(8);
    const results = Array.from({ length: RUNS }, () => simulateRun({ targets: [0.5, 0.5], truth: [0.56, 0.44], horizon: 5000, random }));
    expect(ever(results, 'firstConsistent')).toBeLessThan(0.05);
  });

  it('(c) a 10-point deviation is called inconsistent within 350 responses in 95 % of runs', () => {
    const random = mulberry32(99);
    const results = Array.from({ length: RUNS }, () =>
      simulateRun({ targets: [0.1, 0.9], truth: [0.2, 0.8], horizon: 20_000, random, stopAtInconsistent: true }),
    );
    const times = results.map((r) => r.firstInconsistent);
    console.info(`(c) true 20/80 against 10/90: inconsistent after median ${quantile(times, 0.5)}, p95 ${quantile(times, 0.95)} responses`);
    // Measured: median 143, 95th percentile 325 (tests/bench/probe-prior.ts).
    expect(quantile(times, 0.95)).toBeLessThanOrEqual(350);
    expect(ever(results, 'firstInconsistent')).toBe(1);
  });
});

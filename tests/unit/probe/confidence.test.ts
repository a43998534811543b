import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confidenceInterval,
  logLikelihood,
  logMarginal,
  logMartingale,
  mixturePrior,
  observe,
  refreshSequence,
  sequenceLogMartingale,
  startSequence,
  type SequenceState,
} from '@/lib/probe/confidence';
import { logBeta } from '@/lib/probe/lgamma';

const counts = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
const target = fc.integer({ min: 0, max: 100 }).map((t) => t / 100);

describe('mixturePrior', () => {
  it('centres both components on the target with proper parameters', () => {
    fc.assert(
      fc.property(target, fc.constantFrom(0.01, 0.03, 0.1), (t, tau) => {
        const prior = mixturePrior(t, tau);
        expect(prior.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(1, 12);
        for (const c of prior) {
          expect(c.a).toBeGreaterThan(0);
          expect(c.b).toBeGreaterThan(0);
          // Centred unless a parameter sits on its floor of 1/2 (targets near 0 or 1).
          if (c.a > 0.5 && c.b > 0.5) expect(c.a / (c.a + c.b)).toBeCloseTo(t, 9);
        }
      }),
    );
  });
});

describe('log M', () => {
  it('equals the closed form for a single Beta component', () => {
    const prior = [{ weight: 1, a: 3, b: 27 }];
    expect(logMartingale(prior, 12, 100, 0.1)).toBeCloseTo(logBeta(15, 115) - logBeta(3, 27) - 12 * Math.log(0.1) - 88 * Math.log(0.9), 10);
  });

  it('is at most 0 at the estimate s/n (so the estimate is always in the sequence)', () => {
    fc.assert(
      fc.property(counts, target, ([s, n], t) => {
        expect(logMartingale(mixturePrior(t, 0.03), s, n, s / n)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });
});

describe('confidenceInterval', () => {
  it('contains the estimate and has log M = log(1/α) at inner ends', () => {
    fc.assert(
      fc.property(counts, target, fc.constantFrom(0.05, 0.01), ([s, n], t, alpha) => {
        const prior = mixturePrior(t, 0.03);
        const { low, high } = confidenceInterval(prior, s, n, alpha);
        expect(low).toBeLessThanOrEqual(s / n);
        expect(high).toBeGreaterThanOrEqual(s / n);
        // log M is steep near 0 and 1, so compare where the ends are, not log M there.
        const threshold = Math.log(1 / alpha);
        if (low > 1e-6) {
          expect(logMartingale(prior, s, n, low * (1 - 1e-6))).toBeGreaterThanOrEqual(threshold - 1e-9);
          expect(logMartingale(prior, s, n, low * (1 + 1e-6) + 1e-15)).toBeLessThan(threshold + 1e-9);
        }
        if (high < 1 - 1e-6) {
          expect(logMartingale(prior, s, n, high + (1 - high) * 1e-6)).toBeGreaterThanOrEqual(threshold - 1e-9);
          expect(logMartingale(prior, s, n, high - (1 - high) * 1e-6 - 1e-15)).toBeLessThan(threshold + 1e-9);
        }
      }),
    );
  });

  it('is everything before any response', () => {
    expect(confidenceInterval(mixturePrior(0.5, 0.03), 0, 0, 0.05)).toEqual({ low: 0, high: 1 });
  });
});

function run(state: SequenceState, hits: boolean[]): SequenceState[] {
  const states = [state];
  for (const hit of hits) states.push(refreshSequence(observe(states[states.length - 1] as SequenceState, hit)));
  return states;
}

describe('sequence', () => {
  it('keeps the incremental marginal equal to the exact one', () => {
    fc.assert(
      fc.property(target, fc.array(fc.boolean(), { minLength: 1, maxLength: 400 }), (t, hits) => {
        const last = run(startSequence({ target: t, tolerance: 0.03, alpha: 0.05 }), hits).at(-1) as SequenceState;
        const exact = logMarginal(last.spec.prior, last.s, last.n);
        const weights = last.spec.prior.map((c) => c.weight);
        const incremental = Math.log(last.componentLogMarginals.reduce((sum, v, j) => sum + (weights[j] ?? 0) * Math.exp(v), 0));
        expect(incremental).toBeCloseTo(exact, 8);
        expect(sequenceLogMartingale(last, 0.5)).toBeCloseTo(exact - logLikelihood(last.s, last.n, 0.5), 8);
      }),
    );
  });

  it('nests its intervals under running intersection and keeps the estimate of each step inside it while valid', () => {
    fc.assert(
      fc.property(target, fc.array(fc.boolean(), { minLength: 1, maxLength: 300 }), (t, hits) => {
        const states = run(startSequence({ target: t, tolerance: 0.03, alpha: 0.05 }), hits);
        for (let i = 1; i < states.length; i += 1) {
          const before = (states[i - 1] as SequenceState).interval;
          const after = (states[i] as SequenceState).interval;
          expect(after.low).toBeGreaterThanOrEqual(before.low);
          expect(after.high).toBeLessThanOrEqual(before.high);
        }
      }),
    );
  });

  it('raises its flags exactly when the exact CS at that step excludes the point', () => {
    fc.assert(
      fc.property(fc.constantFrom(0.1, 0.5, 0.9), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 3000 }), (t, p, seed) => {
        let random = seed;
        const next = () => ((random = (random * 1103515245 + 12345) % 2147483648) / 2147483648);
        let state = startSequence({ target: t, tolerance: 0.03, alpha: 0.05 });
        let targetOut = false;
        let lowerOut = false;
        let upperOut = false;
        for (let n = 0; n < 400; n += 1) {
          state = observe(state, next() < p);
          const cs = confidenceInterval(state.spec.prior, state.s, state.n, 0.05);
          targetOut ||= t < cs.low || t > cs.high;
          lowerOut ||= cs.low > t - 0.03;
          upperOut ||= cs.high < t + 0.03;
          // Bisection ends are within 1e-12 of the truth; allow the flags to differ only at the edge.
          const near = (x: number) => Math.abs(x - cs.low) < 1e-9 || Math.abs(x - cs.high) < 1e-9;
          if (!near(t)) expect(state.targetExcluded).toBe(targetOut);
          if (!near(t - 0.03)) expect(state.lowerEdgeExcluded).toBe(lowerOut || t - 0.03 <= 0);
          if (!near(t + 0.03)) expect(state.upperEdgeExcluded).toBe(upperOut || t + 0.03 >= 1);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('does not modify the state it is given', () => {
    const state = startSequence({ target: 0.1, tolerance: 0.03, alpha: 0.05 });
    const before = JSON.stringify(state);
    observe(state, true);
    refreshSequence(observe(state, false));
    expect(JSON.stringify(state)).toBe(before);
  });
});

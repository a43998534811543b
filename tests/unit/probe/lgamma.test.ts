import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lgamma, logBeta } from '@/lib/probe/lgamma';

// Reference values from CPython's math.lgamma (correctly rounded to within an ulp or two).
const KNOWN: [number, number][] = [
  [1e-8, 18.42068073818021],
  [1e-5, 11.512919692895824],
  [0.001, 6.907178885383854],
  [0.1, 2.2527126517342055],
  [0.5, 0.5723649429247004],
  [1, 0],
  [1.5, -0.12078223763524543],
  [2, 0],
  [2.5, 0.2846828704729196],
  [3, 0.693147180559945],
  [7.3, 7.147892523022248],
  [9.999, 12.799575780077417],
  [10, 12.801827480081467],
  [10.5, 13.940625219403763],
  [33.3, 82.60372358165495],
  [100, 359.1342053695754],
  [1000, 5905.220423209181],
  [12345.678, 103959.91990554606],
  [1e6, 12815504.569147611],
  [1e9, 19723265827.503716],
];

describe('lgamma', () => {
  it.each(KNOWN)('matches the reference value at %d', (x, expected) => {
    expect(Math.abs(lgamma(x) - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
  });

  it('is NaN outside its domain', () => {
    expect(lgamma(0)).toBeNaN();
    expect(lgamma(-1.5)).toBeNaN();
    expect(lgamma(Number.NaN)).toBeNaN();
  });

  it('satisfies the recurrence log Γ(x + 1) = log Γ(x) + log x', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e7, noNaN: true }), (x) => {
        const lhs = lgamma(x + 1);
        expect(Math.abs(lhs - (lgamma(x) + Math.log(x)))).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(lhs)));
      }),
    );
  });
});

describe('logBeta', () => {
  it('is symmetric and matches B(1, n) = 1/n', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e5, noNaN: true }), fc.double({ min: 0.01, max: 1e5, noNaN: true }), (a, b) => {
        expect(logBeta(a, b)).toBeCloseTo(logBeta(b, a), 9);
      }),
    );
    for (const n of [1, 2, 7, 1000]) expect(logBeta(1, n)).toBeCloseTo(-Math.log(n), 10);
  });
});

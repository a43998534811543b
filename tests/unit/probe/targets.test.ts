import { describe, expect, it } from 'vitest';
import { targetShares } from '@/lib/probe/targets';

describe('targetShares', () => {
  it.each([
    { weights: [10, 90], shares: [0.1, 0.9] },
    { weights: [1, 1, 2], shares: [0.25, 0.25, 0.5] },
    { weights: [0], shares: [1] },
    { weights: [37], shares: [1] },
    { weights: [0, 100], shares: [0, 1] },
    { weights: [0, 0], shares: [0.5, 0.5] },
    { weights: [-5, 5], shares: [0, 1] },
  ])('$weights → $shares', ({ weights, shares }) => {
    const got = targetShares(weights);
    expect(got).toHaveLength(shares.length);
    got.forEach((s, i) => expect(s).toBeCloseTo(shares[i] ?? Number.NaN, 12));
  });
});

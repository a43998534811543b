import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  effectiveShares,
  evenSplit,
  normalizeTo100,
  rebalance,
  rejectsTotalOtherThan100,
  targetShares,
  WEIGHT_TOTAL,
} from '@/lib/split/weights';
import { partition } from './arbitraries';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('effectiveShares follows what pilot sends to Envoy', () => {
  it.each([
    { name: 'a lone destination gets everything, whatever its weight', in: [{ weight: 0 }], out: [1] },
    { name: 'a lone destination without weight gets everything', in: [{}], out: [1] },
    { name: 'a lone destination with weight 30 still gets everything', in: [{ weight: 30 }], out: [1] },
    { name: 'weights are shares of their sum', in: [{ weight: 80 }, { weight: 20 }], out: [0.8, 0.2] },
    { name: 'sums other than 100 are relative (2 and 3)', in: [{ weight: 2 }, { weight: 3 }], out: [0.4, 0.6] },
    { name: 'an unset weight beside others is 0 and gets nothing', in: [{}, { weight: 100 }], out: [0, 1] },
    { name: 'weight 0 is dropped', in: [{ weight: 100 }, { weight: 0 }], out: [1, 0] },
    { name: 'a total of 0 routes nothing anywhere', in: [{}, {}], out: [0, 0] },
    { name: 'negative or non-numeric weights count as 0', in: [{ weight: -5 }, { weight: 'x' }, { weight: 10 }], out: [0, 0, 1] },
    { name: 'no destinations, no shares', in: [], out: [] },
  ])('$name', ({ in: input, out }) => {
    expect(effectiveShares(input)).toEqual(out);
  });
});

describe('targetShares', () => {
  it('merges entries that name the same destination, in first-appearance order', () => {
    const t = targetShares([
      { host: 'a', weight: 50 },
      { host: 'b', subset: 'v1', weight: 25 },
      { host: 'a', weight: 25 },
    ]);
    expect(t).toEqual([
      { key: 'a', destination: { host: 'a' }, share: 0.75 },
      { key: 'b/v1', destination: { host: 'b', subset: 'v1' }, share: 0.25 },
    ]);
  });
  it('keeps host, subset and port apart', () => {
    const keys = targetShares([
      { host: 'a', port: 80, weight: 1 },
      { host: 'a', port: 81, weight: 1 },
      { host: 'a', subset: 'v1', port: 80, weight: 2 },
    ]).map((t) => t.key);
    expect(keys).toEqual(['a:80', 'a:81', 'a:80/v1']);
  });
});

describe('rejectsTotalOtherThan100 knows when relative weights came (1.15)', () => {
  it.each([
    ['1.11.4', true],
    ['1.14.6', true],
    ['v1.14', true],
    ['1.15.0', false],
    ['1.22.3-distroless', false],
    ['2.0.0', false],
    [undefined, undefined],
    ['nightly', undefined],
  ] as const)('%s -> %s', (version, expected) => {
    expect(rejectsTotalOtherThan100(version)).toBe(expected);
  });
});

describe('normalizeTo100', () => {
  it.each([
    { in: [], out: [] },
    { in: [0], out: [100] },
    { in: [2, 3], out: [40, 60] },
    { in: [1, 1, 1], out: [34, 33, 33] },
    { in: [0, 0], out: [50, 50] },
    { in: [100, 0], out: [100, 0] },
    { in: [999, 888], out: [53, 47] },
    { in: [33, 33, 34], out: [33, 33, 34] },
  ])('$in -> $out', ({ in: input, out }) => {
    expect(normalizeTo100(input)).toEqual(out);
  });

  it('gives integers summing to 100 within one point of the exact share, keeping zeros at zero', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 2, maxLength: 10 }), (weights) => {
        const out = normalizeTo100(weights);
        const total = sum(weights);
        expect(sum(out)).toBe(WEIGHT_TOTAL);
        out.forEach((w, i) => {
          expect(Number.isInteger(w)).toBe(true);
          if (total > 0) {
            expect(Math.abs(w - (100 * (weights[i] ?? 0)) / total)).toBeLessThan(1);
            if (weights[i] === 0) expect(w).toBe(0);
          }
        });
      }),
    );
  });
});

describe('rebalance (linked sliders)', () => {
  it('moves the others in proportion to their weights', () => {
    expect(rebalance([50, 30, 20], [false, false, false], 0, 70)).toEqual([70, 18, 12]);
  });
  it('leaves locked destinations alone and clamps to what the locks leave', () => {
    expect(rebalance([50, 30, 20], [false, true, false], 0, 90)).toEqual([70, 30, 0]);
  });
  it('gives the dragged destination exactly what is left when every other one is locked', () => {
    expect(rebalance([50, 30, 20], [false, true, true], 0, 10)).toEqual([50, 30, 20]);
  });
  it('shares evenly among others that are all at 0', () => {
    expect(rebalance([100, 0, 0], [false, false, false], 0, 40)).toEqual([40, 30, 30]);
  });
  it('turns a stored 2/3 split into a sum of 100', () => {
    expect(rebalance([2, 3], [false, false], 0, 40)).toEqual([40, 60]);
  });
  it('does nothing but normalise when the dragged slider is locked', () => {
    expect(rebalance([60, 40], [true, false], 0, 10)).toEqual([60, 40]);
  });
  it('normalises when the locks alone exceed 100', () => {
    expect(rebalance([80, 80, 40], [true, true, false], 2, 50)).toEqual(normalizeTo100([80, 80, 40]));
  });

  const state = fc.integer({ min: 1, max: 8 }).chain((n) =>
    fc.record({
      weights: partition(n),
      locked: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      index: fc.integer({ min: 0, max: n - 1 }),
      value: fc.integer({ min: -20, max: 130 }),
    }),
  );

  it('keeps integers in 0..100 summing to 100 and never moves a lock', () => {
    fc.assert(
      fc.property(state, ({ weights, locked, index, value }) => {
        const out = rebalance(weights, locked, index, value);
        expect(out).toHaveLength(weights.length);
        expect(sum(out)).toBe(WEIGHT_TOTAL);
        out.forEach((w, j) => {
          expect(Number.isInteger(w) && w >= 0 && w <= 100).toBe(true);
          if (locked[j] && j !== index) expect(w).toBe(weights[j]);
        });
        if (locked[index]) expect(out).toEqual(weights);
      }),
    );
  });

  it('sets the dragged destination to the value, clamped to the room the locks leave', () => {
    fc.assert(
      fc.property(state, ({ weights, locked, index, value }) => {
        fc.pre(!locked[index]);
        const room = 100 - sum(weights.filter((_, j) => j !== index && locked[j]));
        const othersFree = weights.some((_, j) => j !== index && !locked[j]);
        const out = rebalance(weights, locked, index, value);
        expect(out[index]).toBe(othersFree ? Math.min(room, Math.max(0, value)) : room);
      }),
    );
  });

  it('moves every free destination the opposite way to the drag (proportional, no overshoot)', () => {
    fc.assert(
      fc.property(state, ({ weights, locked, index, value }) => {
        const out = rebalance(weights, locked, index, value);
        const delta = (out[index] ?? 0) - (weights[index] ?? 0);
        out.forEach((w, j) => {
          if (j === index || locked[j]) return;
          if (delta > 0) expect(w).toBeLessThanOrEqual(weights[j] ?? 0);
          if (delta < 0) expect(w).toBeGreaterThanOrEqual(weights[j] ?? 0);
        });
      }),
    );
  });

  it('does not drift: dragging back to the start value restores the start weights', () => {
    fc.assert(
      fc.property(state, ({ weights, locked, index, value }) => {
        rebalance(weights, locked, index, value); // a drag in between changes nothing: the function is pure
        expect(rebalance(weights, locked, index, weights[index] ?? 0)).toEqual(weights);
      }),
    );
  });

  it('also turns arbitrary input (any sum, fractions) into integers summing to 100 that keep feasible locks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.record({
            weights: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: n, maxLength: n }),
            locked: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            index: fc.integer({ min: 0, max: n - 1 }),
            value: fc.integer({ min: 0, max: 100 }),
          }),
        ),
        ({ weights, locked, index, value }) => {
          const out = rebalance(weights, locked, index, value);
          expect(sum(out)).toBe(WEIGHT_TOTAL);
          const rounded = weights.map((w) => Math.round(w));
          const lockedSum = sum(rounded.filter((_, j) => locked[j]));
          const feasible = lockedSum <= 100 && (rounded.some((_, j) => !locked[j]) || lockedSum === 100);
          if (feasible) out.forEach((w, j) => locked[j] && j !== index && expect(w).toBe(rounded[j]));
        },
      ),
    );
  });
});

describe('evenSplit', () => {
  it('splits what the locks leave as evenly as integers allow', () => {
    expect(evenSplit([10, 20, 70], [false, false, false])).toEqual([34, 33, 33]);
    expect(evenSplit([10, 20, 70], [false, true, false])).toEqual([40, 20, 40]);
    expect(evenSplit([10, 20, 70], [true, true, true])).toEqual([10, 20, 70]);
  });

  it('keeps locks, sums to 100, and unlocked weights differ by at most 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.record({ weights: partition(n), locked: fc.array(fc.boolean(), { minLength: n, maxLength: n }) })),
        ({ weights, locked }) => {
          const out = evenSplit(weights, locked);
          const free = out.filter((_, j) => !locked[j]);
          out.forEach((w, j) => locked[j] && expect(w).toBe(weights[j]));
          if (free.length > 0) {
            expect(sum(out)).toBe(100);
            expect(Math.max(...free) - Math.min(...free)).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { designerReducer, destinationsOf, initialDesignerState, isChanged, rowsFor, type DesignerAction, type DesignerState } from '@/lib/client/designer-state';

const SEED = [
  { host: 'my-apache', port: 80, weight: 10 },
  { host: 'my-apache-2', port: 80, weight: 90 },
];

function total(state: DesignerState): number {
  return state.rows.reduce((sum, r) => sum + r.weight, 0);
}

describe('designer state', () => {
  it('drags one slider and moves the other so the total stays 100', () => {
    const state = designerReducer(initialDesignerState(SEED), { type: 'set-weight', index: 0, value: 30 });
    expect(state.rows.map((r) => r.weight)).toEqual([30, 70]);
    expect(isChanged(state)).toBe(true);
    expect(destinationsOf(state)).toEqual([
      { host: 'my-apache', port: 80, weight: 30 },
      { host: 'my-apache-2', port: 80, weight: 70 },
    ]);
  });

  it('keeps a locked destination where it is', () => {
    let state = initialDesignerState([...SEED, { host: 'canary', weight: 0 }]);
    state = designerReducer(state, { type: 'toggle-lock', index: 1 });
    state = designerReducer(state, { type: 'set-weight', index: 2, value: 5 });
    expect(state.rows.map((r) => r.weight)).toEqual([5, 90, 5]);
  });

  it('adds a destination at 0 so that nothing moves until the user says so, and refuses a duplicate', () => {
    let state = designerReducer(initialDesignerState(SEED), { type: 'add', destination: { host: 'canary', subset: 'v2' } });
    expect(state.rows.map((r) => r.weight)).toEqual([10, 90, 0]);
    state = designerReducer(state, { type: 'add', destination: { host: 'canary', subset: 'v2' } });
    expect(state.rows).toHaveLength(3);
  });

  it('gives a removed destination weight to the others, and never removes the last one', () => {
    let state = designerReducer(initialDesignerState(SEED), { type: 'remove', index: 0 });
    expect(state.rows.map((r) => [r.host, r.weight])).toEqual([['my-apache-2', 100]]);
    state = designerReducer(state, { type: 'remove', index: 0 });
    expect(state.rows).toHaveLength(1);
  });

  it('opens a stored relative split (2 and 3) as the same shares in whole percentages', () => {
    expect(rowsFor([{ host: 'a', weight: 2 }, { host: 'b', weight: 3 }]).map((r) => r.weight)).toEqual([40, 60]);
    expect(rowsFor([{ host: 'lone', weight: 0 }]).map((r) => r.weight)).toEqual([100]);
  });

  it('resets to what the cluster stores', () => {
    const moved = designerReducer(initialDesignerState(SEED), { type: 'even' });
    expect(moved.rows.map((r) => r.weight)).toEqual([50, 50]);
    const reset = designerReducer(moved, { type: 'reset', base: SEED });
    expect(isChanged(reset)).toBe(false);
  });

  it('keeps whole weights summing to 100 through any sequence of actions', () => {
    const action: fc.Arbitrary<DesignerAction> = fc.oneof(
      fc.record({ type: fc.constant('set-weight' as const), index: fc.nat(5), value: fc.integer({ min: -20, max: 140 }) }),
      fc.record({ type: fc.constant('toggle-lock' as const), index: fc.nat(5) }),
      fc.constant({ type: 'even' as const }),
      fc.record({ type: fc.constant('add' as const), destination: fc.record({ host: fc.constantFrom('a', 'b', 'c', 'd') }) }),
      fc.record({ type: fc.constant('remove' as const), index: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        let state = initialDesignerState(SEED);
        for (const a of actions) {
          const before = state;
          state = designerReducer(state, a);
          expect(state.rows.every((r) => Number.isInteger(r.weight) && r.weight >= 0 && r.weight <= 100)).toBe(true);
          expect(total(state)).toBe(100);
          // Locks hold unless the locks alone are over 100 (they cannot then).
          if (a.type === 'set-weight' || a.type === 'even') {
            const lockedBefore = before.rows.filter((r) => r.locked).reduce((s, r) => s + r.weight, 0);
            if (lockedBefore <= 100) {
              before.rows.forEach((r, i) => {
                if (r.locked && !(a.type === 'set-weight' && a.index === i)) expect(state.rows[i]?.weight).toBe(r.weight);
              });
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

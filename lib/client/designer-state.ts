/**
 * The designer's editing state as one pure reducer: rows of destinations with their
 * weights and locks. All weight maths is lib/split's (rebalance, even split); this only
 * decides which of it a user action means. Used by the designer component with
 * useReducer; tested without a browser.
 */
import { destinationKey, type DestinationRef, type WeightedDestination } from '@/lib/split/destination';
import { evenSplit, normalizeTo100, rebalance, WEIGHT_TOTAL } from '@/lib/split/weights';

export interface DesignerRow extends WeightedDestination {
  locked: boolean;
}

export interface DesignerState {
  rows: DesignerRow[];
  /** What the route holds in the cluster (the baseline for "changed" and reset). */
  base: WeightedDestination[];
}

export type DesignerAction =
  | { type: 'set-weight'; index: number; value: number }
  | { type: 'toggle-lock'; index: number }
  | { type: 'even' }
  | { type: 'add'; destination: DestinationRef }
  | { type: 'remove'; index: number }
  | { type: 'reset'; base: WeightedDestination[] }
  | { type: 'load'; rows: WeightedDestination[] };

function weightsOf(rows: readonly DesignerRow[]): number[] {
  return rows.map((r) => r.weight);
}

function withWeights(rows: readonly DesignerRow[], weights: readonly number[]): DesignerRow[] {
  return rows.map((r, i) => ({ ...r, weight: weights[i] ?? 0 }));
}

/**
 * Rows for a stored route. Splitscope writes integer weights summing to 100, so a stored
 * split that does not (Istio 1.15+ reads weights relatively: 2 and 3 mean 40/60) opens
 * as the same shares in whole percentages; the user sees the shares unchanged.
 */
export function rowsFor(destinations: readonly WeightedDestination[]): DesignerRow[] {
  const weights = destinations.map((d) => d.weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const integral = weights.every((w) => Number.isInteger(w) && w >= 0);
  const normalized = total === WEIGHT_TOTAL && integral ? weights : destinations.length === 1 ? [WEIGHT_TOTAL] : normalizeTo100(weights);
  return destinations.map((d, i) => ({ host: d.host, subset: d.subset, port: d.port, weight: normalized[i] ?? 0, locked: false }));
}

export function initialDesignerState(base: readonly WeightedDestination[]): DesignerState {
  return { rows: rowsFor(base), base: [...base] };
}

export function designerReducer(state: DesignerState, action: DesignerAction): DesignerState {
  switch (action.type) {
    case 'set-weight': {
      const value = Math.round(Number.isFinite(action.value) ? action.value : 0);
      return { ...state, rows: withWeights(state.rows, rebalance(weightsOf(state.rows), state.rows.map((r) => r.locked), action.index, value)) };
    }
    case 'toggle-lock':
      return { ...state, rows: state.rows.map((r, i) => (i === action.index ? { ...r, locked: !r.locked } : r)) };
    case 'even':
      return { ...state, rows: withWeights(state.rows, evenSplit(weightsOf(state.rows), state.rows.map((r) => r.locked))) };
    case 'add': {
      const key = destinationKey(action.destination);
      if (state.rows.some((r) => destinationKey(r) === key)) return state;
      // A new destination starts at 0: adding it must not move traffic until the user says so.
      return { ...state, rows: [...state.rows, { ...action.destination, weight: 0, locked: false }] };
    }
    case 'remove': {
      if (state.rows.length <= 1) return state;
      const rows = state.rows.filter((_, i) => i !== action.index);
      // The removed weight goes to the others in proportion, locks respected where possible.
      const unlockedIndex = rows.findIndex((r) => !r.locked);
      const weights = weightsOf(rows);
      const settled =
        unlockedIndex >= 0
          ? rebalance(weights, rows.map((r) => r.locked), unlockedIndex, (weights[unlockedIndex] ?? 0) + (WEIGHT_TOTAL - weights.reduce((a, b) => a + b, 0)))
          : normalizeTo100(weights);
      return { ...state, rows: withWeights(rows, settled) };
    }
    case 'reset':
      return initialDesignerState(action.base);
    case 'load':
      return { ...state, rows: rowsFor(action.rows) };
  }
}

/** Whether the rows differ from the stored route (order, membership or any weight). */
export function isChanged(state: DesignerState): boolean {
  const base = rowsFor(state.base);
  if (base.length !== state.rows.length) return true;
  return state.rows.some((r, i) => {
    const b = base[i];
    return !b || destinationKey(b) !== destinationKey(r) || b.weight !== r.weight;
  });
}

/** The request body's destinations. */
export function destinationsOf(state: DesignerState): WeightedDestination[] {
  return state.rows.map(({ host, subset, port, weight }) => ({ host, ...(subset ? { subset } : {}), ...(port ? { port } : {}), weight }));
}

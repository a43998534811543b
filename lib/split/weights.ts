/**
 * Weight rules: how Istio turns the `weight`s of a route into shares of traffic, and the
 * arithmetic behind Splitscope's linked sliders. Each traffic rule is one function here,
 * with the Istio source it follows.
 *
 * Product choice, stated once: Splitscope always *writes* integer weights in 0..100 that
 * sum to {@link WEIGHT_TOTAL}. Istio 1.15+ would accept any non-negative weights (it uses
 * weight / sum), but a sum of 100 reads as percentages to every operator and is also what
 * Istio 1.14 and older require, so one VirtualService works on both.
 */
import { destinationKey, refOf, type DestinationRef, type WeightedDestination } from './destination';

/** The sum Splitscope's written weights always have. */
export const WEIGHT_TOTAL = 100;

/** The first Istio minor release (1.x) that accepts weight sums other than 100. */
export const RELATIVE_WEIGHTS_SINCE_MINOR = 15;

/** A stored weight as Istio reads it: missing, negative or not a number counts as 0. */
function storedWeight(weight: unknown): number {
  return typeof weight === 'number' && Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/**
 * The share of requests each destination of one route receives, as fractions of 1, by
 * Istio's rules (the same in every version, for a configuration Istio accepted):
 * - a **lone destination** gets all traffic, whatever its weight (even 0 or unset);
 * - with several destinations, an **unset weight is 0** (proto3 default), a destination
 *   with weight 0 is **dropped**, and the others get `weight / sum of weights`;
 * - with several destinations and a total of 0 there is nothing to route to (Istio's
 *   validation rejects this; if it got in anyway every share is 0).
 *
 * Why: this is what pilot sends to Envoy (`applyHTTPRouteDestination`: one cluster when
 * `len(route) == 1`, otherwise weighted clusters skipping `weight == 0`), so it is what
 * the prober will observe.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 * @see https://github.com/istio/istio/blob/master/pilot/pkg/networking/core/route/route.go (applyHTTPRouteDestination)
 */
export function effectiveShares(destinations: readonly { weight?: unknown }[]): number[] {
  if (destinations.length === 1) return [1];
  const weights = destinations.map((d) => storedWeight(d.weight));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? w / total : 0));
}

/** One destination's target share for the verdict. */
export interface TargetShare {
  key: string;
  destination: DestinationRef;
  /** Fraction of 1. */
  share: number;
}

/**
 * The shares the verdict compares observations against: {@link effectiveShares}, with
 * entries that name the same destination (same {@link destinationKey}) merged, because
 * a response cannot tell which of two identical entries routed it. Order: first
 * appearance.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */
export function targetShares(destinations: readonly WeightedDestination[]): TargetShare[] {
  const shares = effectiveShares(destinations);
  const out = new Map<string, TargetShare>();
  destinations.forEach((d, i) => {
    const key = destinationKey(d);
    const share = shares[i] ?? 0;
    const seen = out.get(key);
    if (seen) seen.share += share;
    else out.set(key, { key, destination: refOf(d), share });
  });
  return [...out.values()];
}

/**
 * Whether an Istio control plane of `version` (e.g. `1.11.4`, `v1.22.0-distroless`)
 * rejects a multi-destination route whose weights do not sum to 100: true up to 1.14,
 * false from 1.15 (istio/istio#39544 loosened validation to "sum > 0"), undefined when
 * the version is unknown or unreadable.
 * @see https://github.com/istio/istio/pull/39544
 */
export function rejectsTotalOtherThan100(version: string | undefined): boolean | undefined {
  const m = version ? /^v?(\d+)\.(\d+)/.exec(version.trim()) : null;
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 1 || (major === 1 && minor < RELATIVE_WEIGHTS_SINCE_MINOR);
}

/** Integer in 0..WEIGHT_TOTAL (rounded, clamped; NaN counts as 0). */
function sanitize(weight: number): number {
  if (!Number.isFinite(weight)) return weight === Infinity ? WEIGHT_TOTAL : 0;
  return Math.min(WEIGHT_TOTAL, Math.max(0, Math.round(weight)));
}

/**
 * Splits the integer `total` over `basis` in proportion (largest remainder method), so the
 * parts are integers that sum to exactly `total`. A basis of all zeros splits evenly.
 * Ties go to the larger basis, then to the earlier position, so results are stable.
 */
function apportion(total: number, basis: readonly number[]): number[] {
  const n = basis.length;
  if (n === 0) return [];
  const sum = basis.reduce((a, b) => a + b, 0);
  const b = sum > 0 ? basis : basis.map(() => 1);
  const denominator = sum > 0 ? sum : n;
  const parts = b.map((w) => {
    const numerator = w * total;
    let q = Math.floor(numerator / denominator);
    if (q * denominator > numerator) q -= 1; // guard against the division rounding up
    return { q, r: numerator - q * denominator };
  });
  let left = total - parts.reduce((a, p) => a + p.q, 0);
  const order = parts
    .map((p, i) => ({ i, r: p.r, w: b[i] ?? 0 }))
    .sort((x, y) => y.r - x.r || y.w - x.w || x.i - y.i);
  const out = parts.map((p) => p.q);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1;
  }
  return out;
}

/**
 * Integer weights summing to {@link WEIGHT_TOTAL} with the same shares Istio gives the
 * input (largest remainder, so no share moves by a whole point more than rounding needs):
 * a lone destination becomes 100; several with a total of 0 split evenly (a starting
 * point for the sliders, since Istio would route nothing).
 */
export function normalizeTo100(weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  if (weights.length === 1) return [WEIGHT_TOTAL];
  // Round first so that fractional stored weights still give integer arithmetic below.
  return apportion(WEIGHT_TOTAL, weights.map((w) => (Number.isFinite(w) && w > 0 ? Math.round(w) : 0)));
}

/**
 * The linked-slider move: destination `index` is set to `value` and the other unlocked
 * destinations absorb the difference in proportion to their current weights (evenly if
 * they are all 0), so the total stays {@link WEIGHT_TOTAL}; locked destinations keep their
 * weight. Weights are integers. `value` is clamped to what the locks leave; with no other
 * unlocked destination, `index` takes exactly what is left.
 *
 * Call it with the weights as they were **when the drag started**, not the previous
 * frame's result: the output is then a pure function of the start state and the pointer,
 * so rounding never accumulates (drift), and dragging back to the start value gives the
 * start weights back.
 *
 * When the input does not sum to 100 (a stored 2/3 split), the same rule yields a sum of
 * 100. If the locked weights alone exceed 100 the locks cannot hold and the result is
 * {@link normalizeTo100} of the input. Dragging a locked destination changes nothing but
 * that normalisation.
 */
export function rebalance(weights: readonly number[], locked: readonly boolean[], index: number, value: number): number[] {
  const w = weights.map(sanitize);
  const n = w.length;
  if (n === 0) return [];
  if (index < 0 || index >= n || !Number.isInteger(index)) return settle(w, locked);
  if (locked[index]) return settle(w, locked);
  const lockedSum = w.reduce((a, x, j) => (j !== index && locked[j] ? a + x : a), 0);
  if (lockedSum > WEIGHT_TOTAL) return normalizeTo100(w);
  const free = w.map((_, j) => j).filter((j) => j !== index && !locked[j]);
  const room = WEIGHT_TOTAL - lockedSum;
  const v = free.length === 0 ? room : Math.min(room, sanitize(value));
  const parts = apportion(room - v, free.map((j) => w[j] ?? 0));
  const out = [...w];
  out[index] = v;
  free.forEach((j, k) => (out[j] = parts[k] ?? 0));
  return out;
}

/** Brings sanitized weights to a total of 100 by changing only unlocked ones (no drag). */
function settle(w: readonly number[], locked: readonly boolean[]): number[] {
  const lockedSum = w.reduce((a, x, j) => (locked[j] ? a + x : a), 0);
  const free = w.map((_, j) => j).filter((j) => !locked[j]);
  if (lockedSum > WEIGHT_TOTAL || (free.length === 0 && lockedSum !== WEIGHT_TOTAL)) return normalizeTo100(w);
  const parts = apportion(WEIGHT_TOTAL - lockedSum, free.map((j) => w[j] ?? 0));
  const out = [...w];
  free.forEach((j, k) => (out[j] = parts[k] ?? 0));
  return out;
}

/**
 * Even split: the unlocked destinations share what the locked ones leave, as evenly as
 * integers allow (the first ones in order get the extra points). Locked weights are kept.
 * With every destination locked the input is returned as integers; if the locks alone
 * exceed 100 the result is {@link normalizeTo100} of the input.
 */
export function evenSplit(weights: readonly number[], locked: readonly boolean[]): number[] {
  const w = weights.map(sanitize);
  const free = w.map((_, j) => j).filter((j) => !locked[j]);
  if (free.length === 0) return w;
  const lockedSum = w.reduce((a, x, j) => (locked[j] ? a + x : a), 0);
  if (lockedSum > WEIGHT_TOTAL) return normalizeTo100(w);
  const parts = apportion(WEIGHT_TOTAL - lockedSum, free.map(() => 1));
  const out = [...w];
  free.forEach((j, k) => (out[j] = parts[k] ?? 0));
  return out;
}

/**
 * Target shares of a route's destinations: the split the verdict checks against.
 */

/** A route destination as the lead passes it to a probe: `name` is the display and tag key. */
export interface ProbeDestination {
  name: string;
  host: string;
  subset?: string;
  port?: number;
  /** Istio weight (0–100 by convention; only the ratios matter here). */
  weight: number;
}

/**
 * Target share of each destination: weight over the sum of weights. A lone destination gets
 * 1 whatever its weight (Istio: "If there is only one destination in a rule, it will receive
 * all traffic"); weight-0 destinations get 0 when there are several. Several destinations
 * that all weigh 0 define no split; we then expect equal shares (our choice: the route is
 * invalid or empty either way, and equal shares keep the statistics defined).
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */
export function targetShares(weights: readonly number[]): number[] {
  if (weights.length === 1) return [1];
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = clean.reduce((sum, w) => sum + w, 0);
  if (total === 0) return clean.map(() => 1 / clean.length);
  return clean.map((w) => w / total);
}

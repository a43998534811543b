/**
 * Target shares of a route's destinations: the split the verdict checks against.
 */
import { effectiveShares } from '../split/weights';

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
 * Target share of each destination: Istio's effective shares (written once, in
 * lib/split's `effectiveShares`: a lone destination gets everything, weight-0 ones
 * nothing, the rest weight over the sum). Several destinations that all weigh 0 define
 * no split (Istio refuses such a route); the verdict then expects equal shares, our
 * choice to keep the statistics defined.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */
export function targetShares(weights: readonly number[]): number[] {
  const shares = effectiveShares(weights.map((weight) => ({ weight })));
  if (weights.length > 0 && shares.every((s) => s === 0)) return weights.map(() => 1 / weights.length);
  return shares;
}

/**
 * A destination of a split, identified the way Istio builds the cluster it sends to:
 * host, subset and port together (one host may appear with several subsets or ports).
 */

/** Which cluster a route entry sends to. `subset` and `port` are absent when not set. */
export interface DestinationRef {
  host: string;
  subset?: string;
  port?: number;
}

/** A destination with its stored (or requested) weight. */
export interface WeightedDestination extends DestinationRef {
  weight: number;
}

/**
 * A stable identity string for a destination: `host`, then `:port` and `/subset` when
 * set (for example `reviews.prod.svc.cluster.local:9080/v2`). Host names cannot contain
 * `:` or `/` and subset names are DNS labels, so distinct destinations never collide.
 * The host is compared as written; resolve short names first (hosts.ts) to compare what
 * Istio would.
 */
export function destinationKey(ref: DestinationRef): string {
  const port = ref.port !== undefined ? `:${ref.port}` : '';
  const subset = ref.subset ? `/${ref.subset}` : '';
  return `${ref.host}${port}${subset}`;
}

/** Just the {@link DestinationRef} of a destination (drops weight, share and anything else). */
export function refOf(d: DestinationRef): DestinationRef {
  const ref: DestinationRef = { host: d.host };
  if (d.subset) ref.subset = d.subset;
  if (d.port !== undefined) ref.port = d.port;
  return ref;
}

import type { DestinationRef } from '@/lib/split/destination';

/** How a destination reads in the UI: `host`, `host:port`, `host (subset)`. */
export function destinationLabel(d: DestinationRef): string {
  return `${d.host}${d.port ? `:${d.port}` : ''}${d.subset ? ` (${d.subset})` : ''}`;
}

export function percentText(share: number, digits = 1): string {
  const value = share * 100;
  return Number.isInteger(value) ? `${value}%` : `${value.toFixed(digits)}%`;
}

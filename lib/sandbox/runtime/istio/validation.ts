/**
 * istiod's validating webhook (`validation.istio.io`) for VirtualServices, reduced to the
 * checks that matter for traffic splits, with its messages:
 * - up to Istio 1.14 every weight must be in 0..100 ("percentage N is not in range
 *   0..100") and a route with more than one destination must total 100 ("total
 *   destination weight N != 100");
 * - from Istio 1.15 weights are relative (any sum) and only a negative weight is refused
 *   ("weight N < 0");
 * - always: a destination with a host per route entry, and a route, redirect, direct
 *   response or delegate per HTTP route.
 * Several errors read as Go's multierror prints them, after "configuration is invalid: ".
 *
 * @see https://github.com/istio/istio/pull/39544 (Istio 1.15: weights no longer need to sum to 100)
 * @see https://github.com/istio/istio/blob/release-1.14/pkg/config/validation/validation.go (validateHTTPRouteDestinations)
 */
import { isRecord } from '../util';
import { isAtMost } from './version';

/** The webhook's name, as a denial names it. */
export const VALIDATION_WEBHOOK = 'validation.istio.io';

function routeErrors(route: unknown[], strict: boolean): string[] {
  const errors: string[] = [];
  let total = 0;
  for (const entry of route) {
    if (!isRecord(entry) || !isRecord(entry.destination)) {
      errors.push('destination is required');
      continue;
    }
    if (typeof entry.destination.host !== 'string' || entry.destination.host === '') errors.push('destination.host is required');
    const weight = typeof entry.weight === 'number' ? entry.weight : 0;
    if (strict && (weight < 0 || weight > 100)) errors.push(`percentage ${weight} is not in range 0..100`);
    if (!strict && weight < 0) errors.push(`weight ${weight} < 0`);
    total += weight;
  }
  if (strict && route.length > 1 && total !== 100) errors.push(`total destination weight ${total} != 100`);
  return errors;
}

/** The errors istiod `version` finds in a VirtualService `spec` (empty when valid). */
export function virtualServiceErrors(spec: unknown, version: string): string[] {
  const strict = isAtMost(version, 1, 14);
  // No hosts is valid: it makes a delegate VirtualService.
  if (!isRecord(spec)) return [];
  const errors: string[] = [];
  for (const http of Array.isArray(spec.http) ? spec.http : []) {
    if (!isRecord(http)) continue;
    const route = Array.isArray(http.route) ? http.route : [];
    if (route.length === 0 && http.redirect === undefined && http.directResponse === undefined && http.delegate === undefined) {
      errors.push('HTTP route, redirect or delegate is required');
    }
    errors.push(...routeErrors(route, strict));
  }
  for (const l4 of [...(Array.isArray(spec.tcp) ? spec.tcp : []), ...(Array.isArray(spec.tls) ? spec.tls : [])]) {
    if (isRecord(l4) && Array.isArray(l4.route)) errors.push(...routeErrors(l4.route, strict));
  }
  return errors;
}

/** The message istiod's webhook answers with, without the API server's prefix. */
export function denialMessage(errors: string[]): string {
  if (errors.length === 1) return `configuration is invalid: ${errors[0]}`;
  return `configuration is invalid: ${errors.length} errors occurred:\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

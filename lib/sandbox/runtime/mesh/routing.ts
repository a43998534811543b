/**
 * How a sidecar routes one HTTP request, as pure functions: which VirtualService applies,
 * which of its HTTP routes matches, which destination a weighted draw picks, and how
 * header operations and rewrites change the request and response.
 *
 * Each rule follows Istio's translation to Envoy (route match → Envoy route match,
 * weights → weighted_clusters), cited at the function.
 */
import type {
  DestinationRule,
  HTTPMatchRequest,
  HTTPRoute,
  HeaderOperations,
  StringMatch,
  VirtualService,
} from '../istio-shapes';
import { hostCovers, ruleHostFqdn, visibleFrom } from './dns';

/** What routing looks at in a request. Header names are lower case. */
export interface RequestFacts {
  method: string;
  /** Path and query, as sent. */
  path: string;
  scheme: string;
  /** The Host header. */
  authority: string;
  /** The port the client connected to (the Service port). */
  port: number;
  headers: Record<string, string>;
  sourceNamespace?: string;
  sourceLabels?: Record<string, string>;
}

function compile(regex: string, flags = ''): RegExp | undefined {
  try {
    // Envoy's safe_regex must match the whole value (RE2 full match).
    return new RegExp(`^(?:${regex})$`, flags);
  } catch {
    return undefined;
  }
}

/**
 * Istio's StringMatch on `value`: exact, prefix or regex (full match); an empty match
 * only requires presence. `ignoreCase` is for uri matches with ignoreUriCase.
 */
export function stringMatches(match: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (match.exact !== undefined) return v === (ignoreCase ? match.exact.toLowerCase() : match.exact);
  if (match.prefix !== undefined) return v.startsWith(ignoreCase ? match.prefix.toLowerCase() : match.prefix);
  if (match.regex !== undefined) return compile(match.regex, ignoreCase ? 'i' : '')?.test(value) ?? false;
  return true;
}

function splitPath(path: string): { pathname: string; query: URLSearchParams } {
  const q = path.indexOf('?');
  return q < 0 ? { pathname: path, query: new URLSearchParams() } : { pathname: path.slice(0, q), query: new URLSearchParams(path.slice(q + 1)) };
}

/**
 * One HTTPMatchRequest against a request: every condition given must hold.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export function requestMatches(match: HTTPMatchRequest, request: RequestFacts): boolean {
  const { pathname, query } = splitPath(request.path);
  if (match.uri && !stringMatches(match.uri, pathname, match.ignoreUriCase === true)) return false;
  if (match.scheme && !stringMatches(match.scheme, request.scheme)) return false;
  if (match.method && !stringMatches(match.method, request.method)) return false;
  if (match.authority && !stringMatches(match.authority, request.authority)) return false;
  if (match.port !== undefined && match.port !== request.port) return false;
  if (match.gateways && match.gateways.length > 0 && !match.gateways.includes('mesh')) return false;
  for (const [name, headerMatch] of Object.entries(match.headers ?? {})) {
    if (!stringMatches(headerMatch, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, headerMatch] of Object.entries(match.withoutHeaders ?? {})) {
    if (stringMatches(headerMatch, request.headers[name.toLowerCase()])) return false;
  }
  for (const [name, paramMatch] of Object.entries(match.queryParams ?? {})) {
    const value = query.get(name) ?? undefined;
    if (!stringMatches(paramMatch, value)) return false;
  }
  if (match.sourceNamespace !== undefined && match.sourceNamespace !== request.sourceNamespace) return false;
  for (const [key, value] of Object.entries(match.sourceLabels ?? {})) {
    if (request.sourceLabels?.[key] !== value) return false;
  }
  return true;
}

/**
 * The first HTTP route whose match list matches (no list, or an empty one, matches all),
 * with the match that did: routes are tried in order, as Envoy tries its routes.
 */
export function firstMatchingRoute(
  routes: HTTPRoute[],
  request: RequestFacts,
): { route: HTTPRoute; index: number; match?: HTTPMatchRequest } | undefined {
  for (const [index, route] of routes.entries()) {
    if (!route.match || route.match.length === 0) return { route, index };
    const match = route.match.find((m) => requestMatches(m, request));
    if (match) return { route, index, match };
  }
  return undefined;
}

/**
 * A fresh weighted draw among a route's destinations, as Envoy's weighted_clusters:
 * a destination gets weight/sum of the traffic; a lone destination gets all of it
 * whatever its weight; weight 0 (or none) among several gets nothing. Undefined when
 * several destinations all weigh 0 (istiod would emit no usable cluster).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 * @see https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-weightedcluster
 */
export function chooseWeighted<T extends { weight?: number }>(destinations: T[], random: () => number): T | undefined {
  if (destinations.length === 1) return destinations[0];
  const weighted = destinations.filter((d) => (d.weight ?? 0) > 0);
  const total = weighted.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  if (total <= 0) return undefined;
  let draw = random() * total;
  for (const d of weighted) {
    draw -= d.weight ?? 0;
    if (draw < 0) return d;
  }
  return weighted[weighted.length - 1];
}

/**
 * The VirtualService a sidecar in `client` namespace applies to `fqdn`: bound to the
 * mesh (no gateways, or `mesh` among them), visible through exportTo, with a host
 * covering the name (short hosts resolved in the VirtualService's namespace). Several
 * for one host do not merge for sidecars; the oldest wins.
 *
 * @see https://istio.io/latest/docs/reference/config/analysis/ist0109/
 * @see https://github.com/istio/istio/issues/10464 (matched by creation timestamp)
 */
export function selectVirtualService(
  virtualServices: VirtualService[],
  fqdn: string,
  client: string | undefined,
): VirtualService | undefined {
  const candidates = virtualServices.filter((vs) => {
    const namespace = vs.metadata.namespace ?? 'default';
    const gateways = vs.spec.gateways ?? [];
    if (gateways.length > 0 && !gateways.includes('mesh')) return false;
    if (!visibleFrom(vs.spec.exportTo, namespace, client)) return false;
    return (vs.spec.hosts ?? []).some((host) => hostCovers(ruleHostFqdn(host, namespace), fqdn));
  });
  return candidates.sort(byAge)[0];
}

function byAge(a: { metadata: { creationTimestamp?: string; namespace?: string; name: string } }, b: typeof a): number {
  const time = (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '');
  if (time !== 0) return time;
  return `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
}

/**
 * The DestinationRule for `fqdn` that a client in `client` namespace uses: Istio looks in
 * the client's namespace, then the Service's, then the root namespace (istio-system).
 *
 * @see https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
 */
export function selectDestinationRule(
  rules: DestinationRule[],
  fqdn: string,
  serviceNamespace: string,
  client: string | undefined,
): DestinationRule | undefined {
  const order = [client, serviceNamespace, 'istio-system'];
  const candidates = rules.filter((dr) => {
    const namespace = dr.metadata.namespace ?? 'default';
    return visibleFrom(dr.spec.exportTo, namespace, client) && hostCovers(ruleHostFqdn(dr.spec.host, namespace), fqdn);
  });
  for (const namespace of order) {
    const found = candidates.filter((dr) => dr.metadata.namespace === namespace).sort(byAge)[0];
    if (found) return found;
  }
  return undefined;
}

/** Applies Istio header operations (set overwrites, add appends, remove deletes) to `headers`. */
export function applyHeaderOperations(headers: Record<string, string | string[]>, ops: HeaderOperations | undefined): void {
  if (!ops) return;
  for (const [name, value] of Object.entries(ops.set ?? {})) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(ops.add ?? {})) {
    const key = name.toLowerCase();
    const existing = headers[key];
    headers[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  for (const name of ops.remove ?? []) delete headers[name.toLowerCase()];
}

/**
 * The path after `rewrite.uri`: Istio emits Envoy's prefix_rewrite, which replaces the
 * part the route matched: the uri prefix, the whole path for an exact or regex match,
 * and just the leading `/` when the route had no uri match at all.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRewrite
 */
export function rewritePath(path: string, match: HTTPMatchRequest | undefined, uri: string): string {
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? '' : path.slice(q);
  const prefix = match?.uri?.prefix;
  if (prefix !== undefined) return `${uri}${pathname.slice(prefix.length)}${query}`;
  if (match?.uri?.exact !== undefined || match?.uri?.regex !== undefined) return `${uri}${query}`;
  return `${uri}${pathname.slice(1)}${query}`;
}

/** Whether a fault with this percentage fires (no percentage: always), as a fresh draw. */
export function faultFires(percentage: { value?: number } | undefined, legacyPercent: number | undefined, random: () => number): boolean {
  const value = percentage?.value ?? legacyPercent ?? 100;
  return random() * 100 < value;
}

/** Milliseconds of a protobuf duration string (`1s`, `500ms`, `1.5s`, `2m`), or undefined. */
export function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) return undefined;
  const factors: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const factor = factors[match[2] ?? ''];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

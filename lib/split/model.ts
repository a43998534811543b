/**
 * The split model: what a VirtualService's routes say about who gets which share of the
 * traffic, read without trusting the object's shape (hand-written objects can be
 * anything). `inspectRoute` is the one reader; the planners and checks build on it.
 */
import type { K8sVirtualService } from '../wire';
import { destinationKey, type WeightedDestination } from './destination';
import { finding, type Finding } from './findings';
import { isRecord, pointer } from './json';
import { summarizeMatch } from './match-summary';
import { effectiveShares } from './weights';

export { destinationKey, refOf, type DestinationRef, type WeightedDestination } from './destination';

/** The three route lists of a VirtualService that carry weighted destinations. */
export const ROUTE_KINDS = ['http', 'tcp', 'tls'] as const;
/** `http`, `tcp` or `tls`: which `spec.<kind>` list a route is in. */
export type RouteKind = (typeof ROUTE_KINDS)[number];

/** Why a route cannot be split by Splitscope. */
export type NotSplittableReason = 'redirect' | 'directResponse' | 'delegate' | 'malformed' | 'duplicate';

/** A destination as the split shows it. */
export interface SplitDestination extends WeightedDestination {
  /** The fraction of the route's traffic Istio sends here (see `effectiveShares`). */
  share: number;
  /** Whether `weight` is written in the object (unset reads as 0). */
  weightSet: boolean;
}

/** One route of a VirtualService, as a split. */
export interface RouteSplit {
  kind: RouteKind;
  /** Index in `spec.<kind>`. */
  index: number;
  name?: string;
  destinations: SplitDestination[];
  /** Sum of the stored weights (unset counts 0). */
  totalWeight: number;
  splittable: boolean;
  reason?: NotSplittableReason;
  matchSummary?: string;
  /** JSON pointer to the route, e.g. `/spec/http/0`. */
  path: string;
  /** Why the route is not splittable, said so that an operator can fix it. */
  findings: Finding[];
}

/** What {@link inspectRoute} learned about one route. */
export interface RouteInspection {
  kind: RouteKind;
  index: number;
  /** JSON pointer to the route object. */
  path: string;
  /** The route object, when `spec.<kind>[index]` is an object. */
  route?: Record<string, unknown>;
  /** Destinations that could be read, with the index of their entry in `route`. */
  destinations: (SplitDestination & { entry: number })[];
  splittable: boolean;
  reason?: NotSplittableReason;
  findings: Finding[];
}

const NON_ROUTE_ACTIONS = ['redirect', 'directResponse', 'delegate'] as const;
/** HTTPRouteDestination fields that, found inside `destination`, show a misplaced key. */
const MISPLACED_IN_DESTINATION = ['weight', 'headers'];

/** The route list `spec.<kind>` when it is an array. */
export function routeList(vs: K8sVirtualService, kind: RouteKind): unknown[] | undefined {
  const spec: unknown = vs.spec;
  if (!isRecord(spec)) return undefined;
  const list = spec[kind];
  return Array.isArray(list) ? list : undefined;
}

/** Reads one destination entry; returns the problem in words when it is malformed. */
function readEntry(entry: unknown, at: string): { ref: WeightedDestination; weightSet: boolean } | { problem: string; path: string } {
  if (!isRecord(entry)) return { problem: 'is not an object', path: at };
  const destination = entry.destination;
  if (!isRecord(destination)) return { problem: 'has no `destination` object', path: at };
  const misplaced = MISPLACED_IN_DESTINATION.find((k) => k in destination);
  if (misplaced) {
    return {
      problem: `has \`${misplaced}\` nested inside \`destination\`, where Istio's schema has no such field; it belongs one level up, next to \`destination\``,
      path: `${at}/destination/${misplaced}`,
    };
  }
  const { host, subset, port } = destination;
  if (typeof host !== 'string' || host === '') return { problem: 'has no `destination.host`', path: `${at}/destination` };
  if (subset !== undefined && typeof subset !== 'string') return { problem: 'has a `destination.subset` that is not a string', path: `${at}/destination/subset` };
  let portNumber: number | undefined;
  if (port !== undefined) {
    if (!isRecord(port)) return { problem: 'has a `destination.port` that is not an object `{number: ...}`', path: `${at}/destination/port` };
    if (port.number !== undefined) {
      if (typeof port.number !== 'number' || !Number.isInteger(port.number)) {
        return { problem: 'has a `destination.port.number` that is not an integer', path: `${at}/destination/port/number` };
      }
      portNumber = port.number;
    }
  }
  const weight = entry.weight;
  if (weight !== undefined && (typeof weight !== 'number' || !Number.isFinite(weight))) {
    return { problem: 'has a `weight` that is not a number', path: `${at}/weight` };
  }
  const ref: WeightedDestination = { host, weight: weight ?? 0 };
  if (subset) ref.subset = subset;
  if (portNumber !== undefined) ref.port = portNumber;
  return { ref, weightSet: weight !== undefined };
}

/** The {@link destinationKey} of a raw route entry, or undefined when it cannot be read. */
export function entryKey(entry: unknown): string | undefined {
  const r = readEntry(entry, '');
  return 'ref' in r ? destinationKey(r.ref) : undefined;
}

function malformed(kind: RouteKind, index: number, path: string, problem: string, at: string): Finding {
  return finding(
    'route-malformed',
    `${kind} route ${index} ${problem}. Splitscope will not edit this route, so as not to guess what was meant; fix it by hand (kubectl edit), then edit the weights here.`,
    at,
  );
}

/**
 * Reads route `index` of `spec.<kind>`: its destinations, shares, and whether
 * Splitscope can split it. Never throws, whatever the object holds.
 */
export function inspectRoute(vs: K8sVirtualService, kind: RouteKind, index: number): RouteInspection {
  const path = pointer('spec', kind, index);
  const base = { kind, index, path, destinations: [] as RouteInspection['destinations'] };
  const list = routeList(vs, kind);
  const route: unknown = list?.[index];
  if (!list || !Number.isInteger(index) || index < 0 || index >= list.length) {
    const count = list?.length ?? 0;
    return {
      ...base,
      splittable: false,
      findings: [
        finding(
          'route-out-of-range',
          `There is no ${kind} route ${index}: this VirtualService has ${count} ${kind} route${count === 1 ? '' : 's'}${count > 0 ? ` (0..${count - 1})` : ''}. Reload it; it may have changed since you opened it.`,
          pointer('spec', kind),
        ),
      ],
    };
  }
  if (!isRecord(route)) {
    return { ...base, splittable: false, reason: 'malformed', findings: [malformed(kind, index, path, 'is not an object', path)] };
  }
  const entries = route.route;
  const action = kind === 'http' ? NON_ROUTE_ACTIONS.find((a) => route[a] !== undefined && route[a] !== null) : undefined;
  const hasEntries = Array.isArray(entries) && entries.length > 0;
  if (action && hasEntries) {
    return { ...base, route, splittable: false, reason: 'malformed', findings: [malformed(kind, index, path, `has both \`route\` and \`${action}\`, which Istio rejects`, path)] };
  }
  if (action) {
    return {
      ...base,
      route,
      splittable: false,
      reason: action,
      findings: [
        finding(
          'route-not-splittable',
          action === 'delegate'
            ? `http route ${index} delegates to another VirtualService; split the traffic in that VirtualService's routes instead.`
            : `http route ${index} answers with a ${action} and has no \`route:\` destinations to split. Pick another route, or replace the ${action} with destinations by hand.`,
          `${path}/${action}`,
        ),
      ],
    };
  }
  if (!Array.isArray(entries)) {
    const problem = entries === undefined ? 'has no `route` destinations' : 'has a `route` that is not a list';
    return { ...base, route, splittable: false, reason: 'malformed', findings: [malformed(kind, index, path, problem, `${path}/route`)] };
  }
  if (entries.length === 0) {
    return { ...base, route, splittable: false, reason: 'malformed', findings: [malformed(kind, index, path, 'has an empty `route` list', `${path}/route`)] };
  }

  const findings: Finding[] = [];
  const shares = effectiveShares(entries.map((e) => (isRecord(e) ? { weight: e.weight } : {})));
  const destinations: RouteInspection['destinations'] = [];
  entries.forEach((entry, j) => {
    const r = readEntry(entry, `${path}/route/${j}`);
    if ('problem' in r) {
      findings.push(malformed(kind, index, path, `destination ${j} ${r.problem}`, r.path));
      return;
    }
    // Built field by field: object spread here dominated splitsOf's time on large objects.
    const d: RouteInspection['destinations'][number] = { host: r.ref.host, weight: r.ref.weight, share: shares[j] ?? 0, weightSet: r.weightSet, entry: j };
    if (r.ref.subset !== undefined) d.subset = r.ref.subset;
    if (r.ref.port !== undefined) d.port = r.ref.port;
    destinations.push(d);
  });
  if (findings.length > 0) return { ...base, route, destinations, splittable: false, reason: 'malformed', findings };

  const seen = new Map<string, number>();
  for (const d of destinations) {
    const key = destinationKey(d);
    const first = seen.get(key);
    if (first !== undefined) {
      findings.push(
        finding(
          'destination-duplicate',
          `${kind} route ${index} lists ${key} twice (entries ${first} and ${d.entry}), so Splitscope cannot tell which weight you mean. Merge them into one entry by hand (their weights add up), then edit here.`,
          `${path}/route/${d.entry}`,
        ),
      );
    } else seen.set(key, d.entry);
  }
  if (findings.length > 0) return { ...base, route, destinations, splittable: false, reason: 'duplicate', findings };
  return { ...base, route, destinations, splittable: true, findings };
}

function toSplit(inspection: RouteInspection): RouteSplit {
  const { kind, index, path, route, splittable, reason, findings } = inspection;
  const destinations = inspection.destinations.map((d) => {
    const out: SplitDestination = { host: d.host, weight: d.weight, share: d.share, weightSet: d.weightSet };
    if (d.subset !== undefined) out.subset = d.subset;
    if (d.port !== undefined) out.port = d.port;
    return out;
  });
  const split: RouteSplit = {
    kind,
    index,
    destinations,
    totalWeight: destinations.reduce((a, d) => a + d.weight, 0),
    splittable,
    path,
    findings,
  };
  if (route && typeof route.name === 'string') split.name = route.name;
  if (reason) split.reason = reason;
  const summary = route ? summarizeMatch(route.match) : undefined;
  if (summary) split.matchSummary = summary;
  return split;
}

/** Every http, tcp and tls route of `vs` as a split, in that order and in list order. */
export function splitsOf(vs: K8sVirtualService): RouteSplit[] {
  return ROUTE_KINDS.flatMap((kind) => (routeList(vs, kind) ?? []).map((_, i) => toSplit(inspectRoute(vs, kind, i))));
}

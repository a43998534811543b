/**
 * Lossless weight edits: the JSON Patch that changes the weights (and the destination
 * list) of one route of any VirtualService, and nothing else: no other field, route,
 * annotation or label. Never a merge patch of `spec.http`, which would replace the whole
 * list and lose whatever a concurrent writer or an unknown field put there.
 */
import type { K8sVirtualService } from '../wire';
import { destinationKey, type WeightedDestination } from './destination';
import { finding, type Finding } from './findings';
import { applyOps, isRecord, pointer, type JsonPatchOp } from './json';
import { entryKey, inspectRoute, type RouteKind } from './model';
import { WEIGHT_TOTAL } from './weights';

export type { JsonPatchOp } from './json';

/** What to change: the new destination list (with weights) of one route. */
export interface WeightChange {
  /** Index into `spec.<kind>`. */
  route: number;
  /** Which route list; `http` unless said. */
  kind?: RouteKind;
  /** Every destination the route should have afterwards, with its weight. */
  destinations: readonly WeightedDestination[];
  /**
   * Raw entries to use for destinations new to the route (matched by `destinationKey`),
   * so that a revert brings back a removed destination with its headers and other fields.
   */
  restore?: readonly Record<string, unknown>[];
}

/**
 * A planned change: the patch to send and the object it produces, with notes (warnings,
 * infos) worth showing; or, when refused, the findings that say why.
 */
export type PatchPlan =
  | { ok: true; patch: JsonPatchOp[]; result: K8sVirtualService; findings: Finding[] }
  | { ok: false; findings: Finding[] };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

/**
 * The `test` operations that pin an object's identity (name, namespace, uid), so a patch
 * computed for one object cannot land on a namesake created after it was deleted.
 */
export function identityGuards(vs: K8sVirtualService): JsonPatchOp[] {
  const meta: unknown = vs.metadata;
  if (!isRecord(meta)) return [];
  return (['name', 'namespace', 'uid'] as const)
    .filter((k) => typeof meta[k] === 'string')
    .map((k) => ({ op: 'test', path: pointer('metadata', k), value: meta[k] }));
}

/**
 * Splitscope's rules for a destination list it is asked to write: at least one
 * destination, each listed once, valid host/subset/port for destinations not already in
 * the route (`existingKeys`; those are kept as written), integer weights in 0..100 that
 * sum to {@link WEIGHT_TOTAL}. `where` is the JSON pointer the findings point at.
 */
export function checkWrittenDestinations(
  requested: readonly WeightedDestination[],
  existingKeys: ReadonlySet<string>,
  where: string,
): Finding[] {
  const findings: Finding[] = [];
  if (requested.length === 0) {
    findings.push(finding('destinations-empty', 'A route needs at least one destination. Add one, or delete the route by hand if it should go.', where));
    return findings;
  }
  const seen = new Set<string>();
  requested.forEach((d, i) => {
    const key = destinationKey(d);
    const at = `destinations[${i}] (${key})`;
    if (!existingKeys.has(key)) {
      if (typeof d.host !== 'string' || d.host === '*' || !HOST.test(d.host)) {
        findings.push(finding('destination-invalid', `${at}: the host must be a DNS name such as my-svc or my-svc.my-ns.svc.cluster.local (not "*").`, where));
      }
      if (d.subset !== undefined && d.subset !== '' && !DNS_LABEL.test(d.subset)) {
        findings.push(finding('destination-invalid', `${at}: the subset must be a DNS label (lower case letters, digits and "-"), as in the DestinationRule.`, where));
      }
      if (d.port !== undefined && (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535)) {
        findings.push(finding('destination-invalid', `${at}: the port must be an integer in 1..65535.`, where));
      }
    }
    if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > WEIGHT_TOTAL) {
      findings.push(finding('weight-invalid', `${at}: weight ${String(d.weight)} is not an integer in 0..${WEIGHT_TOTAL}. Splitscope writes whole percentages.`, where));
    }
    if (seen.has(key)) {
      findings.push(finding('destination-duplicate', `${at} appears twice. List each host/subset/port once; give it the sum of the weights.`, where));
    }
    seen.add(key);
  });
  const total = requested.reduce((a, d) => a + d.weight, 0);
  if (findings.length === 0 && total !== WEIGHT_TOTAL) {
    findings.push(
      finding(
        'weight-total-not-100',
        `The weights sum to ${total}; Splitscope writes weights that sum to ${WEIGHT_TOTAL} (Istio 1.14 and older reject anything else). Adjust them, or use "even split".`,
        where,
      ),
    );
  }
  return findings;
}

/**
 * Plans a weight edit of route `change.route` of `spec.<kind>`:
 * - destinations already in the route (same host, subset and port, see `destinationKey`)
 *   keep their position and every field they carry (headers, unknown fields); only
 *   their `weight` changes, and only when it differs (an unset weight counts as 0, so a
 *   weight of 0 is left unset rather than written);
 * - destinations not requested are removed; new ones are appended, in request order, as
 *   `{destination: {host, subset?, port?: {number}}, weight}`;
 * - the patch starts with `test` operations on the object's identity and on the route's
 *   whole destination list (and its name), so a concurrent change makes the API server
 *   refuse the patch instead of clobbering it;
 * - `result` is the object the patch produces.
 *
 * Refused, with findings: route out of range, a route that is not splittable (redirect,
 * directResponse, delegate, malformed, duplicate destinations), no destinations,
 * invalid new destinations, weights that are not integers in 0..100, or weights that do
 * not sum to 100 (unless the request changes nothing, which is always allowed).
 */
export function planWeightEdit(vs: K8sVirtualService, change: WeightChange): PatchPlan {
  const kind = change.kind ?? 'http';
  if (!isRecord(vs) || !isRecord(vs.spec)) {
    return { ok: false, findings: [finding('not-a-virtual-service', 'The object has no `spec`; reload the VirtualService and try again.', '/spec')] };
  }
  const inspection = inspectRoute(vs, kind, change.route);
  if (!inspection.splittable || !inspection.route) return { ok: false, findings: inspection.findings };
  const { path, route } = inspection;
  const entries = route.route;
  if (!Array.isArray(entries)) return { ok: false, findings: inspection.findings };

  const existing = new Map(inspection.destinations.map((d) => [destinationKey(d), d]));
  const requested = new Map(change.destinations.map((d) => [destinationKey(d), d]));
  const guards: JsonPatchOp[] = [...identityGuards(vs), { op: 'test', path: `${path}/route`, value: entries }];
  if (typeof route.name === 'string') guards.push({ op: 'test', path: `${path}/name`, value: route.name });

  // Writing back what is there is always allowed, even weights Splitscope would not write.
  const unchanged =
    change.destinations.length === existing.size &&
    [...existing].every(([key, d]) => requested.get(key)?.weight === d.weight);
  if (unchanged) return { ok: true, patch: guards, result: applyOps(vs, guards), findings: [] };

  const findings = checkWrittenDestinations(change.destinations, new Set(existing.keys()), `${path}/route`);
  if (findings.length > 0) return { ok: false, findings };

  const patch = [...guards];

  for (const d of inspection.destinations) {
    const want = requested.get(destinationKey(d));
    if (!want) continue;
    const entry: unknown = entries[d.entry];
    const at = `${path}/route/${d.entry}/weight`;
    if (isRecord(entry) && 'weight' in entry) {
      if (entry.weight !== want.weight) patch.push({ op: 'replace', path: at, value: want.weight });
    } else if (want.weight !== 0) {
      patch.push({ op: 'add', path: at, value: want.weight });
    }
  }
  const removed = inspection.destinations.filter((d) => !requested.has(destinationKey(d))).map((d) => d.entry);
  for (const j of removed.sort((a, b) => b - a)) patch.push({ op: 'remove', path: `${path}/route/${j}` });
  const templates = new Map((change.restore ?? []).map((e) => [entryKey(e), e]));
  for (const d of change.destinations) {
    const key = destinationKey(d);
    if (existing.has(key)) continue;
    const template = templates.get(key);
    patch.push({ op: 'add', path: `${path}/route/-`, value: template ? restoredEntry(template, d.weight) : newEntry(d) });
  }
  return { ok: true, patch, result: applyOps(vs, patch), findings: [] };
}

/** A new route entry, in the shape the Istio reference shows. */
export function newEntry(d: WeightedDestination): { destination: Record<string, unknown>; weight: number } {
  const destination: Record<string, unknown> = { host: d.host };
  if (d.subset) destination.subset = d.subset;
  if (d.port !== undefined) destination.port = { number: d.port };
  return { destination, weight: d.weight };
}

/** A removed entry brought back with a new weight (left unset when 0 and it had none). */
function restoredEntry(template: Record<string, unknown>, weight: number): Record<string, unknown> {
  if (weight === 0 && !('weight' in template)) return template;
  return { ...template, weight };
}

/** Whether a plan changes anything beyond its `test` guards. */
export function changesSomething(patch: readonly JsonPatchOp[]): boolean {
  return patch.some((op) => op.op !== 'test');
}

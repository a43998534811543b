/**
 * Weight history: every apply records the weights the route had *before* it, in a bounded
 * annotation on the VirtualService itself (so it travels with the object and needs no
 * database), and any revision can be restored in one step. A revert is an apply too, so
 * it is recorded and can itself be reverted.
 */
import { z } from 'zod';
import type { K8sVirtualService } from '../wire';
import { ANNOTATION_PREFIX, readAnnotation, setAnnotationOps } from './annotations';
import { destinationKey, type WeightedDestination } from './destination';
import { changesSomething, planWeightEdit, type PatchPlan, type WeightChange } from './edit';
import { finding, type Finding } from './findings';
import { applyOps, isRecord, parseJson, pointer, type JsonPatchOp } from './json';
import { inspectRoute, ROUTE_KINDS, type RouteKind } from './model';
import { normalizeTo100, WEIGHT_TOTAL } from './weights';

/** The annotation holding the weight history (JSON array, oldest first). */
export const HISTORY_ANNOTATION = `${ANNOTATION_PREFIX}history`;
/** How many revisions are kept; older ones are dropped first. */
export const HISTORY_LIMIT = 20;
/**
 * Upper bound on the annotation's length. Kubernetes caps all annotations of an object at
 * 256 KiB together; the history takes at most this much, dropping old revisions to fit.
 */
export const HISTORY_MAX_CHARS = 64 * 1024;

/** One recorded revision: the weights a route had before an apply. */
export interface HistoryEntry {
  /** Increases by one with every record, never reused. */
  revision: number;
  /** ISO 8601 time of the apply. */
  at: string;
  kind: RouteKind;
  /** Index into `spec.<kind>`. */
  route: number;
  /** The route's name at the time, if it had one (a revert checks it still matches). */
  routeName?: string;
  destinations: WeightedDestination[];
  /** Raw entries of destinations the apply removed, so a revert brings them back whole. */
  removed?: Record<string, unknown>[];
  note?: string;
}

const entrySchema = z.object({
  revision: z.number().int().positive(),
  at: z.string(),
  kind: z.enum(ROUTE_KINDS).default('http'),
  route: z.number().int().nonnegative(),
  routeName: z.string().optional(),
  destinations: z.array(
    z.object({
      host: z.string().min(1),
      subset: z.string().optional(),
      port: z.number().int().optional(),
      weight: z.number(),
    }),
  ),
  removed: z.array(z.record(z.string(), z.unknown())).optional(),
  note: z.string().optional(),
});

const HISTORY_PATH = pointer('metadata', 'annotations', HISTORY_ANNOTATION);

function unreadable(detail: string): Finding {
  return finding(
    'annotation-unreadable',
    `The weight history (${HISTORY_ANNOTATION}) ${detail}; that part is ignored and will be replaced on the next apply. Nothing else is affected.`,
    HISTORY_PATH,
  );
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The recorded revisions, oldest first. Content that is not what Splitscope writes is
 * ignored (entry by entry where possible) and reported as a finding, never thrown.
 */
export function historyOf(vs: K8sVirtualService): { entries: HistoryEntry[]; findings: Finding[] } {
  const raw = readAnnotation(vs, HISTORY_ANNOTATION);
  if (raw === undefined) return { entries: [], findings: [] };
  const parsed = parseJson(raw);
  if (parsed === undefined) return { entries: [], findings: [unreadable('is not JSON')] };
  if (!Array.isArray(parsed)) return { entries: [], findings: [unreadable('is not a list')] };
  const entries: HistoryEntry[] = [];
  let bad = 0;
  for (const item of parsed) {
    const r = entrySchema.safeParse(item);
    if (r.success) entries.push(dropUndefined({ ...r.data, destinations: r.data.destinations.map((d) => dropUndefined(d)) }));
    else bad += 1;
  }
  return { entries, findings: bad > 0 ? [unreadable(`has ${bad} entr${bad === 1 ? 'y' : 'ies'} Splitscope cannot read`)] : [] };
}

/**
 * The patch operations that append `entry` to the history (with the next revision
 * number), dropping the oldest revisions beyond {@link HISTORY_LIMIT} or
 * {@link HISTORY_MAX_CHARS}. The annotations map may not exist yet.
 */
export function planHistoryRecord(
  vs: K8sVirtualService,
  entry: Omit<HistoryEntry, 'revision'>,
): { patch: JsonPatchOp[]; entry: HistoryEntry; findings: Finding[] } {
  const { entries, findings } = historyOf(vs);
  const revision = entries.reduce((max, e) => Math.max(max, e.revision), 0) + 1;
  const recorded: HistoryEntry = { ...entry, revision };
  let kept = [...entries, recorded].slice(-HISTORY_LIMIT);
  while (kept.length > 1 && JSON.stringify(kept).length > HISTORY_MAX_CHARS) kept = kept.slice(1);
  return { patch: setAnnotationOps(vs, HISTORY_ANNOTATION, JSON.stringify(kept)), entry: recorded, findings };
}

/** Options of a recorded apply. */
export interface RecordOptions {
  /** ISO 8601 time to record (the caller's clock; lib/split reads no clock). */
  at: string;
  note?: string;
}

/**
 * A weight edit ({@link planWeightEdit}) plus the history record of the weights the route
 * had before it, as one patch. An edit that changes nothing records nothing.
 */
export function planRecordedEdit(vs: K8sVirtualService, change: WeightChange, options: RecordOptions): PatchPlan {
  const plan = planWeightEdit(vs, change);
  if (!plan.ok || !changesSomething(plan.patch)) return plan;
  const kind = change.kind ?? 'http';
  const before = inspectRoute(vs, kind, change.route);
  const requested = new Set(change.destinations.map(destinationKey));
  const entries: unknown[] = before.route && Array.isArray(before.route.route) ? before.route.route : [];
  const removed = before.destinations
    .filter((d) => !requested.has(destinationKey(d)))
    .map((d) => entries[d.entry])
    .filter(isRecord);
  const record = planHistoryRecord(
    vs,
    dropUndefined({
      at: options.at,
      kind,
      route: change.route,
      routeName: typeof before.route?.name === 'string' ? before.route.name : undefined,
      destinations: before.destinations.map(({ host, subset, port, weight }) => dropUndefined({ host, subset, port, weight })),
      removed: removed.length > 0 ? removed : undefined,
      note: options.note,
    }),
  );
  const patch = [...plan.patch, ...record.patch];
  return { ok: true, patch, result: applyOps(vs, patch), findings: [...plan.findings, ...record.findings] };
}

/**
 * Restores the weights (and destination list) of `revision`, recording the current ones
 * first so the revert can be reverted. Weights that did not sum to 100 (stored by another
 * tool) are restored as the same shares in whole percentages, since Splitscope writes
 * only sums of 100. Refused when the revision is unknown or its route has moved.
 */
export function planRevert(vs: K8sVirtualService, revision: number, options: RecordOptions): PatchPlan {
  const { entries, findings: notes } = historyOf(vs);
  const entry = entries.find((e) => e.revision === revision);
  if (!entry) {
    const known = entries.map((e) => e.revision);
    return {
      ok: false,
      findings: [
        ...notes,
        finding(
          'history-revision-not-found',
          `There is no revision ${revision} in the weight history${known.length > 0 ? ` (kept: ${known.join(', ')})` : ' (it is empty)'}. Reload the history and pick another.`,
          HISTORY_PATH,
        ),
      ],
    };
  }
  const now = inspectRoute(vs, entry.kind, entry.route);
  const nameNow = typeof now.route?.name === 'string' ? now.route.name : undefined;
  if (!now.route || nameNow !== entry.routeName) {
    return {
      ok: false,
      findings: [
        finding(
          'history-route-moved',
          `Revision ${revision} was recorded for ${entry.kind} route ${entry.route}${entry.routeName ? ` ("${entry.routeName}")` : ''}, which ${now.route ? `is now ${nameNow ? `"${nameNow}"` : 'unnamed'}` : 'no longer exists'}. Set the weights by hand instead.`,
          now.path,
        ),
      ],
    };
  }
  const total = entry.destinations.reduce((a, d) => a + d.weight, 0);
  const integral = entry.destinations.every((d) => Number.isInteger(d.weight) && d.weight >= 0);
  const weights = total === WEIGHT_TOTAL && integral ? entry.destinations.map((d) => d.weight) : normalizeTo100(entry.destinations.map((d) => d.weight));
  const destinations = entry.destinations.map((d, i) => ({ ...d, weight: weights[i] ?? 0 }));
  const plan = planRecordedEdit(
    vs,
    { route: entry.route, kind: entry.kind, destinations, restore: entry.removed },
    { at: options.at, note: options.note ?? `revert to revision ${revision}` },
  );
  if (!plan.ok || weights.every((w, i) => w === entry.destinations[i]?.weight)) return plan;
  return {
    ...plan,
    findings: [
      ...plan.findings,
      finding('weight-total-relative', `Revision ${revision} had weights summing to ${total}; they are restored as the same shares in whole percentages (${weights.join('/')}).`, now.path),
    ],
  };
}

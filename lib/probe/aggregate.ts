/**
 * The probe aggregator: everything Splitscope keeps about a running probe, in memory bounded
 * by the number of destinations, segments and time bins — never by the number of responses.
 *
 * - per destination: responses, errors, status codes, a latency histogram (histogram.ts);
 * - per segment (a stretch of the probe with one set of weights): the sequential test of the
 *   split (verdict.ts), errors, unclassified, and when the verdict was reached;
 * - per time bin (1 s to start with, at most `maxBins`; when the probe outgrows them, pairs
 *   of bins merge and the width doubles): classified counts per destination, errors,
 *   unclassified, and the segment's shares and intervals as of the bin's end, for the chart;
 * - markers for the chart: weight changes and verdicts.
 *
 * A weight change (`changeWeights`) starts a new segment with new targets; its statistics
 * restart from the first response known to follow the change. The script stamps responses
 * in whole seconds (`timeResolutionMs`), so a response stamped in the second of the change
 * may have come before or after it: it is counted in the totals and the chart but in
 * neither segment's statistics ("settling"), and so is every response in the optional
 * `settleMs` after the change (for meshes that take a while to push a new route).
 *
 * Functions take a state and return a new one; a batch of lines is applied with one copy of
 * the parts it touches, so the input state is never modified.
 */
import { classifyExchange, learnFingerprint, NO_FINGERPRINTS, type Fingerprints } from './classify';
import { parseProbeLine, type ProbeLineProblemReason, type ProbeRecord, type ProbeResponseRecord, type ProbeStartRecord } from './format';
import { addLatencies, emptyHistogram, type LatencyHistogram } from './histogram';
import { targetShares, type ProbeDestination } from './targets';
import {
  DEFAULT_ALPHA,
  DEFAULT_TOLERANCE,
  observeDraw,
  refreshSplitTest,
  splitIntervals,
  splitVerdict,
  startSplitTest,
  type SplitTest,
  type Verdict,
} from './verdict';

/** Time bins kept before neighbours merge. */
export const DEFAULT_MAX_BINS = 600;
/** Width of a time bin at the start of a probe. */
export const DEFAULT_BIN_MS = 1000;
/** Segments (weight changes + 1) kept; later changes are counted but start no segment. */
export const MAX_SEGMENTS = 50;

export interface AggregateOptions {
  tolerance?: number;
  alpha?: number;
  binMs?: number;
  maxBins?: number;
  /** How precise response times are: the script prints whole seconds. */
  timeResolutionMs?: number;
  /** Responses this long after a weight change are left out of the new segment's statistics. */
  settleMs?: number;
  /** Responses the probe will send (progress); taken from the start line when absent. */
  expectedCount?: number;
}

export type ResolvedAggregateOptions = Required<Omit<AggregateOptions, 'expectedCount'>> & { expectedCount: number | null };

/** A destination within a segment, with its target share. */
export interface SegmentDestination extends ProbeDestination {
  target: number;
}

export interface SegmentState {
  index: number;
  /** When these weights took effect (ms since the epoch); null for the first segment. */
  startTime: number | null;
  destinations: readonly SegmentDestination[];
  test: SplitTest;
  verdict: Verdict;
  /** Time of the response at which the verdict became consistent / inconsistent. */
  consistentAt: number | null;
  inconsistentAt: number | null;
  /** Classified responses left out of the statistics (see the module comment). */
  settling: number;
  errors: number;
  unclassified: number;
  firstTime: number | null;
  lastTime: number | null;
}

export interface DestinationTotals extends ProbeDestination {
  /** Responses attributed to this destination, errors included. */
  responses: number;
  errors: number;
  /** Count per HTTP status ("000" when none arrived). */
  statusCodes: Readonly<Record<string, number>>;
  latency: LatencyHistogram;
}

/** The shares and intervals of one destination at some moment. */
export interface ShareBand {
  share: number;
  low: number;
  high: number;
}

export interface TimeBin {
  /** Milliseconds from the probe's origin. */
  start: number;
  counts: Readonly<Record<string, number>>;
  errors: number;
  unclassified: number;
  /** Segment of the latest response in the bin. */
  segment: number;
  /** The segment's cumulative shares and intervals when the bin closed; null while open. */
  closing: Readonly<Record<string, ShareBand>> | null;
}

export interface Marker {
  /** Milliseconds since the epoch. */
  time: number;
  kind: 'weights' | 'consistent' | 'inconsistent';
  segment: number;
}

export interface AggregateTotals {
  responses: number;
  errors: number;
  unclassified: number;
  /** Lines that were not readable probe lines (blank lines are not counted). */
  malformed: number;
  learn: number;
  settling: number;
  /** Weight changes beyond MAX_SEGMENTS. */
  droppedChanges: number;
}

export interface AggregateState {
  /** Increases with every change; views carry it so that browsers can order updates. */
  version: number;
  options: ResolvedAggregateOptions;
  /** The probe's time zero (start line, else first response), ms since the epoch. */
  origin: number | null;
  binMs: number;
  bins: readonly TimeBin[];
  markers: readonly Marker[];
  segments: readonly SegmentState[];
  destinations: readonly DestinationTotals[];
  fingerprints: Fingerprints;
  start: ProbeStartRecord | null;
  ended: boolean;
  totals: AggregateTotals;
  problems: Readonly<Partial<Record<ProbeLineProblemReason, number>>>;
  lastTime: number | null;
}

function resolveOptions(options: AggregateOptions): ResolvedAggregateOptions {
  return {
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    binMs: options.binMs ?? DEFAULT_BIN_MS,
    maxBins: Math.max(2, options.maxBins ?? DEFAULT_MAX_BINS),
    timeResolutionMs: options.timeResolutionMs ?? 1000,
    settleMs: options.settleMs ?? 0,
    expectedCount: options.expectedCount ?? null,
  };
}

function newSegment(
  index: number,
  startTime: number | null,
  destinations: readonly ProbeDestination[],
  options: ResolvedAggregateOptions,
): SegmentState {
  const targets = targetShares(destinations.map((d) => d.weight));
  return {
    index,
    startTime,
    destinations: destinations.map((d, i) => ({ ...d, target: targets[i] ?? 0 })),
    test: startSplitTest(targets, { tolerance: options.tolerance, alpha: options.alpha }),
    verdict: 'collecting',
    consistentAt: null,
    inconsistentAt: null,
    settling: 0,
    errors: 0,
    unclassified: 0,
    firstTime: null,
    lastTime: null,
  };
}

function newTotals(destination: ProbeDestination): DestinationTotals {
  return { ...destination, responses: 0, errors: 0, statusCodes: {}, latency: emptyHistogram() };
}

/** A fresh aggregate for a route's destinations (names must be distinct). */
export function createAggregate(destinations: readonly ProbeDestination[], options: AggregateOptions = {}): AggregateState {
  const resolved = resolveOptions(options);
  return {
    version: 0,
    options: resolved,
    origin: null,
    binMs: resolved.binMs,
    bins: [],
    markers: [],
    segments: [newSegment(0, null, destinations, resolved)],
    destinations: destinations.map(newTotals),
    fingerprints: NO_FINGERPRINTS,
    start: null,
    ended: false,
    totals: { responses: 0, errors: 0, unclassified: 0, malformed: 0, learn: 0, settling: 0, droppedChanges: 0 },
    problems: {},
    lastTime: null,
  };
}

/**
 * The route's weights changed at `time` (ms since the epoch): starts a new segment. Destinations
 * seen before and missing from the new list stay in it with weight 0, so that traffic still
 * reaching them shows as a deviation.
 */
export function changeWeights(state: AggregateState, change: { time: number; destinations: readonly ProbeDestination[] }): AggregateState {
  if (state.segments.length >= MAX_SEGMENTS) {
    return { ...state, version: state.version + 1, totals: { ...state.totals, droppedChanges: state.totals.droppedChanges + 1 } };
  }
  const named = new Set(change.destinations.map((d) => d.name));
  const kept = state.destinations.filter((d) => !named.has(d.name)).map(({ name, host, subset, port }) => ({ name, host, subset, port, weight: 0 }));
  const destinations = [...change.destinations, ...kept].map(({ subset, port, ...d }) => ({
    ...d,
    ...(subset === undefined ? {} : { subset }),
    ...(port === undefined ? {} : { port }),
  }));
  const index = state.segments.length;
  const known = new Set(state.destinations.map((d) => d.name));
  return {
    ...state,
    version: state.version + 1,
    segments: [...state.segments, newSegment(index, change.time, destinations, state.options)],
    destinations: [...state.destinations, ...change.destinations.filter((d) => !known.has(d.name)).map(newTotals)],
    markers: [...state.markers, { time: change.time, kind: 'weights', segment: index }],
  };
}

/** Where a response at `time` belongs: its segment, and whether it counts in its statistics. */
function placeResponse(segments: readonly SegmentState[], time: number, options: ResolvedAggregateOptions): { segment: number; counted: boolean } {
  for (let i = segments.length - 1; i > 0; i -= 1) {
    const start = (segments[i] as SegmentState).startTime ?? Number.NEGATIVE_INFINITY;
    if (time >= start + options.settleMs) return { segment: i, counted: true };
    if (time + options.timeResolutionMs > start) return { segment: i, counted: false };
  }
  return { segment: 0, counted: true };
}

/** Shares and running intervals of a segment's destinations now. */
export function segmentBands(segment: SegmentState): Record<string, ShareBand> {
  const intervals = splitIntervals(segment.test);
  const bands: Record<string, ShareBand> = {};
  for (const [i, d] of segment.destinations.entries()) {
    const count = segment.test.counts[i] ?? 0;
    const interval = intervals[i] ?? { low: 0, high: 1 };
    bands[d.name] = { share: segment.test.draws === 0 ? 0 : count / segment.test.draws, low: interval.low, high: interval.high };
  }
  return bands;
}

/** The draft's own copies: the same shapes with writable records. */
type DraftTotals = DestinationTotals & { statusCodes: Record<string, number> };
type DraftBin = TimeBin & { counts: Record<string, number> };

/** Mutable working copy of the parts of a state a batch touches (copy on first touch). */
class Draft {
  readonly bins: TimeBin[];
  readonly segments: SegmentState[];
  readonly destinations: DestinationTotals[];
  readonly markers: Marker[];
  private readonly touchedSegments = new Set<number>();
  private readonly latencies = new Map<number, number[]>();
  binMs: number;
  origin: number | null;
  totals: AggregateTotals;
  problems: Partial<Record<ProbeLineProblemReason, number>>;
  fingerprints: Fingerprints;
  start: ProbeStartRecord | null;
  ended: boolean;
  lastTime: number | null;
  readonly names: Map<string, number>;
  private readonly segmentNames = new Map<number, { set: ReadonlySet<string>; index: ReadonlyMap<string, number> }>();

  constructor(readonly base: AggregateState) {
    this.bins = base.bins.slice();
    this.segments = base.segments.slice();
    this.destinations = base.destinations.slice();
    this.markers = base.markers.slice();
    this.binMs = base.binMs;
    this.origin = base.origin;
    this.totals = { ...base.totals };
    this.problems = { ...base.problems };
    this.fingerprints = base.fingerprints;
    this.start = base.start;
    this.ended = base.ended;
    this.lastTime = base.lastTime;
    this.names = new Map(base.destinations.map((d, i) => [d.name, i]));
  }

  /** The destination names of segment i, as a set and as name → index. */
  namesOf(i: number): { set: ReadonlySet<string>; index: ReadonlyMap<string, number> } {
    const cached = this.segmentNames.get(i);
    if (cached) return cached;
    const destinations = (this.segments[i] as SegmentState).destinations;
    const entry = { set: new Set(destinations.map((d) => d.name)), index: new Map(destinations.map((d, j) => [d.name, j])) };
    this.segmentNames.set(i, entry);
    return entry;
  }

  segment(i: number): SegmentState {
    const current = this.segments[i] as SegmentState;
    if (this.touchedSegments.has(i)) return current;
    const copy = { ...current };
    this.segments[i] = copy;
    this.touchedSegments.add(i);
    return copy;
  }

  private readonly draftTotals = new Map<number, DraftTotals>();
  private readonly draftBins = new Map<number, DraftBin>();

  destination(i: number): DraftTotals {
    const own = this.draftTotals.get(i);
    if (own) return own;
    const current = this.destinations[i] as DestinationTotals;
    const copy: DraftTotals = { ...current, statusCodes: { ...current.statusCodes } };
    this.destinations[i] = copy;
    this.draftTotals.set(i, copy);
    return copy;
  }

  addLatency(i: number, ms: number): void {
    const list = this.latencies.get(i);
    if (list) list.push(ms);
    else this.latencies.set(i, [ms]);
  }

  /** The bin for `time`, creating bins (and coarsening) as needed; closes bins left behind. */
  bin(time: number, segment: number): DraftBin {
    this.origin ??= time;
    let index = Math.max(0, Math.floor((time - this.origin) / this.binMs));
    while (index >= this.base.options.maxBins) {
      this.coarsen();
      index = Math.max(0, Math.floor((time - this.origin) / this.binMs));
    }
    while (this.bins.length <= index) {
      this.closeLastBin();
      const fresh: DraftBin = { start: this.bins.length * this.binMs, counts: {}, errors: 0, unclassified: 0, segment, closing: null };
      this.draftBins.set(this.bins.length, fresh);
      this.bins.push(fresh);
    }
    const own = this.draftBins.get(index);
    if (own) {
      if (segment > own.segment) own.segment = segment;
      return own;
    }
    const current = this.bins[index] as TimeBin;
    const copy: DraftBin = { ...current, counts: { ...current.counts }, segment: Math.max(segment, current.segment) };
    this.bins[index] = copy;
    this.draftBins.set(index, copy);
    return copy;
  }

  private closeLastBin(): void {
    const last = this.bins.length - 1;
    const bin = this.bins[last];
    if (!bin || bin.closing !== null) return;
    const segment = this.segment(bin.segment);
    segment.test = refreshSplitTest(segment.test);
    const closed: DraftBin = { ...bin, counts: { ...bin.counts }, closing: segmentBands(segment) };
    this.bins[last] = closed;
    this.draftBins.set(last, closed);
  }

  private coarsen(): void {
    const merged: DraftBin[] = [];
    for (let i = 0; i < this.bins.length; i += 2) {
      const a = this.bins[i] as TimeBin;
      const b = this.bins[i + 1];
      if (!b) {
        merged.push({ ...a, start: (i / 2) * this.binMs * 2, counts: { ...a.counts } });
        continue;
      }
      const counts: Record<string, number> = { ...a.counts };
      for (const [name, count] of Object.entries(b.counts)) counts[name] = (counts[name] ?? 0) + count;
      merged.push({
        start: (i / 2) * this.binMs * 2,
        counts,
        errors: a.errors + b.errors,
        unclassified: a.unclassified + b.unclassified,
        segment: Math.max(a.segment, b.segment),
        closing: b.closing ?? a.closing,
      });
    }
    this.bins.splice(0, this.bins.length, ...merged);
    this.draftBins.clear();
    merged.forEach((bin, i) => this.draftBins.set(i, bin));
    this.binMs *= 2;
  }

  finish(): AggregateState {
    for (const [i, list] of this.latencies) {
      const d = this.destination(i);
      d.latency = addLatencies(d.latency, list);
    }
    return {
      ...this.base,
      version: this.base.version + 1,
      origin: this.origin,
      binMs: this.binMs,
      bins: this.bins,
      markers: this.markers,
      segments: this.segments,
      destinations: this.destinations,
      fingerprints: this.fingerprints,
      start: this.start,
      ended: this.ended,
      totals: this.totals,
      problems: this.problems,
      lastTime: this.lastTime,
    };
  }
}

function addResponse(draft: Draft, record: ProbeResponseRecord): void {
  const { options } = draft.base;
  draft.totals.responses += 1;
  draft.lastTime = draft.lastTime === null ? record.time : Math.max(draft.lastTime, record.time);
  const place = placeResponse(draft.segments, record.time, options);
  const segment = draft.segment(place.segment);
  segment.firstTime ??= record.time;
  segment.lastTime = Math.max(segment.lastTime ?? record.time, record.time);
  const bin = draft.bin(record.time, place.segment);
  const names = draft.namesOf(place.segment);
  const verdictClass = classifyExchange(record, names.set, draft.fingerprints);
  const attributed = verdictClass.kind === 'unclassified' ? undefined : verdictClass.name;
  const totalsIndex = attributed === undefined ? undefined : draft.names.get(attributed);
  if (totalsIndex !== undefined) {
    const d = draft.destination(totalsIndex);
    d.responses += 1;
    const code = String(record.status).padStart(3, '0');
    d.statusCodes[code] = (d.statusCodes[code] ?? 0) + 1;
    draft.addLatency(totalsIndex, record.latencyMs);
    if (verdictClass.kind === 'error') d.errors += 1;
  }
  if (verdictClass.kind === 'error') {
    draft.totals.errors += 1;
    segment.errors += 1;
    bin.errors += 1;
    return;
  }
  if (verdictClass.kind === 'unclassified') {
    draft.totals.unclassified += 1;
    segment.unclassified += 1;
    bin.unclassified += 1;
    return;
  }
  bin.counts[verdictClass.name] = (bin.counts[verdictClass.name] ?? 0) + 1;
  if (!place.counted) {
    segment.settling += 1;
    draft.totals.settling += 1;
    return;
  }
  segment.test = observeDraw(segment.test, names.index.get(verdictClass.name) ?? -1);
  const verdict = splitVerdict(segment.test);
  if (verdict !== segment.verdict) {
    segment.verdict = verdict;
    if (verdict === 'consistent' && segment.consistentAt === null) {
      segment.consistentAt = record.time;
      draft.markers.push({ time: record.time, kind: 'consistent', segment: segment.index });
    }
    if (verdict === 'inconsistent' && segment.inconsistentAt === null) {
      segment.inconsistentAt = record.time;
      draft.markers.push({ time: record.time, kind: 'inconsistent', segment: segment.index });
    }
  }
}

function addRecord(draft: Draft, record: ProbeRecord): void {
  switch (record.kind) {
    case 'start':
      draft.start = record;
      draft.origin ??= record.time;
      return;
    case 'learn':
      draft.totals.learn += 1;
      draft.fingerprints = learnFingerprint(draft.fingerprints, record);
      draft.origin ??= record.time;
      return;
    case 'response':
      addResponse(draft, record);
      return;
    case 'end':
      draft.ended = true;
      return;
  }
}

/** Applies parsed records in order. */
export function ingestRecords(state: AggregateState, records: readonly ProbeRecord[]): AggregateState {
  if (records.length === 0) return state;
  const draft = new Draft(state);
  for (const record of records) addRecord(draft, record);
  return draft.finish();
}

/** Parses and applies lines of prober output; unreadable lines are counted, blank ones ignored. */
export function ingestLines(state: AggregateState, lines: readonly string[]): AggregateState {
  if (lines.length === 0) return state;
  const draft = new Draft(state);
  for (const line of lines) {
    const parsed = parseProbeLine(line);
    if (parsed.ok) {
      addRecord(draft, parsed.record);
      continue;
    }
    const { reason } = parsed.problem;
    if (reason === 'blank') continue;
    draft.totals.malformed += 1;
    draft.problems[reason] = (draft.problems[reason] ?? 0) + 1;
  }
  return draft.finish();
}

/** The segment whose weights are in force now (the last one). */
export function currentSegment(state: AggregateState): SegmentState {
  return state.segments[state.segments.length - 1] as SegmentState;
}

/**
 * How long the observed split took to follow a weight change: from the change to the first
 * response after which the new segment's verdict was "consistent" (so it includes the time
 * needed to collect the evidence, an upper bound on the mesh's own delay). Null for the first
 * segment and while the new split is not yet confirmed.
 */
export function followTimeMs(segment: SegmentState): number | null {
  if (segment.startTime === null || segment.consistentAt === null) return null;
  return Math.max(0, segment.consistentAt - segment.startTime);
}

/** Fraction of the expected responses received (1 once the prober ended); null if unknown. */
export function aggregateProgress(state: AggregateState): number | null {
  if (state.ended) return 1;
  const expected = state.options.expectedCount ?? state.start?.count ?? null;
  if (!expected) return null;
  return Math.min(1, state.totals.responses / expected);
}

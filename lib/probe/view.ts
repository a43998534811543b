/**
 * What the HTTP API returns for `GET /api/probes/{id}` and what the browser keeps: a plain,
 * JSON-serialisable view built from the aggregator, and the Server-Sent Events that keep a
 * browser's copy current. Shares are fractions of 1; times are milliseconds, either since
 * the epoch (`time`, `startedAt`) or since the probe's origin (`start`, `at`).
 *
 * Events: a `snapshot` carries a whole view (sent first on every connection); an `update`
 * carries everything but the time series whole, plus the series from the first bin that
 * changed (usually the last one or two). Both are bounded by the aggregator's bounds
 * (bins, segments, destinations), never by the number of responses.
 */
import {
  aggregateProgress,
  currentSegment,
  followTimeMs,
  segmentBands,
  type AggregateState,
  type SegmentState,
  type ShareBand,
} from './aggregate';
import { histogramQuantile } from './histogram';
import { refreshSplitTest, samplesNeeded, type Verdict } from './verdict';

export type ProbeLifecycle = 'pending' | 'running' | 'done' | 'failed' | 'stopped';

export interface ProbeViewDestination {
  name: string;
  host: string;
  subset: string | null;
  port?: number;
  /** Target share in the current segment. */
  target: number;
  /** Classified responses in the current segment's statistics. */
  count: number;
  /** Observed share in the current segment. */
  share: number;
  /** Confidence interval of the share (current segment, running intersection). */
  low: number;
  high: number;
  /** Whole probe: responses attributed to this destination (errors included) and errors. */
  responses: number;
  errors: number;
  /** Whole probe: count per HTTP status ("000": no response). */
  statusCodes: Record<string, number>;
  /** Whole probe, milliseconds; null before any response. */
  latency: { p50: number | null; p95: number | null };
}

/** One destination in one time bin. */
export interface ProbeSeriesShare {
  /** Classified responses in the bin, and their share of the bin's classified responses. */
  count: number;
  share: number;
  /** The segment's cumulative share and interval at the bin's end (live for the last bin). */
  cumulative: number;
  low: number;
  high: number;
}

export interface ProbeSeriesPoint {
  /** Bin start and end, ms since the origin. */
  start: number;
  end: number;
  segment: number;
  classified: number;
  errors: number;
  unclassified: number;
  shares: Record<string, ProbeSeriesShare>;
}

export interface ProbeViewMarker {
  kind: 'weights' | 'consistent' | 'inconsistent';
  segment: number;
  /** ms since the epoch, and since the origin. */
  time: number;
  at: number;
}

export interface ProbeViewSegment {
  index: number;
  /** When its weights took effect (ms since the epoch); null for the first segment. */
  startedAt: number | null;
  verdict: Verdict;
  draws: number;
  settling: number;
  errors: number;
  unclassified: number;
  consistentAt: number | null;
  inconsistentAt: number | null;
  /** From the weight change to "consistent" (see aggregate.ts `followTimeMs`). */
  followMs: number | null;
  destinations: { name: string; target: number; count: number; share: number; low: number; high: number }[];
}

export interface ProbeView {
  id: string;
  /** The aggregator's version: increases with every change. */
  seq: number;
  state: ProbeLifecycle;
  /** Why the probe failed or stopped, for people. */
  message?: string;
  /** Probe time zero, ms since the epoch (null before the first line). */
  origin: number | null;
  binMs: number;
  /** Responses received (all of them: classified, unclassified, errors). */
  total: number;
  errors: number;
  unclassified: number;
  malformed: number;
  /** Classified responses left out of statistics right after a weight change. */
  settling: number;
  verdict: Verdict;
  tolerance: number;
  alpha: number;
  /** Responses still needed for a verdict if the current shares hold; null when unknown. */
  samplesNeeded: number | null;
  /** 0–1, null when the expected count is unknown. */
  progress: number | null;
  destinations: ProbeViewDestination[];
  series: ProbeSeriesPoint[];
  markers: ProbeViewMarker[];
  segments: ProbeViewSegment[];
  /** Set by `applyProbeEvent` when an update did not follow the view it holds: refetch. */
  stale?: boolean;
}

export interface ProbeViewInput {
  id: string;
  state: ProbeLifecycle;
  aggregate: AggregateState;
  message?: string;
}

function segmentView(segment: SegmentState, refreshed: SegmentState): ProbeViewSegment {
  const bands = segmentBands(refreshed);
  return {
    index: segment.index,
    startedAt: segment.startTime,
    verdict: segment.verdict,
    draws: segment.test.draws,
    settling: segment.settling,
    errors: segment.errors,
    unclassified: segment.unclassified,
    consistentAt: segment.consistentAt,
    inconsistentAt: segment.inconsistentAt,
    followMs: followTimeMs(segment),
    destinations: segment.destinations.map((d, i) => {
      const band = bands[d.name] ?? { share: 0, low: 0, high: 1 };
      return { name: d.name, target: d.target, count: segment.test.counts[i] ?? 0, ...band };
    }),
  };
}

/** Builds the API's view of a probe. */
export function buildProbeView(input: ProbeViewInput): ProbeView {
  const { aggregate } = input;
  const segment = currentSegment(aggregate);
  const refreshedSegments = aggregate.segments.map((s) => ({ ...s, test: refreshSplitTest(s.test) }));
  const current = refreshedSegments[refreshedSegments.length - 1] ?? { ...segment, test: refreshSplitTest(segment.test) };
  const currentBands = segmentBands(current);
  const origin = aggregate.origin ?? 0;
  const liveBands: Record<number, Record<string, ShareBand>> = {};
  refreshedSegments.forEach((s) => (liveBands[s.index] = segmentBands(s)));
  const names = aggregate.destinations.map((d) => d.name);

  const destinations = aggregate.destinations.map((totals): ProbeViewDestination => {
    const inSegment = segment.destinations.findIndex((d) => d.name === totals.name);
    const band = currentBands[totals.name] ?? { share: 0, low: 0, high: 1 };
    return {
      name: totals.name,
      host: totals.host,
      subset: totals.subset ?? null,
      ...(totals.port === undefined ? {} : { port: totals.port }),
      target: segment.destinations[inSegment]?.target ?? 0,
      count: inSegment < 0 ? 0 : (segment.test.counts[inSegment] ?? 0),
      share: band.share,
      low: band.low,
      high: band.high,
      responses: totals.responses,
      errors: totals.errors,
      statusCodes: { ...totals.statusCodes },
      latency: { p50: histogramQuantile(totals.latency, 0.5), p95: histogramQuantile(totals.latency, 0.95) },
    };
  });

  const series = aggregate.bins.map((bin): ProbeSeriesPoint => {
    const bands = bin.closing ?? liveBands[bin.segment] ?? {};
    const classified = Object.values(bin.counts).reduce((sum, c) => sum + c, 0);
    const shares: Record<string, ProbeSeriesShare> = {};
    for (const name of names) {
      const count = bin.counts[name] ?? 0;
      const band = bands[name];
      if (!band && count === 0) continue;
      shares[name] = {
        count,
        share: classified === 0 ? 0 : count / classified,
        cumulative: band?.share ?? 0,
        low: band?.low ?? 0,
        high: band?.high ?? 1,
      };
    }
    return {
      start: bin.start,
      end: bin.start + aggregate.binMs,
      segment: bin.segment,
      classified,
      errors: bin.errors,
      unclassified: bin.unclassified,
      shares,
    };
  });

  return {
    id: input.id,
    seq: aggregate.version,
    state: input.state,
    ...(input.message === undefined ? {} : { message: input.message }),
    origin: aggregate.origin,
    binMs: aggregate.binMs,
    total: aggregate.totals.responses,
    errors: aggregate.totals.errors,
    unclassified: aggregate.totals.unclassified,
    malformed: aggregate.totals.malformed,
    settling: aggregate.totals.settling,
    verdict: segment.verdict,
    tolerance: aggregate.options.tolerance,
    alpha: aggregate.options.alpha,
    samplesNeeded: samplesNeeded(segment.test),
    progress: aggregateProgress(aggregate),
    destinations,
    series,
    markers: aggregate.markers.map((m) => ({ ...m, at: m.time - origin })),
    segments: aggregate.segments.map((s, i) => segmentView(s, refreshedSegments[i] ?? s)),
  };
}

/** A Server-Sent Event of a probe's stream (the `data:` JSON; the event name is `type`). */
export type ProbeEvent =
  | { type: 'snapshot'; view: ProbeView }
  | {
      type: 'update';
      /** The `seq` of the view this update applies to. */
      baseSeq: number;
      view: Omit<ProbeView, 'series'>;
      /** Series bins from this index on replace the browser's. */
      seriesFrom: number;
      series: ProbeSeriesPoint[];
    };

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The event that turns `previous` (what the browser has) into `next`: a snapshot when there
 * is nothing to build on or the bins were coarsened, else an update with the changed tail.
 */
export function probeEventBetween(previous: ProbeView | null, next: ProbeView): ProbeEvent {
  if (!previous || previous.binMs !== next.binMs || previous.id !== next.id) return { type: 'snapshot', view: next };
  let from = 0;
  const common = Math.min(previous.series.length, next.series.length);
  while (from < common && sameJson(previous.series[from], next.series[from])) from += 1;
  const { series, ...head } = next;
  return { type: 'update', baseSeq: previous.seq, view: head, seriesFrom: from, series: series.slice(from) };
}

/**
 * The browser's reducer: merges one event into the view it holds. An update that does not
 * follow the held view (a missed event) leaves the view as it is, marked `stale`, so that the
 * client fetches a fresh one.
 */
export function applyProbeEvent(view: ProbeView | null, event: ProbeEvent): ProbeView | null {
  if (event.type === 'snapshot') return event.view;
  if (!view) return view;
  if (event.baseSeq !== view.seq || event.view.id !== view.id || event.seriesFrom > view.series.length) {
    return view.stale ? view : { ...view, stale: true };
  }
  return { ...event.view, series: [...view.series.slice(0, event.seriesFrom), ...event.series] };
}

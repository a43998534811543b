import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeWeights, createAggregate, ingestLines, type AggregateState } from '@/lib/probe/aggregate';
import { formatProbeLine } from '@/lib/probe/format';
import type { ProbeDestination } from '@/lib/probe/targets';
import { applyProbeEvent, buildProbeView, probeEventBetween, type ProbeView } from '@/lib/probe/view';

const T0 = 1_700_000_000_000;
const ROUTE: ProbeDestination[] = [
  { name: 'my-apache', host: 'my-apache.default.svc.cluster.local', weight: 10 },
  { name: 'my-apache-2', host: 'my-apache-2.default.svc.cluster.local', subset: 'v2', port: 80, weight: 90 },
];
const start = formatProbeLine({ kind: 'start', time: T0, id: 'p1', count: 1000, rate: 150, workers: 3, sidecar: true, proxyStatus: 200, learn: 0 });
const tagged = (second: number, name: string, latencyMs = 2) =>
  formatProbeLine({ kind: 'response', worker: 0, time: T0 + second * 1000, index: 0, status: 200, latencyMs, exitCode: 0, connects: 0, size: 4, digest: 'ab', tag: name });

function view(aggregate: AggregateState): ProbeView {
  return buildProbeView({ id: 'p1', state: 'running', aggregate });
}

describe('buildProbeView', () => {
  it('shows the current segment, the whole probe’s codes and latency, and the series', () => {
    const lines = Array.from({ length: 300 }, (_, i) => tagged(Math.floor(i / 100), i % 10 === 0 ? 'my-apache' : 'my-apache-2', 1 + (Math.floor(i / 10) % 5)));
    const v = view(ingestLines(createAggregate(ROUTE), [start, ...lines]));
    expect(v).toMatchObject({ id: 'p1', state: 'running', total: 300, errors: 0, unclassified: 0, malformed: 0, tolerance: 0.03, alpha: 0.05, verdict: 'collecting', binMs: 1000, origin: T0 });
    expect(v.progress).toBeCloseTo(0.3, 12);
    expect(v.samplesNeeded).toBeGreaterThan(0);
    const [a, b] = v.destinations;
    expect(a).toMatchObject({ name: 'my-apache', subset: null, target: 0.1, count: 30, responses: 30, statusCodes: { '200': 30 } });
    expect(b).toMatchObject({ name: 'my-apache-2', subset: 'v2', port: 80, target: 0.9, count: 270 });
    expect(a?.share).toBeCloseTo(0.1, 12);
    expect((a?.low ?? 1) <= 0.1 && 0.1 <= (a?.high ?? 0)).toBe(true);
    expect(a?.latency.p50).toBeGreaterThan(2.5);
    expect(a?.latency.p95).toBeGreaterThan(a?.latency.p50 ?? Number.POSITIVE_INFINITY);
    expect(v.series).toHaveLength(3);
    expect(v.series[0]?.shares['my-apache']).toMatchObject({ count: 10, share: 0.1 });
    expect(v.series[2]?.end).toBe(3000);
    expect(v.segments).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it('lists weight changes as markers and segments', () => {
    let aggregate = ingestLines(createAggregate(ROUTE), [start, tagged(0, 'my-apache-2')]);
    aggregate = changeWeights(aggregate, { time: T0 + 2000, destinations: ROUTE.map((d) => ({ ...d, weight: 50 })) });
    aggregate = ingestLines(aggregate, [tagged(3, 'my-apache')]);
    const v = view(aggregate);
    expect(v.markers).toEqual([{ kind: 'weights', segment: 1, time: T0 + 2000, at: 2000 }]);
    expect(v.segments.map((s) => [s.index, s.startedAt, s.draws])).toEqual([
      [0, null, 1],
      [1, T0 + 2000, 1],
    ]);
    expect(v.destinations.map((d) => d.target)).toEqual([0.5, 0.5]);
  });
});

describe('Server-Sent Events', () => {
  const batches = fc.array(
    fc.array(
      fc.record({ s: fc.nat(120), d: fc.constantFrom('my-apache', 'my-apache-2') }).map(({ s, d }) => tagged(s, d)),
      { maxLength: 30 },
    ),
    { minLength: 1, maxLength: 10 },
  );

  it('rebuilds every view from a snapshot and the updates that follow', () => {
    fc.assert(
      fc.property(batches, (list) => {
        let aggregate = ingestLines(createAggregate(ROUTE, { maxBins: 32 }), [start]);
        let sent: ProbeView | null = null;
        let browser: ProbeView | null = null;
        for (const batch of list) {
          aggregate = ingestLines(aggregate, batch);
          const next = view(aggregate);
          const event = probeEventBetween(sent, next);
          // An update carries only the series' changed tail.
          if (event.type === 'update' && sent) expect(event.series.length).toBeLessThanOrEqual(next.series.length);
          browser = applyProbeEvent(browser, JSON.parse(JSON.stringify(event)));
          sent = next;
          expect(browser).toEqual(next);
        }
      }),
    );
  });

  it('marks the view stale when an update does not follow it', () => {
    const a = view(ingestLines(createAggregate(ROUTE), [start, tagged(0, 'my-apache')]));
    const b = view(ingestLines(createAggregate(ROUTE), [start, tagged(0, 'my-apache'), tagged(1, 'my-apache-2')]));
    const c = view(ingestLines(createAggregate(ROUTE), [start, tagged(0, 'my-apache'), tagged(1, 'my-apache-2'), tagged(2, 'my-apache-2')]));
    const skipped = probeEventBetween({ ...b, seq: b.seq }, c);
    const held = applyProbeEvent({ ...a, seq: 99 }, skipped);
    expect(held?.stale).toBe(true);
    expect(held?.total).toBe(a.total);
    expect(applyProbeEvent(null, skipped)).toBeNull();
    expect(applyProbeEvent(held, { type: 'snapshot', view: c })).toEqual(c);
  });
});

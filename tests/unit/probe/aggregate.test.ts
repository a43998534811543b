import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateProgress,
  changeWeights,
  createAggregate,
  currentSegment,
  followTimeMs,
  ingestLines,
  type AggregateState,
} from '@/lib/probe/aggregate';
import { formatProbeLine, type ProbeResponseRecord } from '@/lib/probe/format';
import type { ProbeDestination } from '@/lib/probe/targets';
import { deepFreeze } from './freeze';

const T0 = 1_700_000_000_000;
const ROUTE: ProbeDestination[] = [
  { name: 'my-apache', host: 'my-apache', weight: 10 },
  { name: 'my-apache-2', host: 'my-apache-2', weight: 90 },
];

function resp(second: number, over: Partial<ProbeResponseRecord> = {}): string {
  return formatProbeLine({
    kind: 'response',
    worker: 0,
    time: T0 + second * 1000,
    index: 0,
    status: 200,
    latencyMs: 2,
    exitCode: 0,
    connects: 1,
    size: 40,
    digest: 'aa',
    ...over,
  });
}

const tagged = (second: number, name: string, over: Partial<ProbeResponseRecord> = {}) => resp(second, { tag: name, ...over });
const start = formatProbeLine({ kind: 'start', time: T0, id: 'p1', count: 100, rate: 10, workers: 1, sidecar: true, proxyStatus: 200, learn: 0 });

describe('ingestLines', () => {
  it('counts classified, unclassified, errors and malformed lines apart', () => {
    const state = ingestLines(createAggregate(ROUTE), [
      start,
      tagged(0, 'my-apache'),
      tagged(0, 'my-apache-2'),
      tagged(1, 'my-apache-2', { status: 404 }),
      resp(1, { digest: 'ffff' }),
      resp(1, { status: 503 }),
      tagged(2, 'my-apache', { status: 0, exitCode: 28, latencyMs: 5000 }),
      'sh: 1: oops',
      'ssp/9 resp',
      '',
    ]);
    expect(state.totals).toMatchObject({ responses: 6, errors: 2, unclassified: 1, malformed: 2 });
    expect(state.problems).toEqual({ foreign: 1, 'unsupported-version': 1 });
    const [a, b] = state.destinations;
    expect(a).toMatchObject({ responses: 2, errors: 1, statusCodes: { '200': 1, '000': 1 } });
    expect(b).toMatchObject({ responses: 2, errors: 0, statusCodes: { '200': 1, '404': 1 } });
    expect(currentSegment(state).test.counts).toEqual([1, 2]);
    expect(state.bins.map((bin) => bin.counts)).toEqual([{ 'my-apache': 1, 'my-apache-2': 1 }, { 'my-apache-2': 1 }, {}]);
    expect(state.bins.map((bin) => [bin.errors, bin.unclassified])).toEqual([[0, 0], [1, 1], [1, 0]]);
    expect(aggregateProgress(state)).toBeCloseTo(0.06, 12);
  });

  it('classifies by fingerprints learned from learn lines', () => {
    const learn = (name: string, digest: string) =>
      formatProbeLine({ kind: 'learn', name, time: T0, index: 0, status: 200, latencyMs: 1, exitCode: 0, connects: 1, size: 40, digest });
    const state = ingestLines(createAggregate(ROUTE), [learn('my-apache', '11'), learn('my-apache-2', '22'), resp(0, { digest: '11' }), resp(0, { digest: '22' }), resp(0, { digest: '22' })]);
    expect(state.totals.learn).toBe(2);
    expect(currentSegment(state).test.counts).toEqual([1, 2]);
  });

  it('closes bins with the segment’s cumulative shares and intervals', () => {
    const lines = [start, ...Array.from({ length: 30 }, (_, i) => tagged(Math.floor(i / 10), i % 10 === 0 ? 'my-apache' : 'my-apache-2'))];
    const state = ingestLines(createAggregate(ROUTE), lines);
    const [first, second, third] = state.bins;
    expect(first?.closing?.['my-apache']?.share).toBeCloseTo(0.1, 12);
    expect(second?.closing?.['my-apache']?.low).toBeGreaterThanOrEqual(first?.closing?.['my-apache']?.low ?? 1);
    expect(third?.closing).toBeNull();
  });

  it('coarsens bins instead of growing past its bound', () => {
    const state = ingestLines(createAggregate(ROUTE, { maxBins: 8 }), [start, ...Array.from({ length: 100 }, (_, s) => tagged(s, 'my-apache-2'))]);
    expect(state.bins.length).toBeLessThanOrEqual(8);
    expect(state.binMs).toBe(16_000);
    expect(state.bins.reduce((sum, bin) => sum + (bin.counts['my-apache-2'] ?? 0), 0)).toBe(100);
  });

  it('reaches a verdict and marks it', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => tagged(Math.floor(i / 150), i % 10 === 0 ? 'my-apache' : 'my-apache-2'));
    const state = ingestLines(createAggregate(ROUTE), [start, ...lines]);
    expect(currentSegment(state).verdict).toBe('consistent');
    expect(state.markers.map((m) => m.kind)).toEqual(['consistent']);
  });

  it('never modifies the state it is given', () => {
    const before = deepFreeze(ingestLines(createAggregate(ROUTE), [start, tagged(0, 'my-apache'), tagged(3, 'my-apache-2')]));
    const after = ingestLines(before, [tagged(1, 'my-apache'), tagged(5, 'my-apache-2'), resp(5, { status: 500 }), 'junk']);
    expect(after.totals.responses).toBe(before.totals.responses + 3);
    const changed = deepFreeze(changeWeights(after, { time: T0 + 6000, destinations: ROUTE }));
    expect(ingestLines(changed, [tagged(9, 'my-apache')]).segments).toHaveLength(2);
  });
});

describe('invariants', () => {
  const line = fc.oneof(
    fc.record({ s: fc.nat(2000), d: fc.constantFrom('my-apache', 'my-apache-2', 'other') }).map(({ s, d }) => tagged(s, d)),
    fc.nat(2000).map((s) => resp(s, { status: 503 })),
    fc.nat(2000).map((s) => resp(s, { digest: 'ffff' })),
    fc.string(),
  );

  it('accounts for every response once, and stays within its bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.array(line, { maxLength: 40 }), { maxLength: 8 }), (batches) => {
        let state: AggregateState = createAggregate(ROUTE, { maxBins: 16 });
        for (const batch of batches) state = ingestLines(state, batch);
        const binned = state.bins.reduce((sum, bin) => sum + bin.errors + bin.unclassified + Object.values(bin.counts).reduce((a, b) => a + b, 0), 0);
        expect(binned).toBe(state.totals.responses);
        const segment = currentSegment(state);
        expect(segment.test.draws + segment.errors + segment.unclassified + segment.settling).toBe(state.totals.responses);
        expect(state.bins.length).toBeLessThanOrEqual(16);
        for (const d of state.destinations) {
          expect(Object.values(d.statusCodes).reduce((a, b) => a + b, 0)).toBe(d.responses);
          expect(d.latency.total).toBe(d.responses);
        }
      }),
    );
  });

  it('gives the same result whether lines come in one batch or many', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.integer({ min: 1, max: 10 }), (lines, size) => {
        const whole = ingestLines(createAggregate(ROUTE), lines);
        let split = createAggregate(ROUTE);
        for (let i = 0; i < lines.length; i += size) split = ingestLines(split, lines.slice(i, i + size));
        expect({ ...split, version: 0 }).toEqual({ ...whole, version: 0 });
      }),
    );
  });
});

describe('weight changes', () => {
  const to5050 = [
    { name: 'my-apache', host: 'my-apache', weight: 50 },
    { name: 'my-apache-2', host: 'my-apache-2', weight: 50 },
  ];

  it('starts a new segment whose statistics begin after the change', () => {
    let state = ingestLines(createAggregate(ROUTE), [start, tagged(0, 'my-apache-2'), tagged(1, 'my-apache-2')]);
    state = changeWeights(state, { time: T0 + 1500, destinations: to5050 });
    // Stamped second 1 (1.0–1.999 s) straddles the change at 1.5 s: counted, not tested.
    state = ingestLines(state, [tagged(1, 'my-apache'), tagged(2, 'my-apache'), tagged(2, 'my-apache-2')]);
    const [first, second] = state.segments;
    expect(first?.test.draws).toBe(2);
    expect(second?.settling).toBe(1);
    expect(second?.test.draws).toBe(2);
    expect(second?.destinations.map((d) => d.target)).toEqual([0.5, 0.5]);
    expect(state.markers).toEqual([{ time: T0 + 1500, kind: 'weights', segment: 1 }]);
  });

  it('puts late lines from before the change in the old segment', () => {
    let state = changeWeights(ingestLines(createAggregate(ROUTE), [start]), { time: T0 + 5000, destinations: to5050 });
    state = ingestLines(state, [tagged(2, 'my-apache-2'), tagged(7, 'my-apache')]);
    expect(state.segments.map((s) => s.test.draws)).toEqual([1, 1]);
  });

  it('keeps dropped destinations at weight 0 and leaves out responses within settleMs', () => {
    let state = createAggregate(ROUTE, { settleMs: 3000 });
    state = changeWeights(state, { time: T0, destinations: [{ name: 'my-apache-2', host: 'my-apache-2', weight: 100 }] });
    state = ingestLines(state, [start, tagged(1, 'my-apache'), tagged(4, 'my-apache-2')]);
    const segment = currentSegment(state);
    expect(segment.destinations.map((d) => [d.name, d.target])).toEqual([
      ['my-apache-2', 1],
      ['my-apache', 0],
    ]);
    expect(segment.settling).toBe(1);
    expect(segment.test.draws).toBe(1);
  });

  it('measures how long the split took to follow', () => {
    let state = ingestLines(createAggregate(ROUTE), [start]);
    state = changeWeights(state, { time: T0 + 10_000, destinations: to5050 });
    const lines = Array.from({ length: 4000 }, (_, i) => tagged(10 + Math.floor(i / 100), i % 2 === 0 ? 'my-apache' : 'my-apache-2'));
    state = ingestLines(state, lines);
    const follow = followTimeMs(currentSegment(state));
    expect(currentSegment(state).verdict).toBe('consistent');
    expect(follow).toBeGreaterThan(0);
    expect(follow).toBeLessThan(40_000);
    expect(followTimeMs(state.segments[0] ?? currentSegment(state))).toBeNull();
  });
});

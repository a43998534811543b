import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProbeLine, parseProbeLine, PROBE_FORMAT_VERSION, type ProbeRecord } from '@/lib/probe/format';

// Lines exactly as the script printed them with dash, mawk and curl 7.88.
const SCRIPT_LINES: { line: string; record: ProbeRecord }[] = [
  {
    line: 'ssp/1 start t=1795630406 id=abc count=12 rate=100 workers=2 sidecar=0 proxy=000 learn=2',
    record: { kind: 'start', time: 1795630406000, id: 'abc', count: 12, rate: 100, workers: 2, sidecar: false, proxyStatus: 0, learn: 2 },
  },
  {
    line: 'ssp/1 learn name=b%20dest t=1795630406 i=0 code=200 ms=0.592 exit=0 conn=1 len=41 digest=44a80082 tag=b%20dest',
    record: {
      kind: 'learn',
      name: 'b dest',
      time: 1795630406000,
      index: 0,
      status: 200,
      latencyMs: 0.592,
      exitCode: 0,
      connects: 1,
      size: 41,
      digest: '44a80082',
      tag: 'b dest',
    },
  },
  {
    line: 'ssp/1 resp w=1 t=1795630406 i=3 code=200 ms=0.474 exit=0 conn=1 len=3 digest=0004aabb tag=b',
    record: { kind: 'response', worker: 1, time: 1795630406000, index: 3, status: 200, latencyMs: 0.474, exitCode: 0, connects: 1, size: 3, digest: '0004aabb', tag: 'b' },
  },
  {
    line: 'ssp/1 resp w=0 t=1795629499 i=0 code=000 ms=0.156 exit=7 conn=0 len=0 digest=00000007',
    record: { kind: 'response', worker: 0, time: 1795629499000, index: 0, status: 0, latencyMs: 0.156, exitCode: 7, connects: 0, size: 0, digest: '00000007' },
  },
  { line: 'ssp/1 end t=1795630407 reason=done', record: { kind: 'end', time: 1795630407000, reason: 'done' } },
];

describe('parseProbeLine', () => {
  it('is version 1', () => expect(PROBE_FORMAT_VERSION).toBe(1));

  it.each(SCRIPT_LINES)('reads $line', ({ line, record }) => {
    expect(parseProbeLine(line)).toEqual({ ok: true, record });
    expect(parseProbeLine(`${line}\r\n`)).toEqual({ ok: true, record });
  });

  it('ignores keys it does not know (later additions within version 1)', () => {
    const parsed = parseProbeLine('ssp/1 end t=5 future=yes');
    expect(parsed).toEqual({ ok: true, record: { kind: 'end', time: 5000 } });
  });

  it.each([
    { line: '', reason: 'blank' },
    { line: '   ', reason: 'blank' },
    { line: 'sh: 1: curl: not found', reason: 'foreign' },
    { line: 'ssp/2 resp w=0', reason: 'unsupported-version' },
    { line: 'ssp/1 hello t=1', reason: 'unknown-kind' },
    { line: 'ssp/1 end', reason: 'missing-field', field: 't' },
    { line: 'ssp/1 end t=soon', reason: 'bad-field', field: 't' },
    { line: 'ssp/1 end t=1 t=2', reason: 'bad-field', field: 't' },
    { line: 'ssp/1 end t=1 =x', reason: 'bad-field', field: '' },
    { line: 'ssp/1 end t=1 novalue', reason: 'bad-field', field: 'novalue' },
    { line: 'ssp/1 resp w=0 t=1 i=0 code=200 ms=1 exit=0 conn=1 len=3 digest=XYZ', reason: 'bad-field', field: 'digest' },
    { line: 'ssp/1 resp w=0 t=1 i=0 code=-1 ms=1 exit=0 conn=1 len=3 digest=ab', reason: 'bad-field', field: 'code' },
    { line: 'ssp/1 resp w=0 t=1 i=0 code=200 exit=0 conn=1 len=3 digest=ab', reason: 'missing-field', field: 'ms' },
    { line: 'ssp/1 start t=1 id=x count=1 rate=1 workers=1 sidecar=yes proxy=0 learn=0', reason: 'bad-field', field: 'sidecar' },
  ])('reports "$reason" for "$line"', ({ line, reason, field }) => {
    const parsed = parseProbeLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.reason).toBe(reason);
      expect(parsed.problem.field).toBe(field);
    }
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `ssp/1 resp ${s}`), fc.string().map((s) => `ssp/1 start ${s}`)), (line) => {
        const parsed = parseProbeLine(line);
        expect(typeof parsed.ok).toBe('boolean');
      }),
    );
  });
});

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const time = fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => s * 1000);
const ms = fc.integer({ min: 0, max: 10_000_000 }).map((us) => us / 1000);
const exchange = {
  time,
  index: fc.nat(1_000_000),
  status: fc.integer({ min: 0, max: 999 }),
  latencyMs: ms,
  exitCode: fc.nat(99),
  connects: fc.nat(3),
  size: fc.nat(10_000_000),
  digest: fc.stringMatching(/^[0-9a-f]{8}$/),
  tag: fc.option(text, { nil: undefined }),
};
const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const records: fc.Arbitrary<ProbeRecord> = fc.oneof(
  fc.record({
    kind: fc.constant('start' as const),
    time,
    id: text,
    count: fc.nat(1_000_000),
    rate: fc.integer({ min: 1, max: 5000 }).map((r) => r / 10),
    workers: fc.integer({ min: 1, max: 8 }),
    sidecar: fc.boolean(),
    proxyStatus: fc.integer({ min: 0, max: 999 }),
    learn: fc.nat(16),
  }),
  fc.record({ kind: fc.constant('learn' as const), name: text, ...exchange }).map(withoutUndefined),
  fc.record({ kind: fc.constant('response' as const), worker: fc.nat(8), ...exchange }).map(withoutUndefined),
  fc.record({ kind: fc.constant('end' as const), time, reason: fc.option(text, { nil: undefined }) }).map(withoutUndefined),
);

describe('formatProbeLine', () => {
  it.each(SCRIPT_LINES)('writes $record.kind records as the script does', ({ line, record }) => {
    expect(formatProbeLine(record)).toBe(line);
  });

  it('round-trips through parseProbeLine', () => {
    fc.assert(
      fc.property(records, (record) => {
        const line = formatProbeLine(record);
        expect(line).not.toMatch(/[\n\r\t]/);
        expect(parseProbeLine(line)).toEqual({ ok: true, record });
      }),
    );
  });
});

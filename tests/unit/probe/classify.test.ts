import { describe, expect, it } from 'vitest';
import { classifyExchange, isErrorExchange, learnFingerprint, NO_FINGERPRINTS, type Fingerprints } from '@/lib/probe/classify';
import type { ProbeExchange, ProbeLearnRecord } from '@/lib/probe/format';

const base: ProbeExchange = { time: 0, index: 0, status: 200, latencyMs: 1, exitCode: 0, connects: 1, size: 40, digest: '4c210113' };
const learn = (name: string, over: Partial<ProbeLearnRecord> = {}): ProbeLearnRecord => ({ kind: 'learn', name, ...base, ...over });
const names = new Set(['my-apache', 'my-apache-2']);

function learned(): Fingerprints {
  return [learn('my-apache'), learn('my-apache'), learn('my-apache-2', { digest: '44a80082', size: 41 })].reduce(learnFingerprint, NO_FINGERPRINTS);
}

describe('isErrorExchange', () => {
  it.each([
    { status: 200, exitCode: 0, error: false },
    { status: 404, exitCode: 0, error: false },
    { status: 503, exitCode: 0, error: true },
    { status: 500, exitCode: 0, error: true },
    { status: 0, exitCode: 7, error: true },
    { status: 200, exitCode: 28, error: true },
  ])('status $status, exit $exitCode → $error', ({ status, exitCode, error }) => {
    expect(isErrorExchange({ status, exitCode })).toBe(error);
  });
});

describe('learnFingerprint', () => {
  it('learns one body per destination and counts responses', () => {
    const fp = learned();
    expect(fp.byKey).toEqual({ '4c210113/40': 'my-apache', '44a80082/41': 'my-apache-2' });
    expect(fp.learned).toEqual({ 'my-apache': { responses: 2, errors: 0 }, 'my-apache-2': { responses: 1, errors: 0 } });
  });

  it('learns nothing from errors but counts them', () => {
    const fp = learnFingerprint(NO_FINGERPRINTS, learn('my-apache', { status: 0, exitCode: 7 }));
    expect(fp.byKey).toEqual({});
    expect(fp.learned['my-apache']).toEqual({ responses: 1, errors: 1 });
  });

  it('drops a body that two destinations answer alike', () => {
    const fp = [learn('a'), learn('b'), learn('a')].reduce(learnFingerprint, NO_FINGERPRINTS);
    expect(fp.byKey).toEqual({});
    expect(fp.ambiguous).toEqual(['4c210113/40']);
  });

  it('does not modify its input', () => {
    const fp = learned();
    const before = JSON.stringify(fp);
    learnFingerprint(fp, learn('other', { digest: 'ffff', size: 1 }));
    expect(JSON.stringify(fp)).toBe(before);
  });
});

describe('classifyExchange', () => {
  const fp = learned();
  it.each([
    { name: 'tag first, even against the body', exchange: { ...base, tag: 'my-apache-2' }, want: { kind: 'destination', name: 'my-apache-2', by: 'tag' } },
    { name: 'body fingerprint without a tag', exchange: base, want: { kind: 'destination', name: 'my-apache', by: 'fingerprint' } },
    { name: 'unknown tag falls back to the body', exchange: { ...base, tag: 'v9' }, want: { kind: 'destination', name: 'my-apache', by: 'fingerprint' } },
    { name: 'unknown tag and body', exchange: { ...base, digest: 'ab', tag: 'v9' }, want: { kind: 'unclassified', reason: 'unknown-tag' } },
    { name: 'unknown body', exchange: { ...base, digest: 'ab' }, want: { kind: 'unclassified', reason: 'no-match' } },
    { name: 'same digest, other size', exchange: { ...base, size: 41 }, want: { kind: 'unclassified', reason: 'no-match' } },
    { name: '503 without tag', exchange: { ...base, status: 503 }, want: { kind: 'error' } },
    { name: 'timeout', exchange: { ...base, status: 0, exitCode: 28 }, want: { kind: 'error' } },
    { name: '500 with a tag is that destination\'s error', exchange: { ...base, status: 500, tag: 'my-apache' }, want: { kind: 'error', name: 'my-apache' } },
  ])('$name', ({ exchange, want }) => {
    expect(classifyExchange(exchange, names, fp)).toEqual(want);
  });

  it('reports an ambiguous body as such', () => {
    const both = [learn('my-apache'), learn('my-apache-2')].reduce(learnFingerprint, NO_FINGERPRINTS);
    expect(classifyExchange(base, names, both)).toEqual({ kind: 'unclassified', reason: 'ambiguous' });
  });

  it('ignores fingerprints of destinations outside the route', () => {
    expect(classifyExchange(base, new Set(['other']), fp)).toEqual({ kind: 'unclassified', reason: 'no-match' });
  });
});

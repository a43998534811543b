import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DestinationRule, HTTPRoute, VirtualService } from '@/lib/sandbox/runtime/istio-shapes';
import {
  applyHeaderOperations,
  chooseWeighted,
  durationMs,
  faultFires,
  firstMatchingRoute,
  requestMatches,
  rewritePath,
  selectDestinationRule,
  selectVirtualService,
  stringMatches,
  type RequestFacts,
} from '@/lib/sandbox/runtime/mesh/routing';

const request: RequestFacts = {
  method: 'GET',
  path: '/reviews/0?user=jason&debug=1',
  scheme: 'http',
  authority: 'reviews:9080',
  port: 9080,
  headers: { 'end-user': 'jason', 'x-canary': 'yes' },
  sourceNamespace: 'bookinfo',
  sourceLabels: { app: 'productpage', version: 'v1' },
};

/** A deterministic source of uniform numbers (mulberry32), so draws are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('string matches', () => {
  it('reads exact, prefix and regex (full match, RE2 style)', () => {
    expect(stringMatches({ exact: '/a' }, '/a')).toBe(true);
    expect(stringMatches({ exact: '/a' }, '/ab')).toBe(false);
    expect(stringMatches({ prefix: '/re' }, '/reviews')).toBe(true);
    expect(stringMatches({ regex: '/rev.*' }, '/reviews')).toBe(true);
    expect(stringMatches({ regex: 'rev' }, '/reviews')).toBe(false);
    expect(stringMatches({ regex: '(' }, '(')).toBe(false);
  });

  it('treats an empty match as presence and ignores case only when asked', () => {
    expect(stringMatches({}, '')).toBe(true);
    expect(stringMatches({}, undefined)).toBe(false);
    expect(stringMatches({ prefix: '/Reviews' }, '/reviews')).toBe(false);
    expect(stringMatches({ prefix: '/Reviews' }, '/reviews', true)).toBe(true);
  });
});

describe('HTTP match requests', () => {
  it.each([
    [{ uri: { prefix: '/reviews' } }, true],
    [{ uri: { exact: '/reviews/0' } }, true],
    [{ uri: { exact: '/REVIEWS/0' }, ignoreUriCase: true }, true],
    [{ uri: { exact: '/REVIEWS/0' } }, false],
    [{ method: { exact: 'POST' } }, false],
    [{ headers: { 'End-User': { exact: 'jason' } } }, true],
    [{ headers: { 'end-user': { exact: 'mary' } } }, false],
    [{ headers: { 'x-canary': {} } }, true],
    [{ withoutHeaders: { 'x-canary': {} } }, false],
    [{ withoutHeaders: { 'x-absent': {} } }, true],
    [{ queryParams: { user: { exact: 'jason' } } }, true],
    [{ queryParams: { user: { regex: 'ja.*' } } }, true],
    [{ queryParams: { user: { exact: 'mary' } } }, false],
    [{ port: 9080 }, true],
    [{ port: 80 }, false],
    [{ sourceLabels: { app: 'productpage' } }, true],
    [{ sourceLabels: { app: 'ratings' } }, false],
    [{ sourceNamespace: 'bookinfo' }, true],
    [{ sourceNamespace: 'default' }, false],
    [{ gateways: ['bookinfo-gateway'] }, false],
    [{ gateways: ['mesh'] }, true],
    [{ authority: { prefix: 'reviews' } }, true],
    [{ uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'mary' } } }, false],
  ])('%j matches: %s', (match, expected) => {
    expect(requestMatches(match, request)).toBe(expected);
  });

  it('takes the first route whose match list matches, and a route without matches catches all', () => {
    const routes: HTTPRoute[] = [
      { name: 'mary', match: [{ headers: { 'end-user': { exact: 'mary' } } }] },
      { name: 'jason', match: [{ uri: { prefix: '/nothing' } }, { headers: { 'end-user': { exact: 'jason' } } }] },
      { name: 'default' },
    ];
    expect(firstMatchingRoute(routes, request)?.route.name).toBe('jason');
    expect(firstMatchingRoute(routes, { ...request, headers: {} })?.route.name).toBe('default');
    expect(firstMatchingRoute(routes.slice(0, 2), { ...request, headers: {} })).toBeUndefined();
  });
});

describe('weighted choice', () => {
  it('gives a lone destination everything whatever its weight', () => {
    expect(chooseWeighted([{ weight: 0, id: 'a' }], Math.random)?.id).toBe('a');
    expect(chooseWeighted<{ weight?: number; id: string }>([{ id: 'a' }], Math.random)?.id).toBe('a');
  });

  it('never picks a weight-0 destination among several, and gives up when all weigh 0', () => {
    const random = seeded(7);
    const destinations: { weight?: number; id: string }[] = [{ weight: 0, id: 'a' }, { weight: 5, id: 'b' }, { id: 'c' }];
    for (let i = 0; i < 1000; i += 1) {
      expect(chooseWeighted(destinations, random)?.id).toBe('b');
    }
    expect(chooseWeighted([{ weight: 0 }, { weight: 0 }], random)).toBeUndefined();
  });

  it('follows weight/sum, whatever the sum (5-sigma band over 20,000 draws)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 5 }), fc.integer(), (weights, seed) => {
        const random = seeded(seed);
        const destinations = weights.map((weight, index) => ({ weight, index }));
        const counts = weights.map(() => 0);
        const n = 20_000;
        for (let i = 0; i < n; i += 1) {
          const chosen = chooseWeighted(destinations, random);
          if (chosen) counts[chosen.index] = (counts[chosen.index] ?? 0) + 1;
        }
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((weight, index) => {
          const p = weight / total;
          const sigma = Math.sqrt(n * p * (1 - p));
          expect(Math.abs((counts[index] ?? 0) - n * p)).toBeLessThanOrEqual(5 * sigma + 1);
        });
      }),
      { numRuns: 25 },
    );
  });

  it('maps the draw onto destinations in order (10/90: draws below 0.1 go to the first)', () => {
    const d = [{ weight: 10, id: 'a' }, { weight: 90, id: 'b' }];
    expect(chooseWeighted(d, () => 0.05)?.id).toBe('a');
    expect(chooseWeighted(d, () => 0.1)?.id).toBe('b');
    expect(chooseWeighted(d, () => 0.999)?.id).toBe('b');
  });
});

function vs(name: string, namespace: string, spec: VirtualService['spec'], created = '2024-01-01T00:00:00Z'): VirtualService {
  return { metadata: { name, namespace, creationTimestamp: created }, spec };
}

describe('VirtualService selection', () => {
  const fqdn = 'my-apache-vs.default.svc.cluster.local';

  it('resolves short hosts in the VirtualService namespace, not the client namespace', () => {
    const inDefault = vs('a', 'default', { hosts: ['my-apache-vs'] });
    const inOther = vs('b', 'other', { hosts: ['my-apache-vs'] });
    expect(selectVirtualService([inOther, inDefault], fqdn, 'other')?.metadata.name).toBe('a');
  });

  it('skips VirtualServices bound only to gateways, or not exported to the client', () => {
    expect(selectVirtualService([vs('g', 'default', { hosts: ['my-apache-vs'], gateways: ['web'] })], fqdn, 'default')).toBeUndefined();
    expect(selectVirtualService([vs('m', 'default', { hosts: ['my-apache-vs'], gateways: ['web', 'mesh'] })], fqdn, 'default')?.metadata.name).toBe('m');
    const local = vs('l', 'default', { hosts: ['my-apache-vs'], exportTo: ['.'] });
    expect(selectVirtualService([local], fqdn, 'default')?.metadata.name).toBe('l');
    expect(selectVirtualService([local], fqdn, 'other')).toBeUndefined();
  });

  it('covers hosts by wildcard and lets the oldest win among several', () => {
    const wildcard = vs('w', 'default', { hosts: ['*.default.svc.cluster.local'] }, '2024-01-02T00:00:00Z');
    const exact = vs('e', 'default', { hosts: ['my-apache-vs.default.svc.cluster.local'] }, '2024-01-03T00:00:00Z');
    expect(selectVirtualService([exact, wildcard], fqdn, 'default')?.metadata.name).toBe('w');
  });
});

describe('DestinationRule selection', () => {
  const dr = (name: string, namespace: string, host: string): DestinationRule => ({ metadata: { name, namespace }, spec: { host } });
  it('looks in the client namespace, then the service namespace, then istio-system', () => {
    const rules = [dr('root', 'istio-system', 'reviews.bookinfo.svc.cluster.local'), dr('svc', 'bookinfo', 'reviews'), dr('client', 'front', 'reviews.bookinfo.svc.cluster.local')];
    const fqdn = 'reviews.bookinfo.svc.cluster.local';
    expect(selectDestinationRule(rules, fqdn, 'bookinfo', 'front')?.metadata.name).toBe('client');
    expect(selectDestinationRule(rules, fqdn, 'bookinfo', 'elsewhere')?.metadata.name).toBe('svc');
    expect(selectDestinationRule(rules.slice(0, 1), fqdn, 'bookinfo', 'elsewhere')?.metadata.name).toBe('root');
  });
});

describe('header operations, rewrites, faults and durations', () => {
  it('sets, appends and removes headers by lower-case name', () => {
    const headers: Record<string, string | string[]> = { 'x-a': '1', 'x-gone': 'x' };
    applyHeaderOperations(headers, { set: { 'X-A': '2' }, add: { 'x-a': '3', 'x-new': 'n' }, remove: ['X-Gone'] });
    expect(headers).toEqual({ 'x-a': ['2', '3'], 'x-new': 'n' });
  });

  it('rewrites the matched prefix, the whole path for exact matches, and only the leading / without a uri match', () => {
    expect(rewritePath('/v1/reviews?x=1', { uri: { prefix: '/v1' } }, '/v2')).toBe('/v2/reviews?x=1');
    expect(rewritePath('/old', { uri: { exact: '/old' } }, '/new')).toBe('/new');
    expect(rewritePath('/foo', undefined, '/v1')).toBe('/v1foo');
  });

  it('fires faults by percentage (legacy percent too), always without one', () => {
    expect(faultFires(undefined, undefined, () => 0.999)).toBe(true);
    expect(faultFires({ value: 10 }, undefined, () => 0.05)).toBe(true);
    expect(faultFires({ value: 10 }, undefined, () => 0.5)).toBe(false);
    expect(faultFires(undefined, 50, () => 0.6)).toBe(false);
  });

  it('reads protobuf durations', () => {
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('200ms')).toBe(200);
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs('soon')).toBeUndefined();
  });
});

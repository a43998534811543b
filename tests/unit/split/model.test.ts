import { describe, expect, it } from 'vitest';
import { destinationKey, inspectRoute, splitsOf } from '@/lib/split/model';
import type { K8sVirtualService } from '@/lib/wire';

describe('destinationKey', () => {
  it.each([
    [{ host: 'reviews' }, 'reviews'],
    [{ host: 'reviews', subset: 'v2' }, 'reviews/v2'],
    [{ host: 'reviews', port: 9080 }, 'reviews:9080'],
    [{ host: 'reviews.prod.svc.cluster.local', subset: 'v2', port: 9080 }, 'reviews.prod.svc.cluster.local:9080/v2'],
    [{ host: 'reviews', subset: '' }, 'reviews'],
  ])('%j -> %s', (ref, key) => {
    expect(destinationKey(ref)).toBe(key);
  });
});

describe('splitsOf', () => {
  const vs: K8sVirtualService = {
    spec: {
      http: [
        { name: 'jason', match: [{ headers: { 'end-user': { exact: 'jason' } } }, { uri: { prefix: '/api' } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
        { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 2 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 3 }] },
        { redirect: { uri: '/x' } },
      ],
      tcp: [{ route: [{ destination: { host: 'db', port: { number: 5432 } } }] }],
      tls: [{ match: [{ sniHosts: ['a.com'] }], route: [{ destination: { host: 'a.com' }, weight: 100 }] }],
    },
  };

  it('reads every http, tcp and tls route with shares, totals and a match summary', () => {
    const splits = splitsOf(vs);
    expect(splits.map((s) => [s.kind, s.index, s.splittable, s.reason ?? null, s.totalWeight, s.matchSummary ?? null, s.name ?? null])).toEqual([
      ['http', 0, true, null, 0, 'header end-user exact jason, or uri prefix /api', 'jason'],
      ['http', 1, true, null, 5, null, null],
      ['http', 2, false, 'redirect', 0, null, null],
      ['tcp', 0, true, null, 0, null, null],
      ['tls', 0, true, null, 100, 'sniHosts a.com', null],
    ]);
    expect(splits[1]?.destinations).toEqual([
      { host: 'reviews', subset: 'v1', weight: 2, share: 0.4, weightSet: true },
      { host: 'reviews', subset: 'v3', weight: 3, share: 0.6, weightSet: true },
    ]);
    expect(splits[3]?.destinations).toEqual([{ host: 'db', port: 5432, weight: 0, share: 1, weightSet: false }]);
  });

  it('returns nothing for objects without routes, and never throws on odd shapes', () => {
    expect(splitsOf({})).toEqual([]);
    expect(splitsOf({ spec: { http: 'nope' } } as unknown as K8sVirtualService)).toEqual([]);
    const odd = { spec: { http: [null, 7, { route: 'x' }, { route: [] }, { route: [{ destination: { host: 7 } }] }, { route: [{ weight: 'heavy', destination: { host: 'a' } }] }] } } as unknown as K8sVirtualService;
    expect(splitsOf(odd).map((s) => [s.reason, s.findings[0]?.code, s.findings[0]?.path])).toEqual([
      ['malformed', 'route-malformed', '/spec/http/0'],
      ['malformed', 'route-malformed', '/spec/http/1'],
      ['malformed', 'route-malformed', '/spec/http/2/route'],
      ['malformed', 'route-malformed', '/spec/http/3/route'],
      ['malformed', 'route-malformed', '/spec/http/4/route/0/destination'],
      ['malformed', 'route-malformed', '/spec/http/5/route/0/weight'],
    ]);
  });

  it('refuses a route with both route and redirect, which Istio rejects', () => {
    const both = { spec: { http: [{ redirect: { uri: '/' }, route: [{ destination: { host: 'a' } }] }] } };
    expect(inspectRoute(both, 'http', 0).reason).toBe('malformed');
  });

  it('marks a route listing one destination twice as not splittable, still showing its destinations', () => {
    const dup = { spec: { http: [{ route: [{ destination: { host: 'a' }, weight: 50 }, { destination: { host: 'a' }, weight: 50 }] }] } };
    const [split] = splitsOf(dup);
    expect(split?.reason).toBe('duplicate');
    expect(split?.destinations.map((d) => d.share)).toEqual([0.5, 0.5]);
  });
});

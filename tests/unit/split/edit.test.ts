import fc from 'fast-check';
import { deepClone } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { destinationKey } from '@/lib/split/destination';
import { changesSomething, planWeightEdit } from '@/lib/split/edit';
import { inspectRoute, splitsOf, type RouteSplit } from '@/lib/split/model';
import type { K8sVirtualService } from '@/lib/wire';
import { applied, changedPaths, deepFreeze, hostArb, keyOfEntry, partition, subsetArb, virtualServiceArb } from './arbitraries';

function routeEntries(vs: K8sVirtualService, split: RouteSplit): Record<string, unknown>[] {
  const route = inspectRoute(vs, split.kind, split.index).route;
  return (route?.route ?? []) as Record<string, unknown>[];
}

const seed: K8sVirtualService = deepFreeze({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'VirtualService',
  metadata: { name: 'hujin-virtual-svc', namespace: 'default', uid: 'u-1', resourceVersion: '7' },
  spec: {
    hosts: ['my-apache-vs'],
    http: [
      {
        route: [
          { destination: { host: 'my-apache', port: { number: 80 } }, weight: 10 },
          { destination: { host: 'my-apache-2', port: { number: 80 } }, weight: 90, headers: { response: { set: { a: 'b' } } } },
        ],
      },
    ],
  },
});

describe('planWeightEdit', () => {
  it('replaces only the weights that change, behind tests on identity and the destination list', () => {
    const plan = planWeightEdit(seed, {
      route: 0,
      destinations: [
        { host: 'my-apache', port: 80, weight: 50 },
        { host: 'my-apache-2', port: 80, weight: 50 },
      ],
    });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.patch).toEqual([
      { op: 'test', path: '/metadata/name', value: 'hujin-virtual-svc' },
      { op: 'test', path: '/metadata/namespace', value: 'default' },
      { op: 'test', path: '/metadata/uid', value: 'u-1' },
      { op: 'test', path: '/spec/http/0/route', value: seed.spec?.http?.[0]?.route },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 50 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 50 },
    ]);
    expect(plan.result).toEqual(applied(seed, plan.patch));
    expect(changedPaths(seed, plan.result)).toEqual(['/spec/http/0/route/0/weight', '/spec/http/0/route/1/weight']);
  });

  it('keeps extra fields of kept destinations, removes dropped ones and appends new ones in the reference shape', () => {
    const plan = planWeightEdit(seed, {
      route: 0,
      destinations: [
        { host: 'my-apache-3', subset: 'v2', port: 8080, weight: 30 },
        { host: 'my-apache-2', port: 80, weight: 70 },
      ],
    });
    expect(plan.ok && plan.result.spec?.http?.[0]?.route).toEqual([
      { destination: { host: 'my-apache-2', port: { number: 80 } }, weight: 70, headers: { response: { set: { a: 'b' } } } },
      { destination: { host: 'my-apache-3', subset: 'v2', port: { number: 8080 } }, weight: 30 },
    ]);
  });

  it('leaves an unset weight unset when asked for 0, and writes it when asked for more', () => {
    const vs = deepFreeze({ spec: { http: [{ route: [{ destination: { host: 'a' } }, { destination: { host: 'b' }, weight: 100 }] }] } });
    const same = planWeightEdit(vs, { route: 0, destinations: [{ host: 'a', weight: 0 }, { host: 'b', weight: 100 }] });
    expect(same.ok && changesSomething(same.patch)).toBe(false);
    const flip = planWeightEdit(vs, { route: 0, destinations: [{ host: 'a', weight: 100 }, { host: 'b', weight: 0 }] });
    expect(flip.ok && flip.patch.filter((op) => op.op !== 'test')).toEqual([
      { op: 'add', path: '/spec/http/0/route/0/weight', value: 100 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 0 },
    ]);
  });

  it('edits tcp and tls routes when asked', () => {
    const vs = deepFreeze({ spec: { tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'a', subset: 'v1' }, weight: 80 }, { destination: { host: 'a', subset: 'v2' }, weight: 20 }] }] } });
    const plan = planWeightEdit(vs, { route: 0, kind: 'tcp', destinations: [{ host: 'a', subset: 'v1', weight: 20 }, { host: 'a', subset: 'v2', weight: 80 }] });
    expect(plan.ok && changedPaths(vs, plan.result)).toEqual(['/spec/tcp/0/route/0/weight', '/spec/tcp/0/route/1/weight']);
  });

  it.each([
    { name: 'route out of range', change: { route: 3, destinations: [{ host: 'a', weight: 100 }] }, code: 'route-out-of-range' },
    { name: 'no destinations', change: { route: 0, destinations: [] }, code: 'destinations-empty' },
    { name: 'weights not summing to 100', change: { route: 0, destinations: [{ host: 'my-apache', port: 80, weight: 40 }, { host: 'my-apache-2', port: 80, weight: 40 }] }, code: 'weight-total-not-100' },
    { name: 'fractional weight', change: { route: 0, destinations: [{ host: 'my-apache', port: 80, weight: 50.5 }, { host: 'my-apache-2', port: 80, weight: 49.5 }] }, code: 'weight-invalid' },
    { name: 'weight over 100', change: { route: 0, destinations: [{ host: 'my-apache', port: 80, weight: 120 }, { host: 'my-apache-2', port: 80, weight: -20 }] }, code: 'weight-invalid' },
    { name: 'the same destination twice', change: { route: 0, destinations: [{ host: 'x', weight: 50 }, { host: 'x', weight: 50 }] }, code: 'destination-duplicate' },
    { name: 'a wildcard destination host', change: { route: 0, destinations: [{ host: '*', weight: 100 }] }, code: 'destination-invalid' },
    { name: 'a subset that is not a DNS label', change: { route: 0, destinations: [{ host: 'a', subset: 'V_1', weight: 100 }] }, code: 'destination-invalid' },
    { name: 'a port out of range', change: { route: 0, destinations: [{ host: 'a', port: 70000, weight: 100 }] }, code: 'destination-invalid' },
  ])('refuses $name with a finding', ({ change, code }) => {
    const plan = planWeightEdit(seed, change);
    expect(plan.ok).toBe(false);
    expect(plan.findings.map((f) => f.code)).toContain(code);
    expect(plan.findings.every((f) => f.message.length > 20 && f.severity === 'error')).toBe(true);
  });

  it('refuses an object without spec', () => {
    const plan = planWeightEdit({ kind: 'VirtualService' }, { route: 0, destinations: [{ host: 'a', weight: 100 }] });
    expect(!plan.ok && plan.findings[0]?.code).toBe('not-a-virtual-service');
  });

  it('refuses routes with the same destination twice, instead of guessing', () => {
    const vs = { spec: { http: [{ route: [{ destination: { host: 'a' }, weight: 50 }, { destination: { host: 'a' }, weight: 50 }] }] } };
    const plan = planWeightEdit(vs, { route: 0, destinations: [{ host: 'a', weight: 100 }] });
    expect(!plan.ok && plan.findings.map((f) => [f.code, f.path])).toEqual([['destination-duplicate', '/spec/http/0/route/1']]);
  });

  it('makes a concurrently changed destination list fail the patch instead of clobbering it', () => {
    const plan = planWeightEdit(seed, { route: 0, destinations: [{ host: 'my-apache', port: 80, weight: 100 }] });
    if (!plan.ok) throw new Error('plan refused');
    const concurrent = applied(seed, [{ op: 'replace', path: '/spec/http/0/route/1/weight', value: 85 }]);
    expect(() => applied(concurrent, plan.patch)).toThrow(/test/i);
    const recreated = applied(seed, [{ op: 'replace', path: '/metadata/uid', value: 'u-2' }]);
    expect(() => applied(recreated, plan.patch)).toThrow(/test/i);
  });
});

/** Every splittable route of a generated VirtualService. */
const withSplittableRoute = virtualServiceArb
  .map((vs) => ({ vs: deepFreeze(vs), splits: splitsOf(vs).filter((s) => s.splittable) }))
  .filter(({ splits }) => splits.length > 0)
  .chain(({ vs, splits }) => fc.record({ vs: fc.constant(vs), split: fc.constantFrom(...splits) }));

describe('planWeightEdit on generated VirtualServices (unknown fields everywhere)', () => {
  it('converting to splits and back is the identity', () => {
    fc.assert(
      fc.property(virtualServiceArb, (generated) => {
        const vs = deepFreeze(generated);
        for (const split of splitsOf(vs).filter((s) => s.splittable)) {
          const plan = planWeightEdit(vs, { route: split.index, kind: split.kind, destinations: split.destinations });
          expect(plan.ok).toBe(true);
          if (!plan.ok) return;
          expect(changesSomething(plan.patch)).toBe(false);
          expect(plan.result).toEqual(vs);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a weight edit changes exactly the weights asked for', () => {
    fc.assert(
      fc.property(
        withSplittableRoute.chain(({ vs, split }) => fc.record({ vs: fc.constant(vs), split: fc.constant(split), weights: partition(split.destinations.length) })),
        ({ vs, split, weights }) => {
          const destinations = split.destinations.map((d, i) => ({ ...d, weight: weights[i] ?? 0 }));
          const plan = planWeightEdit(vs, { route: split.index, kind: split.kind, destinations });
          expect(plan.ok).toBe(true);
          if (!plan.ok) return;
          const expected = deepClone(vs) as K8sVirtualService;
          const entries = routeEntries(expected, split);
          split.destinations.forEach((d, i) => {
            const entry = entries[i];
            const w = weights[i] ?? 0;
            if (entry && ('weight' in entry || w !== 0)) entry.weight = w;
          });
          expect(plan.result).toEqual(expected);
          expect(applied(vs, plan.patch)).toEqual(expected);
          for (const path of changedPaths(vs, plan.result)) expect(path).toMatch(new RegExp(`^${split.path}/route/\\d+/weight$`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('removing and adding destinations keeps the survivors in place with every field, and appends the new ones', () => {
    const newDestination = fc.record({ host: hostArb, subset: fc.option(subsetArb, { nil: undefined }) }).map((d) => ({ host: `new-${d.host}`.replace(/\.+$/, ''), ...(d.subset ? { subset: d.subset } : {}) }));
    fc.assert(
      fc.property(
        withSplittableRoute.chain(({ vs, split }) =>
          fc
            .record({
              keep: fc.array(fc.boolean(), { minLength: split.destinations.length, maxLength: split.destinations.length }),
              added: fc.uniqueArray(newDestination, { maxLength: 3, selector: (d) => `${d.host}/${d.subset ?? ''}` }),
            })
            .filter(({ keep, added }) => keep.some(Boolean) || added.length > 0)
            .filter(({ added }) => added.every((d) => split.destinations.every((e) => destinationKey(e) !== destinationKey(d))))
            .chain(({ keep, added }) =>
              partition(keep.filter(Boolean).length + added.length).map((weights) => ({ vs, split, keep, added, weights })),
            ),
        ),
        ({ vs, split, keep, added, weights }) => {
          const kept = split.destinations.filter((_, i) => keep[i]);
          const destinations = [...kept, ...added].map((d, i) => ({ ...d, weight: weights[i] ?? 0 }));
          const plan = planWeightEdit(vs, { route: split.index, kind: split.kind, destinations });
          expect(plan.ok).toBe(true);
          if (!plan.ok) return;
          const expected = deepClone(vs) as K8sVirtualService;
          const before = routeEntries(expected, split);
          const after = [
            ...before
              .filter((_, i) => keep[i])
              .map((entry, i) => {
                const w = weights[i] ?? 0;
                return 'weight' in entry || w !== 0 ? { ...entry, weight: w } : entry;
              }),
            ...added.map((d, i) => ({ destination: d, weight: weights[kept.length + i] ?? 0 })),
          ];
          const route = inspectRoute(expected, split.kind, split.index).route;
          if (route) route.route = after;
          expect(plan.result).toEqual(expected);
          expect(applied(vs, plan.patch)).toEqual(expected);
          expect(routeEntries(plan.result, split).map(keyOfEntry)).toEqual(destinations.map(destinationKey));
        },
      ),
      { numRuns: 300 },
    );
  });
});

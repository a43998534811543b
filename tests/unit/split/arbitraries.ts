/**
 * fast-check generators of VirtualServices as people write them: several http routes
 * (with matches, redirects, directResponses, delegates), tcp and tls routes, headers on
 * destinations, and unknown fields at every level (keys starting with `zz`, so they never
 * collide with a field Istio defines).
 */
import fc from 'fast-check';
import { applyPatch, deepClone } from 'fast-json-patch';
import { destinationKey } from '@/lib/split/destination';
import type { K8sVirtualService } from '@/lib/wire';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const key = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const scalar: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 8 }));
/** JSON values without -0, NaN or `__proto__` keys (they do not survive a JSON round trip). */
export const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Fields no Istio or Kubernetes schema defines. */
export const unknownFields: fc.Arbitrary<Record<string, Json>> = fc.dictionary(fc.stringMatching(/^zz[a-zA-Z0-9]{1,5}$/), jsonValue, { maxKeys: 2 });

const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
export const hostArb = fc.oneof(
  label,
  fc.tuple(label, label).map(([n, ns]) => `${n}.${ns}.svc.cluster.local`),
  fc.constantFrom('reviews', 'ratings', 'my-apache', 'my-apache-2', 'httpbin.org'),
);
export const subsetArb = fc.constantFrom('v1', 'v2', 'v3', 'stable', 'canary');
const portArb = fc.integer({ min: 1, max: 65535 });

const stringMap = fc.dictionary(fc.stringMatching(/^x-[a-z]{1,5}$/), fc.string({ maxLength: 6 }), { maxKeys: 2 });
const headerOps = fc
  .record(
    { set: stringMap, add: stringMap, remove: fc.array(fc.stringMatching(/^x-[a-z]{1,5}$/), { maxLength: 2 }) },
    { requiredKeys: [] },
  )
  .chain((ops) => unknownFields.map((u) => ({ ...u, ...ops })));
const headersArb = fc.record({ request: headerOps, response: headerOps }, { requiredKeys: [] }).chain((h) => unknownFields.map((u) => ({ ...u, ...h })));

export const destinationArb = fc
  .record({ host: hostArb, subset: subsetArb, port: portArb }, { requiredKeys: ['host'] })
  .chain((d) =>
    fc.tuple(unknownFields, unknownFields).map(([u, pu]) => {
      const out: Record<string, Json> = { ...u, host: d.host };
      if (d.subset !== undefined) out.subset = d.subset;
      if (d.port !== undefined) out.port = { ...pu, number: d.port };
      return out;
    }),
  );

function entryArb(withHeaders: boolean): fc.Arbitrary<Record<string, Json>> {
  return fc
    .record(
      {
        destination: destinationArb,
        weight: fc.integer({ min: 0, max: 100 }),
        headers: withHeaders ? headersArb : fc.constant(undefined),
      },
      { requiredKeys: ['destination'] },
    )
    .chain((e) =>
      unknownFields.map((u) => {
        const out: Record<string, Json> = { ...u, destination: e.destination };
        if (e.weight !== undefined) out.weight = e.weight;
        if (e.headers !== undefined) out.headers = e.headers;
        return out;
      }),
    );
}

/** The identity of a generated entry, as lib/split computes it. */
export function keyOfEntry(entry: Record<string, unknown>): string {
  const d = entry.destination as { host: string; subset?: string; port?: { number: number } };
  return destinationKey({ host: d.host, subset: d.subset, port: d.port?.number });
}

function entriesArb(withHeaders: boolean): fc.Arbitrary<Record<string, Json>[]> {
  return fc.uniqueArray(entryArb(withHeaders), { minLength: 1, maxLength: 5, selector: keyOfEntry });
}

const matchArb = fc.array(
  fc.oneof(
    fc.record({ uri: fc.record({ prefix: fc.constantFrom('/', '/api', '/v2') }) }),
    fc.record({ headers: fc.record({ 'end-user': fc.record({ exact: fc.constantFrom('jason', 'kim') }) }) }),
    fc.record({ gateways: fc.constantFrom(['mesh'], ['istio-system/gw']) }),
  ),
  { minLength: 1, maxLength: 2 },
);

const routeHttp = fc
  .record(
    { name: label, match: matchArb, route: entriesArb(true), timeout: fc.constantFrom('5s', '1m'), headers: headersArb },
    { requiredKeys: ['route'] },
  )
  .chain((r) => unknownFields.map((u) => ({ ...u, ...r })));
const nonRouteHttp = fc
  .oneof(
    fc.record({ redirect: fc.record({ uri: fc.constant('/elsewhere') }) }),
    fc.record({ directResponse: fc.record({ status: fc.constantFrom(404, 503) }) }),
    fc.record({ delegate: fc.record({ name: label, namespace: label }) }),
  )
  .chain((r) => fc.tuple(unknownFields, fc.option(matchArb, { nil: undefined })).map(([u, m]) => ({ ...u, ...(m ? { match: m } : {}), ...r })));
const l4Route = fc
  .record({ match: fc.array(fc.record({ port: portArb }), { maxLength: 1 }), route: entriesArb(false) }, { requiredKeys: ['route'] })
  .chain((r) => unknownFields.map((u) => ({ ...u, ...r })));

/** Annotations, sometimes including one of Splitscope's own (with any content). */
const annotations = fc.dictionary(fc.stringMatching(/^[a-z]{1,5}\.io\/[a-z]{1,5}$/), fc.string({ maxLength: 10 }), { maxKeys: 2 });

export const virtualServiceArb: fc.Arbitrary<K8sVirtualService> = fc
  .record(
    {
      meta: fc.record(
        { name: label, namespace: label, uid: fc.uuid(), resourceVersion: fc.integer({ min: 1, max: 99999 }).map(String), labels: stringMap, annotations },
        { requiredKeys: ['name'] },
      ),
      metaUnknown: unknownFields,
      hosts: fc.array(hostArb, { minLength: 1, maxLength: 2 }),
      gateways: fc.option(fc.constantFrom(['mesh'], ['istio-system/gw', 'mesh']), { nil: undefined }),
      exportTo: fc.option(fc.constantFrom(['*'], ['.']), { nil: undefined }),
      http: fc.option(fc.array(fc.oneof({ weight: 4, arbitrary: routeHttp }, { weight: 1, arbitrary: nonRouteHttp }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
      tcp: fc.option(fc.array(l4Route, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      tls: fc.option(fc.array(l4Route, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      specUnknown: unknownFields,
      topUnknown: unknownFields,
      apiVersion: fc.constantFrom('networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'),
    },
    { requiredKeys: ['meta', 'metaUnknown', 'hosts', 'specUnknown', 'topUnknown', 'apiVersion'] },
  )
  .map((g) => {
    const spec: Record<string, unknown> = { ...g.specUnknown, hosts: g.hosts };
    if (g.gateways) spec.gateways = g.gateways;
    if (g.exportTo) spec.exportTo = g.exportTo;
    if (g.http) spec.http = g.http;
    if (g.tcp) spec.tcp = g.tcp;
    if (g.tls) spec.tls = g.tls;
    return { ...g.topUnknown, apiVersion: g.apiVersion, kind: 'VirtualService', metadata: { ...g.metaUnknown, ...g.meta }, spec };
  });

/** `k` non-negative integers that sum to `total`. */
export function partition(k: number, total = 100): fc.Arbitrary<number[]> {
  if (k <= 0) return fc.constant([]);
  return fc.array(fc.integer({ min: 0, max: total }), { minLength: k - 1, maxLength: k - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), total];
    return sorted.slice(1).map((c, i) => c - (sorted[i] ?? 0));
  });
}

/** Freezes a value deeply, so a test fails if code under test mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The JSON pointers where two JSON values differ, element by element. */
export function changedPaths(a: unknown, b: unknown, at = ''): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) out.push(`${at}/${i}`);
      else out.push(...changedPaths(a[i], b[i], `${at}/${i}`));
    }
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => {
      const p = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!(k in a) || !(k in b)) return [p];
      return changedPaths(a[k], b[k], p);
    });
  }
  return Object.is(a, b) || JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** Applies a JSON Patch the way the API server would (fast-json-patch, validating), to a copy. */
export function applied(vs: K8sVirtualService, patch: unknown): K8sVirtualService {
  return applyPatch(deepClone(vs), deepClone(patch), true, true).newDocument;
}

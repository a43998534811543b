/**
 * PUT /api/virtualservices/{ns}/{name}/weights (and the revert beside it): a weight edit
 * changes the weights of one route and nothing else, guarded by the resourceVersion the
 * user read. Every outcome is checked with a raw GET of what the cluster stores.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { objectSchema } from '../../contract/support/shapes';
import { parseStatus } from '../../contract/support/suite';
import { callApi, changeResultSchema, detailSchema, errorBodySchema, parseAs } from './support/api';
import { create, deleteIfPresent, getObject, kube, vsPath } from './support/cluster';
import { arr, meta, obj, str, withoutServerFields, type JsonObject } from './support/json';
import { API_NAMESPACE, ensureApiScene, HISTORY_ANNOTATION } from './support/scene';

const ns = API_NAMESPACE;
const NAME = 'api-weights';
const path = vsPath(ns, NAME);
const weightsUrl = `/api/virtualservices/${ns}/${NAME}/weights`;
/** Kubernetes' limit on all annotations of an object together (apimachinery's TotalAnnotationSizeLimitB). */
const ANNOTATIONS_LIMIT = 256 * 1024;

/** A hand-written VirtualService with much besides weights, all of which an edit must keep. */
const handWritten: Json = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    name: NAME,
    namespace: ns,
    labels: { team: 'api', 'app.kubernetes.io/part-of': 'shop' },
    annotations: { 'example.com/owner': 'ops', 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"VirtualService"}' },
  },
  spec: {
    hosts: ['api-a', 'api-a.example.com'],
    gateways: ['mesh'],
    exportTo: ['*'],
    http: [
      {
        name: 'primary',
        match: [{ headers: { 'x-canary': { exact: 'yes' } }, uri: { prefix: '/v2' } }],
        retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' },
        timeout: '10s',
        headers: { request: { set: { 'x-route': 'primary' } } },
        route: [
          { destination: { host: 'api-a', port: { number: 80 } }, weight: 10, headers: { response: { add: { 'x-dest': 'a' } } } },
          { destination: { host: 'api-b' }, weight: 90 },
        ],
        mirror: { host: 'api-b' },
        mirrorPercentage: { value: 5.5 },
      },
      { name: 'fallback', route: [{ destination: { host: 'api-a' } }] },
      { name: 'moved', redirect: { uri: '/elsewhere' } },
    ],
    tcp: [{ match: [{ port: 9000 }], route: [{ destination: { host: 'api-b', port: { number: 9000 } } }] }],
  },
};

function routeEntries(object: JsonObject, route: number): JsonObject[] {
  const http = arr(obj(object.spec, 'spec').http, 'spec.http');
  return arr(obj(http[route], `http[${route}]`).route, `http[${route}].route`).map((e, i) => obj(e, `route[${i}]`));
}

function history(object: Json): Json[] {
  const annotations = obj(meta(object, 'annotations'), 'annotations');
  const parsed: Json = JSON.parse(str(annotations[HISTORY_ANNOTATION], HISTORY_ANNOTATION));
  return arr(parsed, 'history');
}

async function put(body: Json, query = ''): Promise<ReturnType<typeof callApi>> {
  return callApi(`${weightsUrl}${query}`, { method: 'PUT', body });
}

async function currentVersion(): Promise<string> {
  return objectSchema.parse(await getObject(path)).metadata.resourceVersion;
}

beforeAll(async () => {
  await ensureApiScene();
});

beforeEach(async () => {
  await deleteIfPresent(path);
  await create(vsPath(ns), handWritten);
});

describe('PUT /api/virtualservices/{ns}/{name}/weights', () => {
  it('changes the weights of one route and nothing else, and records the old ones', async () => {
    const before = obj(await getObject(path), 'before');
    const res = await put({
      resourceVersion: str(meta(before, 'resourceVersion'), 'rv'),
      route: 0,
      destinations: [
        { host: 'api-a', port: 80, weight: 40 },
        { host: 'api-b', weight: 60 },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const result = parseAs(changeResultSchema, res);
    const after = obj(await getObject(path), 'after');
    expect(result.object).toEqual(after);
    expect(result).toMatchObject({ dryRun: false, cluster: { accepted: true } });

    const expected = obj(structuredClone(before), 'expected');
    const [a, b] = routeEntries(expected, 0);
    if (a === undefined || b === undefined) throw new Error('route 0 lost its entries');
    a.weight = 40;
    b.weight = 60;
    expect(withoutServerFields(after, [HISTORY_ANNOTATION])).toEqual(withoutServerFields(expected));
    expect(meta(after, 'generation')).toBe(2);
    expect(history(after)).toEqual([
      expect.objectContaining({ revision: 1, kind: 'http', route: 0, routeName: 'primary', destinations: [{ host: 'api-a', port: 80, weight: 10 }, { host: 'api-b', weight: 90 }] }),
    ]);

    const detail = parseAs(detailSchema, await callApi(`/api/virtualservices/${ns}/${NAME}`));
    expect(detail.revisions).toBe(1);
    expect(detail.history.map((h) => h.revision)).toEqual([1]);
    expect(detail.routes[0]?.destinations.map((d) => d.weight)).toEqual([40, 60]);
  });

  it('adds a destination to a lone, unweighted route, and removes one from a split', async () => {
    const before = obj(await getObject(path), 'before');
    const added = await put({ resourceVersion: str(meta(before, 'resourceVersion'), 'rv'), route: 1, destinations: [{ host: 'api-a', weight: 50 }, { host: 'api-b', weight: 50 }] });
    expect(added.status, added.text).toBe(200);
    const middle = obj(await getObject(path), 'middle');
    expect(routeEntries(middle, 1)).toEqual([{ destination: { host: 'api-a' }, weight: 50 }, { destination: { host: 'api-b' }, weight: 50 }]);

    const removed = await put({ resourceVersion: str(meta(middle, 'resourceVersion'), 'rv'), route: 0, destinations: [{ host: 'api-b', weight: 100 }] });
    expect(removed.status, removed.text).toBe(200);
    const after = obj(await getObject(path), 'after');
    expect(routeEntries(after, 0)).toEqual([{ destination: { host: 'api-b' }, weight: 100 }]);
    // The removed entry is kept whole in the history, so that a revert brings it back with its headers.
    expect(history(after)[1]).toMatchObject({ revision: 2, route: 0, removed: [routeEntries(before, 0)[0]] });

    const expected = obj(structuredClone(before), 'expected');
    const http = arr(obj(expected.spec, 'spec').http, 'http');
    obj(http[0], 'http[0]').route = [{ destination: { host: 'api-b' }, weight: 100 }];
    obj(http[1], 'http[1]').route = [{ destination: { host: 'api-a' }, weight: 50 }, { destination: { host: 'api-b' }, weight: 50 }];
    expect(withoutServerFields(after, [HISTORY_ANNOTATION])).toEqual(withoutServerFields(expected));
  });

  it('reverts to a recorded revision, recording the weights it replaces', async () => {
    const edit = await put({ resourceVersion: await currentVersion(), route: 0, destinations: [{ host: 'api-a', port: 80, weight: 70 }, { host: 'api-b', weight: 30 }] });
    expect(edit.status, edit.text).toBe(200);
    const res = await callApi(`/api/virtualservices/${ns}/${NAME}/revert`, { method: 'POST', body: { resourceVersion: await currentVersion(), revision: 1 } });
    expect(res.status, res.text).toBe(200);
    const after = obj(await getObject(path), 'after');
    expect(routeEntries(after, 0).map((e) => e.weight)).toEqual([10, 90]);
    expect(history(after).map((h) => obj(h, 'entry').revision)).toEqual([1, 2]);
    const original = obj(structuredClone(handWritten), 'original');
    expect(obj(after.spec, 'spec')).toEqual(original.spec);
  });

  it('answers 409 to a stale resourceVersion and writes nothing', async () => {
    const stale = await currentVersion();
    const first = await put({ resourceVersion: stale, route: 0, destinations: [{ host: 'api-a', port: 80, weight: 20 }, { host: 'api-b', weight: 80 }] });
    expect(first.status, first.text).toBe(200);
    const stored = await getObject(path);

    const res = await put({ resourceVersion: stale, route: 0, destinations: [{ host: 'api-a', port: 80, weight: 90 }, { host: 'api-b', weight: 10 }] });
    expect(res.status).toBe(409);
    const { error } = parseAs(errorBodySchema, res);
    expect(error).toMatchObject({ code: 'conflict', field: 'resourceVersion' });
    expect(error.message).toContain(stale);
    expect(await getObject(path)).toEqual(stored);
  });

  it('with ?dryRun=true shows the result and the cluster’s verdict, and writes nothing', async () => {
    const stored = await getObject(path);
    const res = await put({ resourceVersion: await currentVersion(), route: 0, destinations: [{ host: 'api-a', port: 80, weight: 55 }, { host: 'api-b', weight: 45 }] }, '?dryRun=true');
    expect(res.status, res.text).toBe(200);
    const result = parseAs(changeResultSchema, res);
    expect(result).toMatchObject({ dryRun: true, cluster: { accepted: true } });
    expect(result.routes[0]?.destinations.map((d) => d.weight)).toEqual([55, 45]);
    expect(result.diff).toMatch(/-\s+weight: 10/);
    expect(await getObject(path)).toEqual(stored);
  });

  it('answers 422 with findings for a route it cannot split, and writes nothing', async () => {
    const stored = await getObject(path);
    const rv = await currentVersion();
    for (const [route, code] of [[2, 'route-not-splittable'], [7, 'route-out-of-range']] as const) {
      const res = await put({ resourceVersion: rv, route, destinations: [{ host: 'api-a', weight: 100 }] });
      expect(res.status, `route ${route}`).toBe(422);
      const { error } = parseAs(errorBodySchema, res);
      expect(error.code).toBe('invalid_split');
      expect(JSON.stringify(error.details)).toContain(code);
    }
    expect(await getObject(path)).toEqual(stored);
  });

  it('answers 400 naming the field for a malformed body', async () => {
    const rv = await currentVersion();
    const cases: [Json, string][] = [
      [{ route: 0, destinations: [{ host: 'api-a', weight: 100 }] }, 'resourceVersion'],
      [{ resourceVersion: rv, route: -1, destinations: [{ host: 'api-a', weight: 100 }] }, 'route'],
      [{ resourceVersion: rv, route: 0, destinations: [{ host: 'api-a', weight: 50 }, { host: 'api-b', weight: 40 }] }, 'destinations'],
      [{ resourceVersion: rv, route: 0, destinations: [] }, 'destinations'],
      [{ resourceVersion: rv, route: 0, destinations: [{ host: 'api-a', weight: 101 }] }, 'destinations.0.weight'],
    ];
    for (const [body, field] of cases) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'invalid_input', field });
    }
  });

  it('answers 404 with the cluster’s message for a VirtualService that does not exist', async () => {
    const raw = await kube({ path: vsPath(ns, 'api-missing') });
    const res = await callApi(`/api/virtualservices/${ns}/api-missing/weights`, { method: 'PUT', body: { resourceVersion: '1', route: 0, destinations: [{ host: 'api-a', weight: 100 }] } });
    expect(res.status).toBe(404);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'not_found', message: parseStatus(raw.body, raw.text).message });
  });
});

describe('a change the cluster refuses', () => {
  const BIG = 'api-weights-big';
  const bigPath = vsPath(ns, BIG);
  // Fills the annotations up to just under Kubernetes' limit: the history annotation that
  // an edit adds then takes them over it, which only the API server's validation catches.
  const filler = 'x'.repeat(ANNOTATIONS_LIMIT - 'example.com/filler'.length - 16);

  it('answers 422 with the API server’s message when the edit would take the annotations over 256 KiB, and writes nothing', async () => {
    await deleteIfPresent(bigPath);
    await create(vsPath(ns), {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: BIG, namespace: ns, annotations: { 'example.com/filler': filler } },
      spec: { hosts: ['api-a'], http: [{ route: [{ destination: { host: 'api-a' }, weight: 50 }, { destination: { host: 'api-b' }, weight: 50 }] }] },
    });
    const stored = await getObject(bigPath);
    const rv = objectSchema.parse(stored).metadata.resourceVersion;
    // The server's own words for the same overflow, asked without writing.
    const raw = await kube({
      method: 'PATCH',
      path: bigPath,
      query: { dryRun: 'All' },
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [HISTORY_ANNOTATION]: 'y'.repeat(100) } } },
    });
    expect(raw.status, raw.text).toBe(422);
    const status = parseStatus(raw.body, raw.text);

    const dry = await callApi(`/api/virtualservices/${ns}/${BIG}/weights?dryRun=true`, { method: 'PUT', body: { resourceVersion: rv, route: 0, destinations: [{ host: 'api-a', weight: 20 }, { host: 'api-b', weight: 80 }] } });
    expect(dry.status, dry.text).toBe(200);
    expect(parseAs(changeResultSchema, dry).cluster).toMatchObject({ accepted: false, error: { status: 422, code: 'invalid', message: status.message } });

    const res = await callApi(`/api/virtualservices/${ns}/${BIG}/weights`, { method: 'PUT', body: { resourceVersion: rv, route: 0, destinations: [{ host: 'api-a', weight: 20 }, { host: 'api-b', weight: 80 }] } });
    expect(res.status, res.text).toBe(422);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'invalid', reason: 'Invalid', message: status.message });
    expect(await getObject(bigPath)).toEqual(stored);
    await deleteIfPresent(bigPath);
  });
});

/**
 * GET /api/virtualservices?namespace= and GET /api/virtualservices/{ns}/{name}: the
 * splits and findings Splitscope shows for objects created raw on the cluster.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { parseStatus } from '../../contract/support/suite';
import { namedItemsSchema, objectSchema } from '../../contract/support/shapes';
import { callApi, detailSchema, errorBodySchema, parseAs, summariesSchema } from './support/api';
import { create, deleteIfPresent, getObject, kube, vsPath } from './support/cluster';
import { API_NAMESPACE, ensureApiScene } from './support/scene';

const ns = API_NAMESPACE;
const SPLIT = 'api-detail';
const BETA = 'api-detail-beta';

/** Route 0 splits 10/90 between two ready Services; route 1 redirects; route 2 goes to a host no Service has. */
const splitObject: Json = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: SPLIT, namespace: ns, labels: { team: 'api' } },
  spec: {
    hosts: ['api-a'],
    http: [
      { name: 'split', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'api-a' }, weight: 10 }, { destination: { host: 'api-b' }, weight: 90 }] },
      { name: 'moved', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/new' } },
      { name: 'broken', route: [{ destination: { host: 'api-nowhere' } }] },
    ],
  },
};

beforeAll(async () => {
  await ensureApiScene();
  await deleteIfPresent(vsPath(ns, SPLIT));
  await deleteIfPresent(vsPath(ns, BETA));
  await create(vsPath(ns), splitObject);
  // Written through v1beta1: Splitscope reads every object through the version it prefers.
  await create(vsPath(ns, undefined, 'v1beta1'), {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: BETA, namespace: ns },
    spec: { hosts: ['api-b'], gateways: ['mesh'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'api-b' } }] }] },
  });
});

describe('GET /api/virtualservices?namespace=', () => {
  it('lists every VirtualService of the namespace with hosts and the split of each route', async () => {
    const res = await callApi(`/api/virtualservices?namespace=${ns}`);
    expect(res.status).toBe(200);
    const list = parseAs(summariesSchema, res);
    expect(list.namespace).toBe(ns);
    const raw = namedItemsSchema.parse((await kube({ path: vsPath(ns) })).body).items.map((i) => i.metadata.name);
    expect(list.virtualServices.map((v) => v.name)).toEqual([...raw].sort((a, b) => a.localeCompare(b)));

    const split = list.virtualServices.find((v) => v.name === SPLIT);
    const stored = objectSchema.parse(await getObject(vsPath(ns, SPLIT)));
    expect(split).toMatchObject({ namespace: ns, apiVersion: 'networking.istio.io/v1', resourceVersion: stored.metadata.resourceVersion, hosts: ['api-a'], gateways: [], exportTo: [], revisions: 0 });
    expect(split?.routes.map((r) => [r.kind, r.index, r.name, r.splittable, r.reason])).toEqual([
      ['http', 0, 'split', true, undefined],
      ['http', 1, 'moved', false, 'redirect'],
      ['http', 2, 'broken', true, undefined],
    ]);
    expect(split?.routes[0]?.destinations).toEqual([
      { host: 'api-a', weight: 10, share: 0.1, weightSet: true },
      { host: 'api-b', weight: 90, share: 0.9, weightSet: true },
    ]);

    const beta = list.virtualServices.find((v) => v.name === BETA);
    expect(beta).toMatchObject({ apiVersion: 'networking.istio.io/v1', hosts: ['api-b'], gateways: ['mesh'], exportTo: ['.'] });
    expect(beta?.routes[0]?.destinations).toEqual([{ host: 'api-b', weight: 0, share: 1, weightSet: false }]);
  });

  it('answers 400 for a missing or invalid namespace', async () => {
    for (const query of ['', '?namespace=UPPER']) {
      const res = await callApi(`/api/virtualservices${query}`);
      expect(res.status, query).toBe(400);
      expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'invalid_input', field: 'namespace' });
    }
  });
});

describe('GET /api/virtualservices/{ns}/{name}', () => {
  it('shows the stored object, its split per route and the findings of each http route', async () => {
    const res = await callApi(`/api/virtualservices/${ns}/${SPLIT}`);
    expect(res.status).toBe(200);
    const detail = parseAs(detailSchema, res);
    // The object exactly as the cluster stores it.
    expect(detail.object).toEqual(await getObject(vsPath(ns, SPLIT)));
    expect(detail.resourceVersion).toBe(detail.object.metadata.resourceVersion);
    expect(detail.routes.map((r) => r.splittable)).toEqual([true, false, true]);
    expect(detail.history).toEqual([]);
    expect(detail.findings).toHaveLength(3);
    const [split, moved, broken] = detail.findings;
    // Both hosts are Services with a ready endpoint: nothing stands in the way of this split.
    expect(split?.filter((f) => f.severity === 'error')).toEqual([]);
    expect(moved?.map((f) => [f.code, f.path])).toEqual([['route-not-splittable', '/spec/http/1/redirect']]);
    expect(broken?.map((f) => [f.code, f.severity, f.path])).toContainEqual(['host-not-found', 'error', '/spec/http/2/route/0/destination/host']);
  });

  it('answers 404 with the cluster’s message for a VirtualService that does not exist', async () => {
    const raw = await kube({ path: vsPath(ns, 'api-missing') });
    expect(raw.status).toBe(404);
    const res = await callApi(`/api/virtualservices/${ns}/api-missing`);
    expect(res.status).toBe(404);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'not_found', reason: 'NotFound', message: parseStatus(raw.body, raw.text).message });
  });

  it('answers 400 naming the field for names Kubernetes would not accept', async () => {
    const cases: [string, string][] = [
      [`/api/virtualservices/${ns}/Upper-Case`, 'name'],
      [`/api/virtualservices/${ns}/${encodeURIComponent('istio-system~gateway~x')}`, 'name'],
      [`/api/virtualservices/${ns}/${'a'.repeat(254)}`, 'name'],
      [`/api/virtualservices/nsA/${SPLIT}`, 'ns'],
      [`/api/virtualservices/${'n'.repeat(64)}/${SPLIT}`, 'ns'],
    ];
    for (const [path, field] of cases) {
      const res = await callApi(path);
      expect(res.status, path).toBe(400);
      expect(parseAs(errorBodySchema, res).error, path).toMatchObject({ code: 'invalid_input', field });
    }
  });
});

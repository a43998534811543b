/**
 * POST /api/virtualservices/{ns}: a split design becomes a VirtualService (or, with
 * `?dryRun=true`, is checked by Splitscope and by the cluster without being written).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { namedItemsSchema, objectSchema } from '../../contract/support/shapes';
import { parseStatus } from '../../contract/support/suite';
import { appUnderTest } from '../../support/under-test';
import { callApi, changeResultSchema, errorBodySchema, parseAs } from './support/api';
import { deleteIfPresent, getObject, kube, vsPath } from './support/cluster';
import { API_NAMESPACE, ensureApiScene } from './support/scene';

const ns = API_NAMESPACE;
const NAME = 'api-created';

const design = (name: string): Json => ({
  name,
  hosts: ['api-a'],
  destinations: [
    { host: 'api-a', weight: 30 },
    { host: 'api-b', weight: 70 },
  ],
});

async function names(): Promise<string[]> {
  return namedItemsSchema.parse((await kube({ path: vsPath(ns) })).body).items.map((i) => i.metadata.name).sort();
}

beforeAll(async () => {
  await ensureApiScene();
  await deleteIfPresent(vsPath(ns, NAME));
});

describe('POST /api/virtualservices/{ns}', () => {
  it('with ?dryRun=true checks the design here and in the cluster, and writes nothing', async () => {
    const res = await callApi(`/api/virtualservices/${ns}?dryRun=true`, { method: 'POST', body: design(NAME) });
    expect(res.status).toBe(200);
    const result = parseAs(changeResultSchema, res);
    expect(result).toMatchObject({ dryRun: true, cluster: { accepted: true }, object: { apiVersion: 'networking.istio.io/v1', metadata: { name: NAME, namespace: ns } } });
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.diff).toContain('weight: 30');
    expect((await kube({ path: vsPath(ns, NAME) })).status).toBe(404);
  });

  it('creates the VirtualService the design describes, in the version the cluster prefers', async () => {
    const res = await callApi(`/api/virtualservices/${ns}`, { method: 'POST', body: design(NAME) });
    expect(res.status, res.text).toBe(201);
    const result = parseAs(changeResultSchema, res);
    expect(result).toMatchObject({ dryRun: false, cluster: { accepted: true } });
    const stored = await getObject(vsPath(ns, NAME));
    expect(result.object).toEqual(stored);
    expect(stored).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: NAME, namespace: ns },
      spec: {
        hosts: ['api-a'],
        http: [{ route: [{ destination: { host: 'api-a' }, weight: 30 }, { destination: { host: 'api-b' }, weight: 70 }] }],
      },
    });
    expect(result.routes[0]?.destinations.map((d) => [d.host, d.share])).toEqual([['api-a', 0.3], ['api-b', 0.7]]);
  });

  it('answers 409 with the cluster’s message when the name is taken, and changes nothing', async () => {
    const before = objectSchema.parse(await getObject(vsPath(ns, NAME))).metadata.resourceVersion;
    const raw = await kube({ method: 'POST', path: vsPath(ns), query: { dryRun: 'All' }, body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: NAME, namespace: ns }, spec: { hosts: ['x'] } } });
    expect(raw.status).toBe(409);
    const res = await callApi(`/api/virtualservices/${ns}`, { method: 'POST', body: design(NAME) });
    expect(res.status).toBe(409);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'already_exists', reason: 'AlreadyExists', message: parseStatus(raw.body, raw.text).message });
    expect(objectSchema.parse(await getObject(vsPath(ns, NAME))).metadata.resourceVersion).toBe(before);
  });

  it('answers 404 with the cluster’s message when the namespace does not exist, in a dry run too', async () => {
    const missing = 'splitscope-api-nowhere';
    const raw = await kube({ method: 'POST', path: vsPath(missing), query: { dryRun: 'All' }, body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: NAME, namespace: missing }, spec: { hosts: ['x'] } } });
    expect(raw.status).toBe(404);
    const message = parseStatus(raw.body, raw.text).message;
    // Destinations named in full, so that Splitscope's own checks find their Services and the cluster is asked.
    const body: Json = {
      name: NAME,
      hosts: ['api-a'],
      destinations: [
        { host: `api-a.${ns}.svc.cluster.local`, weight: 30 },
        { host: `api-b.${ns}.svc.cluster.local`, weight: 70 },
      ],
    };
    const dry = await callApi(`/api/virtualservices/${missing}?dryRun=true`, { method: 'POST', body });
    expect(dry.status).toBe(200);
    expect(parseAs(changeResultSchema, dry).cluster).toMatchObject({ accepted: false, error: { status: 404, code: 'not_found', message } });
    const res = await callApi(`/api/virtualservices/${missing}`, { method: 'POST', body });
    expect(res.status, res.text).toBe(404);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'not_found', reason: 'NotFound', message });
    expect((await kube({ path: `/api/v1/namespaces/${missing}` })).status).toBe(404);
  });

  it('answers 400 naming the field for invalid names and designs, and writes nothing', async () => {
    const before = await names();
    const cases: [string, Json, string][] = [
      [`/api/virtualservices/${ns}`, design('Upper_Case'), 'name'],
      [`/api/virtualservices/${ns}`, design('istio-system~gateway~x'), 'name'],
      [`/api/virtualservices/${ns}`, design(`${'a'.repeat(250)}.com.`), 'name'],
      [`/api/virtualservices/${ns}`, design('a'.repeat(254)), 'name'],
      [`/api/virtualservices/nsA`, design('api-bad-namespace'), 'ns'],
      [`/api/virtualservices/${ns}`, { name: 'api-bad-sum', hosts: ['api-a'], destinations: [{ host: 'api-a', weight: 30 }, { host: 'api-b', weight: 60 }] }, 'destinations'],
      [`/api/virtualservices/${ns}`, { name: 'api-bad-weight', hosts: ['api-a'], destinations: [{ host: 'api-a', weight: 12.5 }, { host: 'api-b', weight: 87.5 }] }, 'destinations.0.weight'],
      [`/api/virtualservices/${ns}`, { name: 'api-no-hosts', hosts: [], destinations: [{ host: 'api-a', weight: 100 }] }, 'hosts'],
    ];
    for (const [path, body, field] of cases) {
      const res = await callApi(path, { method: 'POST', body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(parseAs(errorBodySchema, res).error, JSON.stringify(body).slice(0, 80)).toMatchObject({ code: 'invalid_input', field });
    }
    const notJson = await fetch(`${appUnderTest().baseUrl}/api/virtualservices/${ns}`, { method: 'POST', body: 'name: x', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(await names()).toEqual(before);
  });

  it('answers 422 with Splitscope’s findings for a design that would not work, and writes nothing', async () => {
    const res = await callApi(`/api/virtualservices/${ns}`, { method: 'POST', body: { name: 'api-to-nowhere', hosts: ['api-a'], destinations: [{ host: 'api-nowhere', weight: 100 }] } });
    expect(res.status).toBe(422);
    const { error } = parseAs(errorBodySchema, res);
    expect(error.code).toBe('invalid_split');
    expect(error.message).toContain('api-nowhere');
    expect((await kube({ path: vsPath(ns, 'api-to-nowhere') })).status).toBe(404);
  });
});

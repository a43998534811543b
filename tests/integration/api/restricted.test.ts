/**
 * Splitscope started with an identity that may read but not write, and not read in one
 * namespace: every refusal reaches the user as `{error: {code: 'forbidden', message}}`
 * with the cluster's own RBAC sentence, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Json } from '@/lib/wire';
import { kubeRequest } from '../../contract/support/kube-http';
import { loadConnection, type KubeConnection } from '../../contract/support/kubeconfig';
import { objectSchema } from '../../contract/support/shapes';
import { cannotRun, parseStatus } from '../../contract/support/suite';
import { startSplitscope, type RunningSplitscope } from '../../support/launcher';
import { appUnderTest } from '../../support/under-test';
import { callApi, changeResultSchema, clusterInfoSchema, errorBodySchema, parseAs, summariesSchema } from './support/api';
import { create, deleteIfPresent, ensureNamespace, getObject, vsPath } from './support/cluster';
import { API_NAMESPACE, ensureApiScene } from './support/scene';

const app = appUnderTest();
const ns = API_NAMESPACE;
const TARGET = 'api-restricted-target';
const hidden = app.restrictedNamespace;

let restricted: { app: RunningSplitscope; conn: KubeConnection } | undefined;

beforeAll(async () => {
  await ensureApiScene();
  await ensureNamespace(hidden);
  await deleteIfPresent(vsPath(ns, TARGET));
  await create(vsPath(ns), {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: TARGET, namespace: ns },
    spec: { hosts: ['api-a'], http: [{ route: [{ destination: { host: 'api-a' }, weight: 50 }, { destination: { host: 'api-b' }, weight: 50 }] }] },
  });
  if (app.restrictedContext === undefined) return;
  const instance = await startSplitscope({
    label: 'restricted',
    env: { SPLITSCOPE_CLUSTER: 'kubeconfig', KUBECONFIG: app.kubeconfig, SPLITSCOPE_CONTEXT: app.restrictedContext },
    pidsFile: app.pidsFile,
  });
  restricted = { app: instance, conn: loadConnection(app.kubeconfig, app.restrictedContext) };
}, 600_000);

afterAll(async () => {
  await restricted?.app.stop();
  await deleteIfPresent(vsPath(ns, TARGET));
});

function restrictedOrSkip(ctx: TestContext): NonNullable<typeof restricted> {
  return restricted ?? cannotRun(ctx, app.strict, app.restrictedMissing ?? 'no restricted identity');
}

/** What the cluster itself answers the restricted identity for the same request. */
async function rawRefusal(conn: KubeConnection, method: 'GET' | 'POST' | 'PATCH', path: string, body?: Json): Promise<string> {
  const res = await kubeRequest(conn, {
    method,
    path,
    body,
    query: method === 'GET' ? undefined : { dryRun: 'All' },
    contentType: method === 'PATCH' ? 'application/json-patch+json' : undefined,
  });
  expect(res.status, res.text).toBe(403);
  const { message } = parseStatus(res.body, res.text);
  if (message === undefined) throw new Error(`a 403 without a message: ${res.text}`);
  return message;
}

describe('Splitscope with a restricted identity', () => {
  it('reads the cluster and the namespaces it may read', async (ctx) => {
    const r = restrictedOrSkip(ctx);
    const info = parseAs(clusterInfoSchema, await callApi('/api/cluster', { baseUrl: r.app.baseUrl }));
    expect(info).toMatchObject({ context: app.restrictedContext, reachable: true, istio: { preferred: 'v1' } });
    const list = await callApi(`/api/virtualservices?namespace=${ns}`, { baseUrl: r.app.baseUrl });
    expect(list.status).toBe(200);
    expect(parseAs(summariesSchema, list).virtualServices.map((v) => v.name)).toContain(TARGET);
    const detail = await callApi(`/api/virtualservices/${ns}/${TARGET}`, { baseUrl: r.app.baseUrl });
    expect(detail.status, detail.text).toBe(200);
  });

  it(`answers 403 forbidden with the RBAC sentence for reads in namespace ${hidden}`, async (ctx) => {
    const r = restrictedOrSkip(ctx);
    // Splitscope reads a Service list, pods and EndpointSlices at once: the first refusal is the one shown.
    const cases: [string, string[]][] = [
      [`/api/virtualservices?namespace=${hidden}`, [vsPath(hidden)]],
      [`/api/virtualservices/${hidden}/anything`, [vsPath(hidden, 'anything')]],
      [`/api/services?namespace=${hidden}`, ['services', 'pods'].map((r) => `/api/v1/namespaces/${hidden}/${r}`).concat(`/apis/discovery.k8s.io/v1/namespaces/${hidden}/endpointslices`)],
    ];
    for (const [url, raws] of cases) {
      const res = await callApi(url, { baseUrl: r.app.baseUrl });
      expect(res.status, url).toBe(403);
      const { error } = parseAs(errorBodySchema, res);
      expect(error.code, url).toBe('forbidden');
      const refusals = await Promise.all(raws.map((raw) => rawRefusal(r.conn, 'GET', raw)));
      expect(refusals, url).toContain(error.message);
    }
  });

  it('answers 403 forbidden with the RBAC sentence to a create, and writes nothing', async (ctx) => {
    const r = restrictedOrSkip(ctx);
    const design = { name: 'api-restricted-new', hosts: ['api-a'], destinations: [{ host: 'api-a', weight: 60 }, { host: 'api-b', weight: 40 }] };
    const expected = await rawRefusal(r.conn, 'POST', vsPath(ns), { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: design.name, namespace: ns }, spec: { hosts: ['api-a'] } });
    const res = await callApi(`/api/virtualservices/${ns}`, { method: 'POST', body: design, baseUrl: r.app.baseUrl });
    expect(res.status, res.text).toBe(403);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'forbidden', reason: 'Forbidden', message: expected });
    // A dry run is refused as well (RBAC applies to it); Splitscope shows that as the cluster's verdict.
    const dry = await callApi(`/api/virtualservices/${ns}?dryRun=true`, { method: 'POST', body: design, baseUrl: r.app.baseUrl });
    expect(dry.status, dry.text).toBe(200);
    expect(parseAs(changeResultSchema, dry).cluster).toMatchObject({ accepted: false, error: { status: 403, code: 'forbidden', message: expected } });
    expect((await kubeRequest(r.conn, { path: vsPath(ns, design.name) })).status).toBe(404);
  });

  it('answers 403 forbidden with the RBAC sentence to a weight edit, and writes nothing', async (ctx) => {
    const r = restrictedOrSkip(ctx);
    const stored = await getObject(vsPath(ns, TARGET));
    const expected = await rawRefusal(r.conn, 'PATCH', vsPath(ns, TARGET), [{ op: 'test', path: '/metadata/name', value: TARGET }]);
    const res = await callApi(`/api/virtualservices/${ns}/${TARGET}/weights`, {
      method: 'PUT',
      baseUrl: r.app.baseUrl,
      body: { resourceVersion: objectSchema.parse(stored).metadata.resourceVersion, route: 0, destinations: [{ host: 'api-a', weight: 90 }, { host: 'api-b', weight: 10 }] },
    });
    expect(res.status, res.text).toBe(403);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'forbidden', message: expected });
    expect(await getObject(vsPath(ns, TARGET))).toEqual(stored);
  });
});

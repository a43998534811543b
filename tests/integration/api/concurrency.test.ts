/**
 * A write by someone else between Splitscope's read of a VirtualService and its patch.
 * Splitscope talks to the cluster through an interposer (support/interposer.ts) that
 * makes that write just before Splitscope's PATCH goes through; either way the edit must
 * be refused as a conflict (409), with nothing of it written and the other write kept.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { startSplitscope, type RunningSplitscope } from '../../support/launcher';
import { appUnderTest } from '../../support/under-test';
import { callApi, errorBodySchema, parseAs } from './support/api';
import { adminConnection, create, deleteIfPresent, getObject, kube, vsPath } from './support/cluster';
import { startInterposer, type Interposer } from './support/interposer';
import { arr, meta, obj, str } from './support/json';
import { API_NAMESPACE, ensureApiScene } from './support/scene';

const app = appUnderTest();
const ns = API_NAMESPACE;
const NAME = 'api-concurrent';
const path = vsPath(ns, NAME);
let interposer: Interposer;
let splitscope: RunningSplitscope;

beforeAll(async () => {
  await ensureApiScene();
  interposer = await startInterposer(adminConnection());
  splitscope = await startSplitscope({
    label: 'interposed',
    env: { SPLITSCOPE_CLUSTER: 'kubeconfig', KUBECONFIG: interposer.kubeconfig, SPLITSCOPE_CONTEXT: interposer.context },
    pidsFile: app.pidsFile,
  });
}, 600_000);

afterAll(async () => {
  await splitscope?.stop();
  await interposer?.close();
  await deleteIfPresent(path);
});

beforeEach(async () => {
  await deleteIfPresent(path);
  await create(vsPath(ns), {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: NAME, namespace: ns },
    spec: { hosts: ['api-a'], http: [{ route: [{ destination: { host: 'api-a' }, weight: 50 }, { destination: { host: 'api-b' }, weight: 50 }] }] },
  });
});

/** Arms the interposer: just before Splitscope's PATCH of the object, `patch` is applied by someone else. */
function concurrently(patch: Json): void {
  interposer.before(
    (req) => req.method === 'PATCH' && req.url.split('?')[0] === path,
    async () => {
      const res = await kube({ method: 'PATCH', path, contentType: 'application/merge-patch+json', body: patch });
      if (res.status !== 200) throw new Error(`the concurrent write failed: ${res.status} ${res.text}`);
    },
  );
}

async function edit(): Promise<Awaited<ReturnType<typeof callApi>>> {
  const rv = str(meta(await getObject(path), 'resourceVersion'), 'resourceVersion');
  return callApi(`/api/virtualservices/${ns}/${NAME}/weights`, {
    method: 'PUT',
    baseUrl: splitscope.baseUrl,
    body: { resourceVersion: rv, route: 0, destinations: [{ host: 'api-a', weight: 20 }, { host: 'api-b', weight: 80 }] },
  });
}

function weights(object: Json): Json[] {
  const http = arr(obj(obj(object, 'object').spec, 'spec').http, 'http');
  return arr(obj(http[0], 'route 0').route, 'route').map((e) => obj(e, 'entry').weight ?? null);
}

describe('a concurrent write between Splitscope’s read and its write', () => {
  it('to another field: 409 conflict with the cluster’s message, the other write kept', async () => {
    concurrently({ metadata: { labels: { touched: 'by-someone-else' } } });
    const res = await edit();
    expect(res.status, res.text).toBe(409);
    const { error } = parseAs(errorBodySchema, res);
    expect(error).toMatchObject({ code: 'conflict', reason: 'Conflict' });
    expect(error.message).toContain('the object has been modified');
    const stored = await getObject(path);
    expect(weights(stored)).toEqual([50, 50]);
    expect(meta(stored, 'labels')).toEqual({ touched: 'by-someone-else' });
  });

  // The patch's `test` guard on the route fails first here, which the API server answers with
  // a bare 422 ("the server rejected our request due to an error in our request"); Splitscope
  // must still call it what it is.
  it('to the same route: 409 conflict, the other write kept', async () => {
    concurrently({ spec: { http: [{ route: [{ destination: { host: 'api-a' }, weight: 90 }, { destination: { host: 'api-b' }, weight: 10 }] }] } });
    const res = await edit();
    const stored = await getObject(path);
    expect(weights(stored)).toEqual([90, 10]);
    expect(res.status, res.text).toBe(409);
    expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'conflict' });
  });
});

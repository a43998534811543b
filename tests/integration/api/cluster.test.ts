/**
 * GET /api/cluster, /api/namespaces and /api/services against the cluster under test,
 * each answer compared with what the cluster itself says through a raw request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ISTIO_VERSIONS } from '@/lib/wire';
import { namedItemsSchema } from '../../contract/support/shapes';
import { appUnderTest } from '../../support/under-test';
import { callApi, clusterInfoSchema, errorBodySchema, namespacesSchema, parseAs, servicesSchema } from './support/api';
import { adminConnection, ensureNamespace, kube } from './support/cluster';
import { obj, str } from './support/json';
import { API_NAMESPACE, putService } from './support/scene';

const app = appUnderTest();
const INJECTED = 'splitscope-api-injected';
const REVISION = 'splitscope-api-revision';

beforeAll(async () => {
  await ensureNamespace(API_NAMESPACE);
  await ensureNamespace(INJECTED, { 'istio-injection': 'enabled' });
  await ensureNamespace(REVISION, { 'istio.io/rev': 'canary' });
  await putService(API_NAMESPACE, 'api-selected', { ports: [{ name: 'http', port: 80, targetPort: 8080 }], selector: { app: 'api-selected' } });
  await putService(API_NAMESPACE, 'api-manual', { ports: [{ name: 'http-web', port: 8000 }, { name: 'grpc', port: 9000 }], endpoints: { ready: 2, notReady: 1 } });
});

describe('GET /api/cluster', () => {
  it('names the cluster and context, and the Istio versions the server serves (v1, v1beta1, v1alpha3; v1 preferred)', async () => {
    const info = parseAs(clusterInfoSchema, await callApi('/api/cluster'));
    expect(info).toMatchObject({ mode: app.cluster, context: app.context, readOnly: false, reachable: true });
    expect(info.istio?.versions).toEqual([...ISTIO_VERSIONS]);
    expect(info.istio?.preferred).toBe('v1');
    const version = await kube({ path: '/version' });
    expect(info.kubernetesVersion).toBe(str(obj(version.body, '/version').gitVersion, 'gitVersion'));
    expect(info.server.replace(/\/$/, '')).toBe(adminConnection().server);
  });
});

describe('GET /api/namespaces', () => {
  it('lists every namespace the cluster has, with its sidecar-injection setting', async () => {
    const res = await callApi('/api/namespaces');
    expect(res.status).toBe(200);
    const { namespaces } = parseAs(namespacesSchema, res);
    const raw = namedItemsSchema.parse((await kube({ path: '/api/v1/namespaces' })).body).items.map((n) => n.metadata.name);
    expect(namespaces.map((n) => n.name)).toEqual([...raw].sort((a, b) => a.localeCompare(b)));
    const byName = new Map(namespaces.map((n) => [n.name, n]));
    expect(byName.get(API_NAMESPACE)).toMatchObject({ injection: 'unset' });
    expect(byName.get(INJECTED)).toMatchObject({ injection: 'enabled', labels: expect.objectContaining({ 'istio-injection': 'enabled' }) });
    expect(byName.get(REVISION)).toMatchObject({ injection: 'revision', revision: 'canary' });
  });
});

describe('GET /api/services', () => {
  it('lists the Services of a namespace with ports, selector and endpoint counts', async () => {
    const res = await callApi(`/api/services?namespace=${API_NAMESPACE}`);
    expect(res.status).toBe(200);
    const { namespace, services } = parseAs(servicesSchema, res);
    expect(namespace).toBe(API_NAMESPACE);
    const raw = namedItemsSchema.parse((await kube({ path: `/api/v1/namespaces/${API_NAMESPACE}/services` })).body).items.map((s) => s.metadata.name);
    expect(services.map((s) => s.name)).toEqual([...raw].sort((a, b) => a.localeCompare(b)));
    const byName = new Map(services.map((s) => [s.name, s]));
    expect(byName.get('api-selected')).toEqual({
      namespace: API_NAMESPACE,
      name: 'api-selected',
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
      selector: { app: 'api-selected' },
      endpoints: { ready: 0, notReady: 0 },
      pods: { total: 0, withSidecar: 0 },
    });
    expect(byName.get('api-manual')).toEqual({
      namespace: API_NAMESPACE,
      name: 'api-manual',
      type: 'ClusterIP',
      ports: [
        { name: 'http-web', port: 8000, protocol: 'TCP', targetPort: 8000 },
        { name: 'grpc', port: 9000, protocol: 'TCP', targetPort: 9000 },
      ],
      endpoints: { ready: 2, notReady: 1 },
      pods: { total: 0, withSidecar: 0 },
    });
  });

  it('answers 400 with the field at fault when the namespace is missing or not a namespace name', async () => {
    for (const query of ['', '?namespace=', '?namespace=Not_A_Namespace', `?namespace=${'a'.repeat(64)}`]) {
      const res = await callApi(`/api/services${query}`);
      expect(res.status, query).toBe(400);
      expect(parseAs(errorBodySchema, res).error).toMatchObject({ code: 'invalid_input', field: 'namespace' });
    }
  });

  it('answers 200 with an empty list for a namespace that does not exist, as the cluster does', async () => {
    const raw = await kube({ path: '/api/v1/namespaces/splitscope-api-nowhere/services' });
    expect(raw.status).toBe(200);
    const res = await callApi('/api/services?namespace=splitscope-api-nowhere');
    expect(res.status).toBe(200);
    expect(parseAs(servicesSchema, res).services).toEqual([]);
  });
});

import { ApiException, CoreV1Api, CustomObjectsApi, KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, startTestSandbox, type TestSandbox } from './support';

let t: TestSandbox;
let kc: KubeConfig;

beforeAll(async () => {
  t = await startTestSandbox();
  kc = new KubeConfig();
  kc.loadFromFile(t.sandbox.kubeconfigPath);
});

afterAll(async () => {
  await t.cleanup();
});

const VS = { group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices' };

describe('@kubernetes/client-node against the sandbox', () => {
  it('reads through the kubeconfig (https with the sandbox CA, bearer token)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const services = await core.listNamespacedService({ namespace: 'default' });
    expect(services.items.map((s) => s.metadata?.name)).toEqual(['my-apache', 'my-apache-2', 'my-apache-vs']);
    expect(services.items[0]?.spec?.ports?.[0]?.port).toBe(80);
  });

  it('reads, patches and replaces a VirtualService, and gets a 409 for a stale one', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const vs: unknown = await custom.getNamespacedCustomObject({ ...VS, name: 'hujin-virtual-svc' });
    const patched: unknown = await custom.patchNamespacedCustomObject({
      ...VS,
      name: 'hujin-virtual-svc',
      body: [{ op: 'replace', path: '/spec/http/0/route/0/weight', value: 40 }, { op: 'replace', path: '/spec/http/0/route/1/weight', value: 60 }],
    });
    expect(field(patched, 'spec', 'http', 0, 'route', 1, 'weight')).toBe(60);
    const error = await custom.replaceNamespacedCustomObject({ ...VS, name: 'hujin-virtual-svc', body: vs }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiException);
    if (!(error instanceof ApiException)) return;
    expect(error.code).toBe(409);
    expect(JSON.parse(String(error.body))).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409 });
  });

  it('gets a 404 Status from a missing object', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const error = await core.readNamespacedPod({ name: 'nope', namespace: 'default' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiException);
    if (error instanceof ApiException) expect(JSON.parse(String(error.body))).toMatchObject({ reason: 'NotFound', message: 'pods "nope" not found' });
  });

  it('creates in dry-run mode without writing', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      ...VS,
      dryRun: 'All',
      body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'dry' }, spec: { hosts: ['a'] } },
    });
    const error = await custom.getNamespacedCustomObject({ ...VS, name: 'dry' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error instanceof ApiException && error.code).toBe(404);
  });

  it('watches with the Watch helper', async () => {
    const seen: string[] = [];
    const watch = new Watch(kc);
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const request = await watch.watch(
      '/apis/networking.istio.io/v1/namespaces/default/virtualservices',
      {},
      (type, object: { metadata?: { name?: string } }) => {
        seen.push(`${type} ${object.metadata?.name ?? ''}`);
        if (seen.length === 2) done();
      },
      () => done(),
    );
    const custom = kc.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ ...VS, body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'watched' }, spec: { hosts: ['w'] } } });
    await finished;
    request.abort();
    expect(seen).toEqual(['ADDED hujin-virtual-svc', 'ADDED watched']);
  });

  it('is refused with 403 as the read-only identity', async () => {
    const readonly = new KubeConfig();
    readonly.loadFromFile(t.sandbox.kubeconfigPath);
    readonly.setCurrentContext('splitscope-sandbox-readonly');
    const custom = readonly.makeApiClient(CustomObjectsApi);
    expect((await custom.listNamespacedCustomObject({ ...VS })).items).toBeDefined();
    const error = await custom.deleteNamespacedCustomObject({ ...VS, name: 'watched' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error instanceof ApiException && error.code).toBe(403);
  });
});

/**
 * The seed, end to end: pods run with pod IPs, Endpoints fill, and real HTTP through the
 * mesh proxy splits 10/90 from the sidecar client and about 50/50 from a client without
 * a sidecar, with weight changes taking effect on the next request.
 */
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SEED_TEST1,
  SEED_TEST2,
  createPod,
  pods,
  runningPod,
  startTestSandbox,
  tally,
  viaMesh,
  waitFor,
  waitForDeployments,
  withinBinomialBand,
  type ProxyAnswer,
  type TestSandbox,
} from './support';

const N = 2000;
const body = (answer: ProxyAnswer) => (answer.body === SEED_TEST1 ? 'test1' : answer.body === SEED_TEST2 ? 'test2' : `other ${answer.status}`);

describe('the seed scenario through the mesh', () => {
  let sandbox: TestSandbox;
  let sidecarClient: string;
  let plainClient: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    await waitForDeployments(sandbox.store, 'default', ['my-nginx', 'my-nginx-2', 'my-nginx-client']);
    // A client without a sidecar, as a pod that opts out of injection.
    createPod(sandbox, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'plain-client', namespace: 'default', labels: { app: 'plain-client', 'sidecar.istio.io/inject': 'false' } },
      spec: { containers: [{ name: 'httpd', image: 'httpd:alpine' }] },
    });
    await waitFor('plain client running', () => runningPod(sandbox.store, 'default', 'plain-client'));
    const client = runningPod(sandbox.store, 'default', 'my-nginx-client');
    sidecarClient = sandbox.runtime.proxyUrlFor('default', client?.metadata.name ?? '') ?? '';
    plainClient = sandbox.runtime.proxyUrlFor('default', 'plain-client') ?? '';
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('runs every pod with its own loopback IP, the client with a sidecar and the plain client without', () => {
    const running = pods(sandbox.store, 'default');
    const ips = running.map((p) => p.status?.podIP);
    expect(new Set(ips).size).toBe(ips.length);
    for (const ip of ips) expect(ip).toMatch(/^127\.1\.\d+\.\d+$/);
    const client = runningPod(sandbox.store, 'default', 'my-nginx-client');
    expect(client?.spec.containers.map((c) => c.name)).toContain('istio-proxy');
    expect(client?.metadata.annotations?.['sidecar.istio.io/status']).toBeDefined();
    expect(runningPod(sandbox.store, 'default', 'plain-client')?.spec.containers.map((c) => c.name)).toEqual(['httpd']);
  });

  it('fills the Endpoints of my-apache-vs with both backends', async () => {
    const addresses = await waitFor('endpoints', () => {
      const ep = sandbox.store.get('endpoints', 'default', 'my-apache-vs');
      const subsets = Array.isArray(ep?.subsets) ? ep.subsets : [];
      const ips = JSON.stringify(subsets).match(/127\.1\.\d+\.\d+/g) ?? [];
      return ips.length === 2 ? ips : undefined;
    });
    const backendIps = pods(sandbox.store, 'default').filter((p) => p.metadata.labels?.run === 'vs').map((p) => p.status?.podIP);
    expect([...addresses].sort()).toEqual([...backendIps].sort());
    const slices = sandbox.store.list('endpointslices.discovery.k8s.io', 'default').filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'my-apache-vs');
    expect(slices).toHaveLength(1);
  });

  it(`splits ${N} requests from the sidecar client about 10/90`, async () => {
    const counts = await tally(N, () => viaMesh(sidecarClient, 'http://my-apache-vs/'), body);
    expect((counts.test1 ?? 0) + (counts.test2 ?? 0)).toBe(N);
    expect(withinBinomialBand(counts.test1 ?? 0, N, 0.1)).toBe(true);
  });

  it(`balances ${N} requests from a client without sidecar about 50/50, one connection each`, async () => {
    const counts = await tally(N, () => viaMesh(plainClient, 'http://my-apache-vs/'), body);
    expect((counts.test1 ?? 0) + (counts.test2 ?? 0)).toBe(N);
    expect(withinBinomialBand(counts.test1 ?? 0, N, 0.5)).toBe(true);
  });

  it('keeps one backend for the life of a kept-alive connection without sidecar, as kube-proxy does', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const counts = await tally(100, () => viaMesh(plainClient, 'http://my-apache-vs/', { agent }), body);
      expect(Object.keys(counts)).toHaveLength(1);
    } finally {
      agent.destroy();
    }
  });

  it('draws afresh per request on a kept-alive connection with a sidecar, as Envoy does', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const counts = await tally(300, () => viaMesh(sidecarClient, 'http://my-apache-vs/', { agent }), body);
      expect(counts.test1 ?? 0).toBeGreaterThan(0);
      expect(counts.test2 ?? 0).toBeGreaterThan(0);
    } finally {
      agent.destroy();
    }
  });

  it('applies a VirtualService weight change on the very next request', async () => {
    const vs = sandbox.store.get('virtualservices.networking.istio.io', 'default', 'hujin-virtual-svc');
    if (!vs) throw new Error('seed VirtualService missing');
    const spec = JSON.parse(JSON.stringify(vs.spec).replace('"weight":10', '"weight":100').replace('"weight":90', '"weight":0'));
    sandbox.store.update('virtualservices.networking.istio.io', { ...vs, spec });
    const counts = await tally(200, () => viaMesh(sidecarClient, 'http://my-apache-vs/'), body);
    expect(counts).toEqual({ test1: 200 });
    sandbox.store.update('virtualservices.networking.istio.io', { ...sandbox.store.get('virtualservices.networking.istio.io', 'default', 'hujin-virtual-svc'), spec: vs.spec });
  });

  it('answers like Envoy with a sidecar and plainly without', async () => {
    const withSidecar = await viaMesh(sidecarClient, 'http://my-apache-vs/');
    expect(withSidecar.headers.server).toBe('envoy');
    expect(withSidecar.headers['x-envoy-upstream-service-time']).toMatch(/^\d+$/);
    const plain = await viaMesh(plainClient, 'http://my-apache-2/');
    // The backend has a sidecar: its inbound Envoy answers.
    expect(plain.headers.server).toBe('istio-envoy');
    expect(plain.body).toBe(SEED_TEST2);
  });

  it('resolves names like cluster DNS: short, svc.ns, full, the ClusterIP; the node only by full name', async () => {
    for (const host of ['my-apache-2', 'my-apache-2.default', 'my-apache-2.default.svc', 'my-apache-2.default.svc.cluster.local']) {
      expect((await viaMesh(plainClient, `http://${host}/`)).body).toBe(SEED_TEST2);
    }
    const service = sandbox.store.get('services', 'default', 'my-apache-2');
    const clusterIp = typeof service?.spec === 'object' && service.spec !== null && 'clusterIP' in service.spec ? String(service.spec.clusterIP) : '';
    expect((await viaMesh(plainClient, `http://${clusterIp}/`)).body).toBe(SEED_TEST2);
    expect((await viaMesh(sandbox.runtime.meshProxyUrl, 'http://my-apache-2.default.svc.cluster.local/')).body).toBe(SEED_TEST2);
    const short = await viaMesh(sandbox.runtime.meshProxyUrl, 'http://my-apache-2/');
    expect(short.status).toBe(502);
    expect(short.headers['x-splitscope-error']).toBe('dns-failure');
  });

  it('fails unknown hosts as DNS does and refuses unknown credentials', async () => {
    const unknown = await viaMesh(sidecarClient, 'http://no-such-service/');
    expect(unknown.status).toBe(502);
    expect(unknown.body).toContain('Could not resolve host: no-such-service');
    const forged = sidecarClient.replace(/:[0-9a-f]{32}@/, ':00000000000000000000000000000000@');
    expect((await viaMesh(forged, 'http://my-apache-vs/')).status).toBe(407);
  });

  it('answers pilot-agent on localhost:15020 for sidecar pods only', async () => {
    expect((await viaMesh(sidecarClient, 'http://localhost:15020/healthz/ready')).status).toBe(200);
    const plain = await viaMesh(plainClient, 'http://localhost:15020/healthz/ready');
    expect(plain.status).toBe(502);
    expect(plain.headers['x-splitscope-error']).toBe('connection-refused');
  });
});

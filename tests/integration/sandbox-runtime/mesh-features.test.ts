/**
 * What a sidecar does to a request besides the weighted split: matches on URI, headers
 * and source labels, subsets, header operations both ways, faults, redirects, direct
 * responses and URI rewrites; seen through answers that echo what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { K8sObject } from '@/lib/wire';
import { createPod, runningPod, startTestSandbox, viaMesh, waitFor, waitForDeployments, type TestSandbox } from './support';

const NS = 'features';

function echo(version: string): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `echo-${version}`, namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'echo', version } },
      template: {
        metadata: { labels: { app: 'echo', version }, annotations: { 'splitscope.dev/answer-echo': 'true' } },
        spec: { containers: [{ name: 'echo', image: 'hashicorp/http-echo', ports: [{ containerPort: 5678 }] }] },
      },
    },
  };
}

const EchoedSchema = z.object({ pod: z.string(), path: z.string(), headers: z.record(z.string(), z.string()) });

function echoed(body: string): z.infer<typeof EchoedSchema> {
  return EchoedSchema.parse(JSON.parse(body));
}

describe('sidecar routing features', () => {
  let sandbox: TestSandbox;
  let client: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    const { store } = sandbox;
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } });
    store.create('deployments.apps', echo('a'));
    store.create('deployments.apps', echo('b'));
    for (const name of ['echo', 'strict']) {
      store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector: { app: 'echo' }, ports: [{ name: 'http', port: 80, targetPort: 5678 }] } });
    }
    store.create('destinationrules.networking.istio.io', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'echo', namespace: NS },
      spec: { host: 'echo', subsets: [{ name: 'a', labels: { version: 'a' } }, { name: 'b', labels: { version: 'b' } }] },
    });
    store.create('virtualservices.networking.istio.io', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'echo', namespace: NS },
      spec: {
        hosts: ['echo'],
        http: [
          { match: [{ uri: { prefix: '/redirect' } }], redirect: { uri: '/elsewhere', authority: 'other.example' } },
          { match: [{ uri: { exact: '/direct' } }], directResponse: { status: 418, body: { string: 'teapot' } } },
          { match: [{ uri: { prefix: '/abort' } }], fault: { abort: { httpStatus: 503, percentage: { value: 100 } } }, route: [{ destination: { host: 'echo', subset: 'a' } }] },
          { match: [{ uri: { prefix: '/delay' } }], fault: { delay: { fixedDelay: '300ms' } }, route: [{ destination: { host: 'echo', subset: 'a' } }] },
          { match: [{ uri: { prefix: '/v1/' } }], rewrite: { uri: '/v2/' }, route: [{ destination: { host: 'echo', subset: 'a' } }] },
          {
            match: [{ sourceLabels: { role: 'tester' }, headers: { 'x-pick': { exact: 'b' } } }],
            headers: { request: { set: { 'x-route': 'pick' } } },
            route: [{ destination: { host: 'echo', subset: 'b' }, headers: { request: { set: { 'x-dest': 'b' } }, response: { set: { 'x-split': 'b' } } } }],
          },
          {
            headers: { request: { add: { 'x-route': 'default' } }, response: { remove: ['content-length'] } },
            route: [{ destination: { host: 'echo', subset: 'a' }, weight: 100, headers: { response: { set: { 'x-split': 'a' } } } }],
          },
        ],
      },
    });
    store.create('virtualservices.networking.istio.io', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'strict', namespace: NS },
      spec: { hosts: ['strict'], http: [{ match: [{ headers: { 'x-allowed': { exact: 'yes' } } }], route: [{ destination: { host: 'strict' } }] }] },
    });
    createPod(sandbox, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tester', namespace: NS, labels: { role: 'tester' } }, spec: { containers: [{ name: 'app', image: 'httpd' }] } });
    await waitForDeployments(store, NS, ['echo-a', 'echo-b']);
    await waitFor('tester running', () => runningPod(store, NS, 'tester'));
    await waitFor('endpoints', () => JSON.stringify(store.get('endpoints', NS, 'echo')?.subsets ?? []).split('"ip"').length === 3);
    client = sandbox.runtime.proxyUrlFor(NS, 'tester') ?? '';
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('routes the catch-all to subset a with route and destination header operations', async () => {
    const answer = await viaMesh(client, 'http://echo/hello');
    const seen = echoed(answer.body);
    expect(seen.pod).toMatch(/^echo-a-/);
    expect(seen.headers['x-route']).toBe('default');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-request-id']).toBeDefined();
    expect(answer.headers['x-split']).toBe('a');
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.headers.server).toBe('envoy');
  });

  it('matches source labels and headers, routing to subset b with its own header operations', async () => {
    const answer = await viaMesh(client, 'http://echo/hello', { headers: { 'x-pick': 'b' } });
    const seen = echoed(answer.body);
    expect(seen.pod).toMatch(/^echo-b-/);
    expect(seen.headers).toMatchObject({ 'x-route': 'pick', 'x-dest': 'b' });
    expect(answer.headers['x-split']).toBe('b');
    // The node has no labels: the same header does not match for it.
    const fromNode = echoed((await viaMesh(sandbox.runtime.meshProxyUrl, `http://echo.${NS}.svc.cluster.local/hello`, { headers: { 'x-pick': 'b' } })).body);
    expect(fromNode.headers['x-dest']).toBeUndefined();
  });

  it('redirects, answers directly, aborts and delays as the route says', async () => {
    const redirect = await viaMesh(client, 'http://echo/redirect/x');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('http://other.example/elsewhere');
    const direct = await viaMesh(client, 'http://echo/direct');
    expect([direct.status, direct.body]).toEqual([418, 'teapot']);
    const abort = await viaMesh(client, 'http://echo/abort');
    expect([abort.status, abort.body]).toEqual([503, 'fault filter abort']);
    const started = Date.now();
    const delayed = await viaMesh(client, 'http://echo/delay');
    expect(delayed.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('rewrites the matched URI prefix', async () => {
    expect(echoed((await viaMesh(client, 'http://echo/v1/items?x=1')).body).path).toBe('/v2/items?x=1');
  });

  it('answers 404 when no route matches, and plain balancing without a sidecar', async () => {
    const answer = await viaMesh(client, 'http://strict/');
    expect([answer.status, answer.headers.server]).toEqual([404, 'envoy']);
    expect((await viaMesh(client, 'http://strict/', { headers: { 'x-allowed': 'yes' } })).status).toBe(200);
    expect((await viaMesh(sandbox.runtime.meshProxyUrl, `http://strict.${NS}.svc.cluster.local/`)).status).toBe(200);
  });
});

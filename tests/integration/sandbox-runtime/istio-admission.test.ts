/**
 * The runtime's admission plugins on the chain the REST layer runs: sidecar injection by
 * namespace and pod labels, the sidecar's image following the Istio version, and
 * VirtualService validation that refuses non-100 weight sums on Istio 1.14 only; and the
 * mesh honouring relative weights where they are accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdmissionDeniedError } from '@/lib/sandbox/admission';
import type { K8sObject } from '@/lib/wire';
import { createPod, runningPod, startTestSandbox, tally, viaMesh, waitFor, withinBinomialBand, type TestSandbox } from './support';

function bare(name: string, namespace: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'app', image: 'httpd' }] } };
}

function containerNames(object: K8sObject): string[] {
  const spec = object.spec;
  const containers = typeof spec === 'object' && spec !== null && 'containers' in spec && Array.isArray(spec.containers) ? spec.containers : [];
  return containers.map((c: { name?: string }) => c.name ?? '');
}

function split(weights: number[]): K8sObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'split', namespace: 'default' },
    spec: { hosts: ['my-apache-vs'], http: [{ route: weights.map((weight, i) => ({ destination: { host: i === 0 ? 'my-apache' : 'my-apache-2' }, weight })) }] },
  };
}

function admitVirtualService(sandbox: TestSandbox, object: K8sObject): K8sObject {
  return sandbox.admission.admit({ operation: 'CREATE', resource: 'virtualservices.networking.istio.io', version: 'v1beta1', namespace: 'default', object, dryRun: true });
}

describe('Istio admission on 1.28', () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sandbox.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy' } });
    sandbox.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'off', labels: { 'istio-injection': 'disabled' } } });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('injects by namespace label and pod label, as Istio would', () => {
    expect(containerNames(createPod(sandbox, bare('a', 'default')))).toEqual(['app', 'istio-proxy']);
    expect(containerNames(createPod(sandbox, bare('b', 'default', { 'sidecar.istio.io/inject': 'false' })))).toEqual(['app']);
    expect(containerNames(createPod(sandbox, bare('c', 'legacy')))).toEqual(['app']);
    expect(containerNames(createPod(sandbox, bare('d', 'legacy', { 'sidecar.istio.io/inject': 'true' })))).toEqual(['app', 'istio-proxy']);
    expect(containerNames(createPod(sandbox, bare('e', 'off', { 'sidecar.istio.io/inject': 'true' })))).toEqual(['app']);
    expect(JSON.stringify(sandbox.store.get('pods', 'default', 'a'))).toContain('docker.io/istio/proxyv2:1.28.0');
  });

  it('accepts any non-negative weights and routes by weight/sum (1:3 gives 25/75)', async () => {
    sandbox.store.delete('virtualservices.networking.istio.io', 'default', 'hujin-virtual-svc');
    sandbox.store.create('virtualservices.networking.istio.io', admitVirtualService(sandbox, split([1, 3])));
    const client = await waitFor('a running sidecar pod', () => runningPod(sandbox.store, 'default', 'my-nginx-client'));
    await waitFor('backends ready', () => JSON.stringify(sandbox.store.get('endpoints', 'default', 'my-apache-2')?.subsets ?? []).includes('"addresses"') && JSON.stringify(sandbox.store.get('endpoints', 'default', 'my-apache')?.subsets ?? []).includes('"addresses"'));
    const proxy = sandbox.runtime.proxyUrlFor('default', client.metadata.name) ?? '';
    const counts = await tally(1000, () => viaMesh(proxy, 'http://my-apache-vs/'), (a) => (a.body.includes('test1') ? 'test1' : 'test2'));
    expect(withinBinomialBand(counts.test1 ?? 0, 1000, 0.25)).toBe(true);
    expect(() => admitVirtualService(sandbox, split([-1, 5]))).toThrow('weight -1 < 0');
  });
});

describe('Istio admission on 1.14', () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ istioVersion: '1.14.6' });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('reports the version from the istiod image and injects its proxy', () => {
    expect(sandbox.runtime.istioVersion()).toBe('1.14.6');
    expect(JSON.stringify(createPod(sandbox, bare('a', 'default')))).toContain('docker.io/istio/proxyv2:1.14.6');
  });

  it('denies a split whose weights do not total 100, with the webhook name and message', () => {
    let denial: unknown;
    try {
      admitVirtualService(sandbox, split([10, 80]));
    } catch (error) {
      denial = error;
    }
    expect(denial).toBeInstanceOf(AdmissionDeniedError);
    expect(denial).toMatchObject({ plugin: 'validation.istio.io', message: 'configuration is invalid: total destination weight 90 != 100', code: 400 });
    expect(admitVirtualService(sandbox, split([10, 90]))).toBeDefined();
  });
});

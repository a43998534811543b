import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, isRecord, kube, kubectl, startTestSandbox, type TestSandbox } from './support';

const CORPUS = join(process.cwd(), 'tests', 'fixtures', 'corpus', 'virtualservices');
const SEED = join(process.cwd(), 'lib', 'sandbox', 'scenarios', 'seed.yaml');

/** Corpus files a real cluster with today's Istio CRDs accepts under kubectl's strict validation. */
const APPLIED = [
  '01-bookinfo-reviews-80-20.yaml',
  '03-bookinfo-details-fault-abort.yaml',
  '11-testns-virtual-service-all.yaml',
  '16-ref-reviews-route-headers-weighted.yaml',
  '23-flagger-faq-generated-frontend.yaml',
  '30-argo-rollouts-unit-retries-cors-ports.yaml',
  '33-kiali-wizard-fault-3way-split.yaml',
];

let t: TestSandbox;

function documents(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter(isRecord);
}

beforeAll(async () => {
  t = await startTestSandbox();
});

afterAll(async () => {
  await t?.cleanup();
});

describe('kubectl against the sandbox', () => {
  it('lists VirtualServices across namespaces with the Istio printer columns', async () => {
    const result = await kubectl(t, ['get', 'vs', '-A']);
    expect(result.stderr).toBe('');
    const [header, row] = result.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['NAMESPACE', 'NAME', 'GATEWAYS', 'HOSTS', 'AGE']);
    expect(row).toMatch(/^default\s+hujin-virtual-svc\s+\["my-apache-vs"\]\s+\d+s$/);
  });

  it('applies the seed scenario again without complaint', async () => {
    const result = await kubectl(t, ['apply', '-f', SEED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('virtualservice.networking.istio.io/hujin-virtual-svc');
  });

  it.each(APPLIED)('applies %s and reads back every field it applied', async (file) => {
    const path = join(CORPUS, file);
    for (const doc of documents(path)) {
      const ns = field(doc, 'metadata', 'namespace');
      if (typeof ns === 'string') await kubectl(t, ['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }) });
    }
    const applied = await kubectl(t, ['apply', '-f', path]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    for (const doc of documents(path)) {
      const kind = String(doc.kind).toLowerCase();
      const got = await kubectl(t, ['get', `${kind}.networking.istio.io`, String(field(doc, 'metadata', 'name')), '-n', String(field(doc, 'metadata', 'namespace') ?? 'default'), '-o', 'yaml']);
      const object: unknown = parse(got.stdout);
      expect(field(object, 'spec')).toEqual(doc.spec);
      expect(field(object, 'apiVersion')).toBe('networking.istio.io/v1');
      for (const [k, v] of Object.entries(isRecord(field(doc, 'metadata', 'labels')) ? (field(doc, 'metadata', 'labels') as Record<string, unknown>) : {})) {
        expect(field(object, 'metadata', 'labels', k)).toBe(v);
      }
    }
    const again = await kubectl(t, ['apply', '-f', path]);
    expect(again.stdout).toMatch(/unchanged/);
  });

  it('reports the real errors for an invalid corpus file and leaves nothing behind', async () => {
    await kube(t.sandbox, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } } });
    const result = await kubectl(t, ['apply', '-f', join(CORPUS, '40-kiali-refs-misplaced-destination-weight.yaml')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('strict decoding error: unknown field "spec.http[0].route[2].destination.weight"');
    expect((await kubectl(t, ['get', 'vs', '-n', 'bookinfo', '-o', 'name'])).stdout).toBe('');
  });

  it('edits a weight with kubectl patch and sees a conflict from a stale replace', async () => {
    const before = parse((await kubectl(t, ['get', 'vs', 'hujin-virtual-svc', '-o', 'yaml'])).stdout) as unknown;
    const patched = await kubectl(t, ['patch', 'vs', 'hujin-virtual-svc', '--type=json', '-p', '[{"op":"replace","path":"/spec/http/0/route/0/weight","value":25},{"op":"replace","path":"/spec/http/0/route/1/weight","value":75}]']);
    expect(patched.stdout).toContain('virtualservice.networking.istio.io/hujin-virtual-svc patched');
    const replaced = await kubectl(t, ['replace', '-f', '-'], { input: JSON.stringify(before) });
    expect(replaced.code).not.toBe(0);
    expect(replaced.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
  });

  it('writes nothing with --dry-run=server', async () => {
    const result = await kubectl(t, ['delete', 'vs', 'hujin-virtual-svc', '--dry-run=server']);
    expect(result.stdout).toContain('deleted (server dry run)');
    expect((await kubectl(t, ['get', 'vs', 'hujin-virtual-svc', '-o', 'name'])).stdout.trim()).toBe('virtualservice.networking.istio.io/hujin-virtual-svc');
  });

  it('deletes with kubectl delete (and its wait)', async () => {
    const result = await kubectl(t, ['delete', '-f', join(CORPUS, '01-bookinfo-reviews-80-20.yaml')]);
    expect(result.stdout).toContain('virtualservice.networking.istio.io "reviews" deleted');
    expect((await kubectl(t, ['get', 'vs', 'reviews'])).stderr).toContain('virtualservices.networking.istio.io "reviews" not found');
  });

  it('reads pod logs with kubectl logs, and tells it apart from a forbidden namespace', async () => {
    await kube(t.sandbox, '/api/v1/namespaces/default/pods', { method: 'POST', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talker', annotations: { 'sidecar.istio.io/inject': 'false' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } });
    t.sandbox.logs.append('default', 'talker', 'main', 'hello\nworld\n');
    expect((await kubectl(t, ['logs', 'talker'])).stdout).toBe('hello\nworld\n');
    expect((await kubectl(t, ['logs', 'talker', '--tail=1'])).stdout).toBe('world\n');
    const denied = await kubectl(t, ['get', 'pods', '-n', 'restricted'], { context: 'splitscope-sandbox-readonly' });
    expect(denied.stderr).toContain('Error from server (Forbidden): pods is forbidden: User "splitscope-viewer" cannot list resource "pods" in API group "" in the namespace "restricted"');
    const readonlyWrite = await kubectl(t, ['delete', 'pod', 'talker'], { context: 'splitscope-sandbox-readonly' });
    expect(readonlyWrite.stderr).toContain('cannot delete resource "pods"');
    expect((await kubectl(t, ['logs', 'talker'], { context: 'splitscope-sandbox-readonly' })).stdout).toBe('hello\nworld\n');
  });
});

describe('a restarted sandbox', () => {
  it('keeps every object, the port and the kubeconfig', async () => {
    const before = (await kubectl(t, ['get', 'vs', '-A', '-o', 'json'])).stdout;
    const oldUrl = t.sandbox.url;
    const rv = String(field((await kube(t.sandbox, '/api/v1/namespaces')).body, 'metadata', 'resourceVersion'));
    const kubeconfig = readFileSync(t.sandbox.kubeconfigPath, 'utf8');
    await t.sandbox.stop();
    const again = await startTestSandbox({ dataDir: t.dataDir });
    t = again;
    expect(again.sandbox.url).toBe(oldUrl);
    expect(readFileSync(again.sandbox.kubeconfigPath, 'utf8')).toBe(kubeconfig);
    const after = (await kubectl(again, ['get', 'vs', '-A', '-o', 'json'])).stdout;
    expect(JSON.parse(after)).toEqual(JSON.parse(before));
    expect((await kubectl(again, ['logs', 'talker'])).stdout).toBe('hello\nworld\n');
    // The watch history did not survive: an older resourceVersion is gone (410), the current one is fine.
    const res = await fetch(`${again.sandbox.httpUrl}/api/v1/namespaces?watch=true&resourceVersion=1`, { headers: { authorization: `Bearer ${again.sandbox.tokens.admin}` } });
    const line = (await res.text()).split('\n')[0] ?? '';
    expect(JSON.parse(line)).toEqual({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: 1 (${rv})`, reason: 'Expired', code: 410 },
    });
  });
});

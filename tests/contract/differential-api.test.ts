/**
 * Differential checks of the sandbox's REST API: discovery, VirtualService CRUD, merge and
 * JSON patches, dry runs, conflicts, not-found, invalid names and label selectors, each
 * request sent to the real server and to the sandbox, the answers compared.
 */
import { describe, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { both, Comparison, compare, DIFF_NAMESPACE, differences, entryNamed, normalise, sidesForFile } from './support/differential';
import { kubeRequest } from './support/kube-http';
import { expectOnlyKnown } from './support/known-differences';
import { apiGroupListSchema, apiResourceListSchema, listSchema } from './support/shapes';

const ns = DIFF_NAMESPACE;
const sides = sidesForFile();

const vsCollection = (version = 'v1', namespace = ns) => `/apis/networking.istio.io/${version}/namespaces/${namespace}/virtualservices`;
const vsItem = (name: string, version = 'v1') => `${vsCollection(version)}/${name}`;

function virtualService(name: string, opts: { weights?: [number, number]; labels?: Record<string, string>; resourceVersion?: string; version?: string } = {}): Json {
  const [a, b] = opts.weights ?? [10, 90];
  return {
    apiVersion: `networking.istio.io/${opts.version ?? 'v1'}`,
    kind: 'VirtualService',
    metadata: {
      name,
      namespace: ns,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
    },
    spec: {
      hosts: ['my-apache-vs'],
      http: [{ route: [{ destination: { host: 'my-apache' }, weight: a }, { destination: { host: 'my-apache-2' }, weight: b }] }],
    },
  };
}

/** Deletes on both sides whatever an earlier run left. */
async function clean(...paths: string[]): Promise<void> {
  for (const path of paths) await both(sides(), { method: 'DELETE', path, query: { gracePeriodSeconds: '0' } });
}

/** The resourceVersion each side holds now for one object. */
async function versions(path: string): Promise<{ real: string; sandbox: string }> {
  const pair = await both(sides(), { path });
  const rv = (body: Json | undefined) => listSchema.shape.metadata.parse(body !== null && typeof body === 'object' && !Array.isArray(body) ? body.metadata : {}).resourceVersion;
  return { real: rv(pair.real.body), sandbox: rv(pair.sandbox.body) };
}

describe('discovery', () => {
  it('answers /api, /version and the group list alike for what the sandbox serves', async (ctx) => {
    const c = new Comparison();
    await c.step(sides(), 'GET /api', { path: '/api' });
    // The versions differ by design; which fields /version has should not.
    const version = await both(sides(), { path: '/version' });
    const keys = (body: Json | undefined): Json => Object.fromEntries(Object.keys(body !== null && typeof body === 'object' ? body : {}).map((k) => [k, true]));
    c.add('GET /version fields', differences(keys(version.real.body), keys(version.sandbox.body)));

    const groups = await both(sides(), { path: '/apis' });
    for (const { name } of apiGroupListSchema.parse(groups.sandbox.body).groups) {
      c.add(`GET /apis group ${name}`, differences(normalise(entryNamed(groups.real.body, 'groups', name)), normalise(entryNamed(groups.sandbox.body, 'groups', name))));
    }
    expectOnlyKnown(ctx, 'discovery-groups', c.lines);
  });

  it('describes each resource the sandbox serves as the real server does', async (ctx) => {
    const c = new Comparison();
    for (const gv of ['v1', 'apps/v1', 'discovery.k8s.io/v1', 'networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']) {
      const path = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
      const pair = await both(sides(), { path });
      c.add(`GET ${path} status`, pair.real.status === pair.sandbox.status ? [] : [`real ${pair.real.status} ≠ sandbox ${pair.sandbox.status}`]);
      if (pair.sandbox.status !== 200) continue;
      const real = apiResourceListSchema.parse(pair.real.body).resources.map((r) => r.name);
      const sandbox = apiResourceListSchema.parse(pair.sandbox.body).resources.map((r) => r.name);
      for (const r of sandbox) c.add(`GET ${path} ${r}`, differences(entryNamed(pair.real.body, 'resources', r), entryNamed(pair.sandbox.body, 'resources', r)));
      // The Istio group: which of its resources the sandbox leaves out.
      if (gv.startsWith('networking.istio.io/')) {
        const served = new Set(sandbox);
        const missing = real.filter((n) => !served.has(n) && !n.includes('/'));
        if (missing.length > 0) c.add(`GET ${path}`, [`not served by the sandbox: ${missing.sort().join(', ')}`]);
      }
    }
    expectOnlyKnown(ctx, 'discovery-resources', c.lines);
  });

  it('answers the aggregated discovery kubectl asks for alike', async (ctx) => {
    const c = new Comparison();
    for (const path of ['/api', '/apis']) {
      const pair = await both(sides(), { path, accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
      c.add(`GET ${path} (aggregated)`, [
        ...(pair.real.status !== pair.sandbox.status ? [`status: real ${pair.real.status} ≠ sandbox ${pair.sandbox.status}`] : []),
        ...differences(pair.real.headers['content-type'] ?? null, pair.sandbox.headers['content-type'] ?? null, 'content-type'),
      ]);
    }
    expectOnlyKnown(ctx, 'discovery-aggregated', c.lines);
  });
});

describe('VirtualService create, get, list, update, delete', () => {
  it.for(['v1', 'v1beta1', 'v1alpha3'])('answers each step alike through %s', async (version, ctx) => {
    const name = `diff-crud-${version}`;
    await clean(vsItem(name, version));
    const c = new Comparison();
    await c.step(sides(), 'create', { method: 'POST', path: vsCollection(version), body: virtualService(name, { version, labels: { case: 'crud' } }) });
    await c.step(sides(), 'get', { path: vsItem(name, version) });
    const listed = await both(sides(), { path: vsCollection(version), query: { labelSelector: 'case=crud' } });
    c.add('list', compare({ real: { ...listed.real, body: onlyNamed(listed.real.body, name) }, sandbox: { ...listed.sandbox, body: onlyNamed(listed.sandbox.body, name) } }));
    const rv = await versions(vsItem(name, version));
    const updated = await Promise.all([
      kubeRequest(sides().real, { method: 'PUT', path: vsItem(name, version), body: virtualService(name, { version, weights: [50, 50], resourceVersion: rv.real }) }),
      kubeRequest(sides().sandbox, { method: 'PUT', path: vsItem(name, version), body: virtualService(name, { version, weights: [50, 50], resourceVersion: rv.sandbox }) }),
    ]);
    c.add('update', compare({ real: updated[0], sandbox: updated[1] }));
    await c.step(sides(), 'update without resourceVersion', { method: 'PUT', path: vsItem(name, version), body: virtualService(name, { version, weights: [60, 40] }) });
    await c.step(sides(), 'update with a stale resourceVersion', { method: 'PUT', path: vsItem(name, version), body: virtualService(name, { version, weights: [70, 30], resourceVersion: '1' }) });
    await c.step(sides(), 'delete', { method: 'DELETE', path: vsItem(name, version) });
    await c.step(sides(), 'get after delete', { path: vsItem(name, version) });
    await c.step(sides(), 'delete again', { method: 'DELETE', path: vsItem(name, version) });
    expectOnlyKnown(ctx, `crud-${version}`, c.lines);
  });
});

/** A list answer with only the named item (each side holds other objects besides). */
function onlyNamed(body: Json | undefined, name: string): Json | undefined {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) return body;
  const item = entryNamed(body, 'items', name, 'metadata.name');
  return { ...body, items: item === undefined ? [] : [item] };
}

describe('patches', () => {
  it('answers merge patches alike, including a stale resourceVersion (409)', async (ctx) => {
    const name = 'diff-merge';
    await clean(vsItem(name));
    const c = new Comparison();
    await c.step(sides(), 'create', { method: 'POST', path: vsCollection(), body: virtualService(name) });
    await c.step(sides(), 'merge patch of labels and spec', {
      method: 'PATCH',
      path: vsItem(name),
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { patched: 'yes' } }, spec: { http: [{ route: [{ destination: { host: 'my-apache' }, weight: 30 }, { destination: { host: 'my-apache-2' }, weight: 70 }] }] } },
    });
    await c.step(sides(), 'merge patch removing a label (null)', { method: 'PATCH', path: vsItem(name), contentType: 'application/merge-patch+json', body: { metadata: { labels: { patched: null } } } });
    await c.step(sides(), 'merge patch with a stale resourceVersion', {
      method: 'PATCH',
      path: vsItem(name),
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: '1' }, spec: { hosts: ['other'] } },
    });
    await c.step(sides(), 'merge patch that breaks the schema', { method: 'PATCH', path: vsItem(name), contentType: 'application/merge-patch+json', body: { spec: { hosts: 'not-a-list' } } });
    await c.step(sides(), 'merge patch of a missing object', { method: 'PATCH', path: vsItem('diff-missing'), contentType: 'application/merge-patch+json', body: { metadata: { labels: { a: 'b' } } } });
    await c.step(sides(), 'strategic merge patch (not for custom resources)', { method: 'PATCH', path: vsItem(name), contentType: 'application/strategic-merge-patch+json', body: { metadata: { labels: { a: 'b' } } } });
    await c.step(sides(), 'merge patch that is not JSON', { method: 'PATCH', path: vsItem(name), contentType: 'application/merge-patch+json', rawBody: '{"metadata": ' });
    await c.step(sides(), 'get', { path: vsItem(name) });
    expectOnlyKnown(ctx, 'merge-patch', c.lines);
  });

  it('answers JSON patches alike: replace, test, a failing test, a stale resourceVersion, bad paths', async (ctx) => {
    const name = 'diff-json-patch';
    await clean(vsItem(name));
    const c = new Comparison();
    await c.step(sides(), 'create', { method: 'POST', path: vsCollection(), body: virtualService(name) });
    const jsonPatch = (step: string, body: Json, query?: Record<string, string>) =>
      c.step(sides(), step, { method: 'PATCH', path: vsItem(name), contentType: 'application/json-patch+json', body, query });
    await jsonPatch('test and replace weights', [
      { op: 'test', path: '/metadata/name', value: name },
      { op: 'test', path: '/spec/http/0/route/0/weight', value: 10 },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 25 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 75 },
    ]);
    await jsonPatch('a failing test', [
      { op: 'test', path: '/spec/http/0/route/0/weight', value: 99 },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 1 },
    ]);
    // Splitscope guards every edit with this: a stale value must give 409, as an update does.
    const rv = await versions(vsItem(name));
    await jsonPatch('replace /metadata/resourceVersion with a stale value', [
      { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 5 },
    ]);
    const current = await Promise.all([
      kubeRequest(sides().real, { method: 'PATCH', path: vsItem(name), contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/metadata/resourceVersion', value: rv.real }, { op: 'replace', path: '/spec/http/0/route/0/weight', value: 40 }, { op: 'replace', path: '/spec/http/0/route/1/weight', value: 60 }] }),
      kubeRequest(sides().sandbox, { method: 'PATCH', path: vsItem(name), contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/metadata/resourceVersion', value: rv.sandbox }, { op: 'replace', path: '/spec/http/0/route/0/weight', value: 40 }, { op: 'replace', path: '/spec/http/0/route/1/weight', value: 60 }] }),
    ]);
    c.add('replace /metadata/resourceVersion with the current value', compare({ real: current[0], sandbox: current[1] }));
    await jsonPatch('add an annotation into a missing map (escaped key)', [{ op: 'add', path: '/metadata/annotations', value: { 'splitscope.dev/history': '[]' } }]);
    await jsonPatch('test and replace an escaped key', [
      { op: 'test', path: '/metadata/annotations/splitscope.dev~1history', value: '[]' },
      { op: 'replace', path: '/metadata/annotations/splitscope.dev~1history', value: '[{"revision":1}]' },
    ]);
    await jsonPatch('remove the last annotation', [{ op: 'remove', path: '/metadata/annotations/splitscope.dev~1history' }]);
    await jsonPatch('remove a path that does not exist', [{ op: 'remove', path: '/spec/http/5' }]);
    await jsonPatch('replace a path that does not exist', [{ op: 'replace', path: '/spec/tcp/0/route', value: [] }]);
    await jsonPatch('append with -', [{ op: 'add', path: '/spec/http/0/route/-', value: { destination: { host: 'canary' }, weight: 0 } }]);
    await jsonPatch('an unknown op', [{ op: 'frobnicate', path: '/spec' }]);
    await jsonPatch('a patch that is not a list', { op: 'replace', path: '/spec/hosts', value: ['x'] });
    await jsonPatch('a dry run', [{ op: 'replace', path: '/spec/hosts/0', value: 'dry' }], { dryRun: 'All' });
    await jsonPatch('a weight the schema refuses', [{ op: 'replace', path: '/spec/http/0/route/0/weight', value: 'ten' }]);
    await c.step(sides(), 'get', { path: vsItem(name) });
    expectOnlyKnown(ctx, 'json-patch', c.lines);
  });
});

describe('dry run', () => {
  it('validates and answers as a write would with dryRun=All, storing nothing', async (ctx) => {
    const name = 'diff-dry-run';
    await clean(vsItem(name));
    const c = new Comparison();
    await c.step(sides(), 'create with dryRun=All', { method: 'POST', path: vsCollection(), query: { dryRun: 'All' }, body: virtualService(name) });
    await c.step(sides(), 'get after the dry-run create', { path: vsItem(name) });
    await c.step(sides(), 'create with an unknown dryRun value', { method: 'POST', path: vsCollection(), query: { dryRun: 'Yes' }, body: virtualService(name) });
    await c.step(sides(), 'create', { method: 'POST', path: vsCollection(), body: virtualService(name) });
    await c.step(sides(), 'update with dryRun=All', { method: 'PUT', path: vsItem(name), query: { dryRun: 'All' }, body: virtualService(name, { weights: [1, 99] }) });
    await c.step(sides(), 'delete with dryRun=All', { method: 'DELETE', path: vsItem(name), query: { dryRun: 'All' } });
    await c.step(sides(), 'get after the dry-run update and delete', { path: vsItem(name) });
    expectOnlyKnown(ctx, 'dry-run', c.lines);
  });
});

describe('conflicts and not-found', () => {
  it('answers 409 and 404 alike', async (ctx) => {
    const name = 'diff-conflict';
    await clean(vsItem(name));
    const c = new Comparison();
    await c.step(sides(), 'create', { method: 'POST', path: vsCollection(), body: virtualService(name) });
    await c.step(sides(), 'create again', { method: 'POST', path: vsCollection(), body: virtualService(name) });
    await c.step(sides(), 'get a missing VirtualService', { path: vsItem('diff-missing') });
    await c.step(sides(), 'delete a missing VirtualService', { method: 'DELETE', path: vsItem('diff-missing') });
    await c.step(sides(), 'update a missing VirtualService', { method: 'PUT', path: vsItem('diff-missing'), body: virtualService('diff-missing', { resourceVersion: '1' }) });
    await c.step(sides(), 'list in a namespace that does not exist', { path: vsCollection('v1', 'splitscope-diff-nowhere') });
    await c.step(sides(), 'create in a namespace that does not exist', {
      method: 'POST',
      path: vsCollection('v1', 'splitscope-diff-nowhere'),
      body: objectWithNamespace(virtualService(name), 'splitscope-diff-nowhere'),
    });
    await c.step(sides(), 'get a namespace that does not exist', { path: '/api/v1/namespaces/splitscope-diff-nowhere' });
    await c.step(sides(), 'a resource the group does not have', { path: `/apis/networking.istio.io/v1/namespaces/${ns}/frobnicators` });
    await c.step(sides(), 'a group version that does not exist', { path: `/apis/networking.istio.io/v9/namespaces/${ns}/virtualservices` });
    await c.step(sides(), 'namespace in the body differs from the path', {
      method: 'POST',
      path: vsCollection(),
      body: objectWithNamespace(virtualService('diff-other-ns'), 'default'),
    });
    await c.step(sides(), 'name in the body differs from the path', { method: 'PUT', path: vsItem(name), body: virtualService('diff-other-name', { resourceVersion: '1' }) });
    await c.step(sides(), 'body is not JSON', { method: 'POST', path: vsCollection(), rawBody: 'not json' });
    await c.step(sides(), 'kind in the body is not the resource', { method: 'POST', path: vsCollection(), body: objectWithKind(virtualService('diff-kind'), 'DestinationRule') });
    await c.step(sides(), 'kind in the body is not the resource (built-in)', {
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/services`,
      query: { dryRun: 'All' },
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'diff-kind', namespace: ns }, spec: { ports: [{ port: 80 }] } },
    });
    await c.step(sides(), 'delete', { method: 'DELETE', path: vsItem(name) });
    expectOnlyKnown(ctx, 'conflicts-not-found', c.lines);
  });
});

function objectWithNamespace(body: Json, namespace: string): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const metadata = body.metadata;
  return { ...body, metadata: metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? { ...metadata, namespace } : metadata ?? null };
}

function objectWithKind(body: Json, kind: string): Json {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, kind } : body;
}

describe('invalid names', () => {
  it('refuses invalid object names alike (422), for every name rule', async (ctx) => {
    const c = new Comparison();
    for (const name of ['Bad_Name', 'istio-system~gateway~x', 'a'.repeat(254), '-leading', 'trailing.', 'has space']) {
      await c.step(sides(), `VirtualService "${name.slice(0, 20)}"`, { method: 'POST', path: vsCollection(), body: virtualService(name) });
    }
    await c.step(sides(), 'VirtualService without a name', { method: 'POST', path: vsCollection(), body: virtualService('') });
    await c.step(sides(), 'VirtualService with generateName', {
      method: 'POST',
      path: vsCollection(),
      query: { dryRun: 'All' },
      body: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { generateName: 'diff-gen-', namespace: ns }, spec: { hosts: ['x'] } },
    });
    for (const name of ['nsA', 'a.b', 'a'.repeat(64)]) {
      await c.step(sides(), `Namespace "${name.slice(0, 20)}"`, { method: 'POST', path: '/api/v1/namespaces', query: { dryRun: 'All' }, body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
    }
    for (const name of ['1-starts-with-digit', 'a.b', 'Upper']) {
      await c.step(sides(), `Service "${name}"`, {
        method: 'POST',
        path: `/api/v1/namespaces/${ns}/services`,
        query: { dryRun: 'All' },
        body: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ port: 80 }] } },
      });
    }
    await c.step(sides(), 'a path segment that is no name', { path: vsItem('Bad_Name') });
    expectOnlyKnown(ctx, 'invalid-names', c.lines);
  });
});

describe('label and field selectors', () => {
  it('selects the same objects for each selector, and refuses the same bad ones', async (ctx) => {
    const objects: [string, Record<string, string>][] = [
      ['diff-sel-a', { app: 'shop', tier: 'web' }],
      ['diff-sel-b', { app: 'shop', tier: 'api' }],
      ['diff-sel-c', { app: 'blog' }],
      ['diff-sel-d', { other: 'x' }],
    ];
    await clean(...objects.map(([n]) => vsItem(n)));
    for (const [name, labels] of objects) await both(sides(), { method: 'POST', path: vsCollection(), body: virtualService(name, { labels }) });
    const c = new Comparison();
    const selectors: Record<string, string>[] = [
      { labelSelector: 'app=shop' },
      { labelSelector: 'app==shop' },
      { labelSelector: 'app!=shop' },
      { labelSelector: 'app in (shop,blog)' },
      { labelSelector: 'app notin (shop)' },
      { labelSelector: 'tier' },
      { labelSelector: '!tier' },
      { labelSelector: 'app=shop,tier=api' },
      { labelSelector: 'app=' },
      { fieldSelector: 'metadata.name=diff-sel-c' },
      { fieldSelector: 'metadata.namespace!=default' },
      { labelSelector: 'app in shop' },
      { labelSelector: 'app=shop=' },
      { labelSelector: 'Bad Key=x' },
      { fieldSelector: 'spec.hosts=x' },
    ];
    for (const query of selectors) {
      const pair = await both(sides(), { path: vsCollection(), query });
      const names = (body: Json | undefined) => {
        const parsed = listSchema.safeParse(body);
        return parsed.success ? parsed.data.items.map((i) => i.metadata.name).filter((n) => n.startsWith('diff-sel-')).sort() : null;
      };
      const step = `list ${JSON.stringify(query)}`;
      if (pair.real.status === 200 && pair.sandbox.status === 200) c.add(step, differences(names(pair.real.body), names(pair.sandbox.body), 'names'));
      else c.add(step, compare(pair));
    }
    await clean(...objects.map(([n]) => vsItem(n)));
    expectOnlyKnown(ctx, 'selectors', c.lines);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, kube, startTestSandbox, type TestSandbox } from './support';

let t: TestSandbox;
const VS_PATH = '/apis/networking.istio.io/v1/namespaces/default/virtualservices';

function virtualService(name: string, weights: [number, number] = [50, 50]) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'default' },
    spec: {
      hosts: ['my-apache-vs'],
      http: [
        {
          route: [
            { destination: { host: 'my-apache' }, weight: weights[0] },
            { destination: { host: 'my-apache-2' }, weight: weights[1] },
          ],
        },
      ],
    },
  };
}

beforeAll(async () => {
  t = await startTestSandbox();
});

afterAll(async () => {
  await t.cleanup();
});

describe('discovery', () => {
  it('serves /version, /api and /apis', async () => {
    expect(field((await kube(t.sandbox, '/version')).body, 'major')).toBe('1');
    expect((await kube(t.sandbox, '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await kube(t.sandbox, '/apis')).body;
    expect(field(groups, 'kind')).toBe('APIGroupList');
    const istio = (field(groups, 'groups') as { name: string }[]).find((g) => g.name === 'networking.istio.io');
    expect(istio).toMatchObject({
      versions: [
        { groupVersion: 'networking.istio.io/v1', version: 'v1' },
        { groupVersion: 'networking.istio.io/v1beta1', version: 'v1beta1' },
        { groupVersion: 'networking.istio.io/v1alpha3', version: 'v1alpha3' },
      ],
      preferredVersion: { groupVersion: 'networking.istio.io/v1', version: 'v1' },
    });
  });

  it('lists resources with short names, verbs and subresources', async () => {
    const core = (await kube(t.sandbox, '/api/v1')).body;
    expect(field(core, 'apiVersion')).toBeUndefined();
    const resources = field(core, 'resources') as { name: string; shortNames?: string[]; verbs: string[]; namespaced: boolean }[];
    expect(resources.find((r) => r.name === 'pods')).toMatchObject({ shortNames: ['po'], namespaced: true, kind: 'Pod', singularName: 'pod' });
    expect(resources.find((r) => r.name === 'pods/log')).toMatchObject({ verbs: ['get'] });
    expect(resources.find((r) => r.name === 'namespaces')).toMatchObject({ shortNames: ['ns'], namespaced: false });
    const vs = (await kube(t.sandbox, '/apis/networking.istio.io/v1alpha3')).body;
    expect(field(vs, 'groupVersion')).toBe('networking.istio.io/v1alpha3');
    expect((field(vs, 'resources') as { name: string }[]).find((r) => r.name === 'virtualservices')).toMatchObject({
      shortNames: ['vs'],
      categories: ['istio-io', 'networking-istio-io'],
    });
  });

  it('answers aggregated discovery when asked', async () => {
    const res = await kube(t.sandbox, '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(res.headers.get('content-type')).toContain('as=APIGroupDiscoveryList');
    expect(field(res.body, 'kind')).toBe('APIGroupDiscoveryList');
  });

  it('points /openapi/v3 at documents whose PATCH operations take fieldValidation', async () => {
    const root = (await kube(t.sandbox, '/openapi/v3')).body;
    const entry = field(root, 'paths', 'apis/networking.istio.io/v1', 'serverRelativeURL');
    expect(typeof entry).toBe('string');
    const doc = (await kube(t.sandbox, String(entry))).body;
    const patch = field(doc, 'paths', '/apis/networking.istio.io/v1/namespaces/{namespace}/virtualservices/{name}', 'patch');
    expect(field(patch, 'x-kubernetes-group-version-kind')).toEqual({ group: 'networking.istio.io', version: 'v1', kind: 'VirtualService' });
    expect((field(patch, 'parameters') as { name: string }[]).map((p) => p.name)).toContain('fieldValidation');
  });
});

describe('authentication and authorization', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    for (const as of ['none', { token: 'nope' }] as const) {
      const res = await kube(t.sandbox, '/api/v1/namespaces', { as });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  it('lets the viewer read outside the restricted namespace, and nothing more', async () => {
    expect((await kube(t.sandbox, VS_PATH, { as: 'viewer' })).status).toBe(200);
    expect((await kube(t.sandbox, '/api/v1/namespaces', { as: 'viewer' })).status).toBe(200);
    const restricted = await kube(t.sandbox, '/apis/networking.istio.io/v1/namespaces/restricted/virtualservices', { as: 'viewer' });
    expect(restricted.status).toBe(403);
    expect(restricted.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'virtualservices.networking.istio.io is forbidden: User "splitscope-viewer" cannot list resource "virtualservices" in API group "networking.istio.io" in the namespace "restricted"',
      reason: 'Forbidden',
      details: { group: 'networking.istio.io', kind: 'virtualservices' },
      code: 403,
    });
    const write = await kube(t.sandbox, `${VS_PATH}/hujin-virtual-svc`, { as: 'viewer', method: 'PUT', body: virtualService('hujin-virtual-svc') });
    expect(write.status).toBe(403);
    expect(field(write.body, 'message')).toBe(
      'virtualservices.networking.istio.io "hujin-virtual-svc" is forbidden: User "splitscope-viewer" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "default"',
    );
    const all = await kube(t.sandbox, '/api/v1/pods', { as: 'viewer' });
    expect(field(all.body, 'message')).toContain('cannot list resource "pods" in API group "" at the cluster scope');
  });
});

describe('reads', () => {
  it('serves the seed VirtualService in every Istio version from one object', async () => {
    const uids = new Set<unknown>();
    for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
      const res = await kube(t.sandbox, `/apis/networking.istio.io/${version}/namespaces/default/virtualservices/hujin-virtual-svc`);
      expect(res.status).toBe(200);
      expect(field(res.body, 'apiVersion')).toBe(`networking.istio.io/${version}`);
      expect(field(res.body, 'kind')).toBe('VirtualService');
      uids.add(field(res.body, 'metadata', 'uid'));
    }
    expect(uids.size).toBe(1);
  });

  it('lists with kind, list resourceVersion, and no per-item kind for built-in types', async () => {
    const res = await kube(t.sandbox, '/api/v1/namespaces/default/services');
    expect(field(res.body, 'kind')).toBe('ServiceList');
    expect(field(res.body, 'apiVersion')).toBe('v1');
    expect(typeof field(res.body, 'metadata', 'resourceVersion')).toBe('string');
    const items = field(res.body, 'items') as Record<string, unknown>[];
    expect(items.map((i) => field(i, 'metadata', 'name'))).toEqual(['my-apache', 'my-apache-2', 'my-apache-vs']);
    expect(items[0]?.kind).toBeUndefined();
    expect(field(items[0], 'spec', 'clusterIP')).toMatch(/^10\.9[6-9]\./);
    const vsList = await kube(t.sandbox, '/apis/networking.istio.io/v1beta1/virtualservices');
    expect(field(vsList.body, 'kind')).toBe('VirtualServiceList');
    expect(field(vsList.body, 'items', 0, 'apiVersion')).toBe('networking.istio.io/v1beta1');
  });

  it('filters by label and field selectors', async () => {
    const byLabel = async (selector: string) =>
      ((await kube(t.sandbox, `/api/v1/namespaces/default/services?labelSelector=${encodeURIComponent(selector)}`)).body as { items: unknown[] }).items.map((i) => field(i, 'metadata', 'name'));
    expect(await byLabel('run=my-apache')).toEqual(['my-apache']);
    expect(await byLabel('run!=my-apache')).toEqual(['my-apache-2', 'my-apache-vs']);
    expect(await byLabel('run in (my-apache-2,my-apache-vs)')).toEqual(['my-apache-2', 'my-apache-vs']);
    expect(await byLabel('run notin (my-apache)')).toEqual(['my-apache-2', 'my-apache-vs']);
    expect(await byLabel('run')).toHaveLength(3);
    expect(await byLabel('!run')).toEqual([]);
    const byField = await kube(t.sandbox, '/api/v1/services?fieldSelector=metadata.name%3Dmy-apache-2');
    expect((byField.body as { items: unknown[] }).items.map((i) => field(i, 'metadata', 'namespace'))).toEqual(['default']);
    const bad = await kube(t.sandbox, '/api/v1/namespaces/default/services?labelSelector=a%20b');
    expect(bad.status).toBe(400);
    expect(field(bad.body, 'reason')).toBe('BadRequest');
    const badField = await kube(t.sandbox, '/api/v1/namespaces/default/services?fieldSelector=spec.type%3DClusterIP');
    expect(field(badField.body, 'message')).toBe('field label not supported: spec.type');
  });

  it('pages with limit and continue', async () => {
    const all = ((await kube(t.sandbox, '/api/v1/namespaces')).body as { items: unknown[] }).items.map((i) => field(i, 'metadata', 'name'));
    expect(all.length).toBeGreaterThan(3);
    const first = await kube(t.sandbox, '/api/v1/namespaces?limit=2');
    const names = (field(first.body, 'items') as unknown[]).map((i) => field(i, 'metadata', 'name'));
    expect(names).toHaveLength(2);
    const token = field(first.body, 'metadata', 'continue');
    expect(typeof token).toBe('string');
    expect(field(first.body, 'metadata', 'remainingItemCount')).toBe(all.length - 2);
    const rest = await kube(t.sandbox, `/api/v1/namespaces?limit=100&continue=${encodeURIComponent(String(token))}`);
    const more = (field(rest.body, 'items') as unknown[]).map((i) => field(i, 'metadata', 'name'));
    expect([...names, ...more]).toEqual(all);
    expect(field(rest.body, 'metadata', 'continue')).toBeUndefined();
  });

  it('answers a Table when asked', async () => {
    const res = await kube(t.sandbox, '/apis/networking.istio.io/v1/virtualservices', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(field(res.body, 'kind')).toBe('Table');
    expect((field(res.body, 'columnDefinitions') as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'Gateways', 'Hosts', 'Age']);
    expect(field(res.body, 'rows', 0, 'cells', 2)).toBe('["my-apache-vs"]');
  });

  it('answers NotFound for a missing object and 404 text for an unknown path', async () => {
    const res = await kube(t.sandbox, '/api/v1/namespaces/default/pods/nope');
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    const unknown = await kube(t.sandbox, '/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('404 page not found\n');
    const unknownResource = await kube(t.sandbox, '/api/v1/namespaces/default/widgets');
    expect(unknownResource.status).toBe(404);
    expect(field(unknownResource.body, 'message')).toBe('the server could not find the requested resource');
  });
});

describe('writes', () => {
  it('creates, refuses a duplicate with 409 AlreadyExists, and generates names', async () => {
    const created = await kube(t.sandbox, VS_PATH, { method: 'POST', body: virtualService('split-a') });
    expect(created.status).toBe(201);
    expect(field(created.body, 'metadata', 'resourceVersion')).toMatch(/^\d+$/);
    expect(field(created.body, 'metadata', 'generation')).toBe(1);
    const again = await kube(t.sandbox, VS_PATH, { method: 'POST', body: virtualService('split-a') });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'virtualservices.networking.istio.io "split-a" already exists', details: { name: 'split-a', group: 'networking.istio.io', kind: 'virtualservices' } });
    const generated = await kube(t.sandbox, VS_PATH, { method: 'POST', body: { ...virtualService(''), metadata: { generateName: 'probe-' } } });
    expect(field(generated.body, 'metadata', 'name')).toMatch(/^probe-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses creating in a namespace that does not exist, as NamespaceLifecycle does', async () => {
    const res = await kube(t.sandbox, '/apis/networking.istio.io/v1/namespaces/ghost/virtualservices', { method: 'POST', body: { ...virtualService('x'), metadata: { name: 'x' } } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ message: 'namespaces "ghost" not found', details: { name: 'ghost', kind: 'namespaces' } });
  });

  it('writes nothing on dryRun=All', async () => {
    const before = (await kube(t.sandbox, VS_PATH)).body;
    const res = await kube(t.sandbox, `${VS_PATH}?dryRun=All`, { method: 'POST', body: virtualService('dry') });
    expect(res.status).toBe(201);
    expect(field(res.body, 'metadata', 'uid')).toBeTruthy();
    expect(field(res.body, 'metadata', 'resourceVersion')).toBeUndefined();
    expect((await kube(t.sandbox, `${VS_PATH}/dry`)).status).toBe(404);
    const after = (await kube(t.sandbox, VS_PATH)).body;
    expect(field(after, 'metadata', 'resourceVersion')).toBe(field(before, 'metadata', 'resourceVersion'));
    const bad = await kube(t.sandbox, `${VS_PATH}?dryRun=Some`, { method: 'POST', body: virtualService('dry') });
    expect(bad.status).toBe(422);
  });

  it('updates with optimistic concurrency: a stale resourceVersion gets 409', async () => {
    const current = (await kube(t.sandbox, `${VS_PATH}/split-a`)).body as Record<string, unknown>;
    const first = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PUT', body: { ...virtualService('split-a', [10, 90]), metadata: field(current, 'metadata') } });
    expect(first.status).toBe(200);
    expect(field(first.body, 'metadata', 'generation')).toBe(2);
    const stale = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PUT', body: { ...virtualService('split-a', [20, 80]), metadata: field(current, 'metadata') } });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Operation cannot be fulfilled on virtualservices.networking.istio.io "split-a": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'split-a', group: 'networking.istio.io', kind: 'virtualservices' },
      code: 409,
    });
    const noVersion = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PUT', body: virtualService('split-a') });
    expect(noVersion.status).toBe(422);
    expect(field(noVersion.body, 'message')).toBe('virtualservices.networking.istio.io "split-a" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update');
    const mismatch = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PUT', body: virtualService('other') });
    expect(field(mismatch.body, 'message')).toBe('the name of the object (other) does not match the name on the URL (split-a)');
  });

  it('keeps the resourceVersion when an update changes nothing', async () => {
    const current = (await kube(t.sandbox, `${VS_PATH}/split-a`)).body;
    const same = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PUT', body: current });
    expect(field(same.body, 'metadata', 'resourceVersion')).toBe(field(current, 'metadata', 'resourceVersion'));
  });

  it('validates like the CRD schema: 422 Invalid with causes, and the unchecked CEL rules said', async () => {
    const body = virtualService('bad-weight');
    const route = body.spec.http[0]?.route[0];
    if (!route) throw new Error('fixture');
    (route as Record<string, unknown>).weight = 'ten';
    const res = await kube(t.sandbox, VS_PATH, { method: 'POST', body });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'VirtualService.networking.istio.io "bad-weight" is invalid: [spec.http[0].route[0].weight: Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]',
      reason: 'Invalid',
      details: {
        name: 'bad-weight',
        group: 'networking.istio.io',
        kind: 'VirtualService',
        causes: [
          { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.http[0].route[0].weight in body must be of type integer: "string"', field: 'spec.http[0].route[0].weight' },
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
            field: '<nil>',
          },
        ],
      },
      code: 422,
    });
    const badName = await kube(t.sandbox, VS_PATH, { method: 'POST', body: virtualService('Bad_Name') });
    expect(field(badName.body, 'details', 'causes', 0, 'field')).toBe('metadata.name');
    const badService = await kube(t.sandbox, '/api/v1/namespaces/default/services', { method: 'POST', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a.b' }, spec: { ports: [{ port: 80 }] } } });
    expect(field(badService.body, 'message')).toBe('Service "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots');
  });

  it('prunes unknown fields with a warning, or refuses them under fieldValidation=Strict', async () => {
    const body = { ...virtualService('pruned'), spec: { ...virtualService('pruned').spec, colour: 'blue' } };
    const strict = await kube(t.sandbox, `${VS_PATH}?fieldValidation=Strict`, { method: 'POST', body });
    expect(strict.status).toBe(400);
    expect(field(strict.body, 'message')).toBe('VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.colour"');
    const warned = await kube(t.sandbox, VS_PATH, { method: 'POST', body });
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.colour\\""');
    expect(field(warned.body, 'spec', 'colour')).toBeUndefined();
  });

  it('refuses a body of another apiVersion or kind with 400', async () => {
    const wrongVersion = await kube(t.sandbox, VS_PATH, { method: 'POST', body: { ...virtualService('v'), apiVersion: 'networking.istio.io/v1beta1' } });
    expect(field(wrongVersion.body, 'message')).toBe('the API version in the data (networking.istio.io/v1beta1) does not match the expected API version (networking.istio.io/v1)');
    const wrongType = await kube(t.sandbox, VS_PATH, { method: 'POST', body: '{not json', contentType: 'application/json' });
    expect(wrongType.status).toBe(400);
    const media = await kube(t.sandbox, VS_PATH, { method: 'POST', body: 'x', contentType: 'text/plain' });
    expect(media.status).toBe(415);
  });

  it('accepts YAML bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-yaml\n';
    const res = await kube(t.sandbox, '/api/v1/namespaces', { method: 'POST', body: yaml, contentType: 'application/yaml' });
    expect(res.status).toBe(201);
    expect(field(res.body, 'status', 'phase')).toBe('Active');
    expect(field(res.body, 'metadata', 'labels', 'kubernetes.io/metadata.name')).toBe('from-yaml');
  });
});

describe('patches', () => {
  it('applies a JSON merge patch', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { team: 'a' } } } });
    expect(res.status).toBe(200);
    expect(field(res.body, 'metadata', 'labels')).toEqual({ team: 'a' });
  });

  it('applies a JSON patch, and answers a failed test op as the server does: a bare 422', async () => {
    const current = (await kube(t.sandbox, `${VS_PATH}/split-a`)).body;
    const rv = field(current, 'metadata', 'resourceVersion');
    const ok = await kube(t.sandbox, `${VS_PATH}/split-a`, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: rv },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 30 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 70 },
      ],
    });
    expect(ok.status).toBe(200);
    expect(field(ok.body, 'spec', 'http', 0, 'route', 1, 'weight')).toBe(70);
    const failed = await kube(t.sandbox, `${VS_PATH}/split-a`, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: [{ op: 'test', path: '/metadata/resourceVersion', value: rv }],
    });
    expect(failed.status).toBe(422);
    expect(failed.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it('makes a patch carrying a stale resourceVersion conflict', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: '1' }, spec: { hosts: ['x'] } } });
    expect(res.status).toBe(409);
  });

  it('refuses strategic merge patch on custom resources with 415, and accepts it on built-in ones', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'PATCH', contentType: 'application/strategic-merge-patch+json', body: { spec: {} } });
    expect(res.status).toBe(415);
    expect(field(res.body, 'message')).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    const svc = await kube(t.sandbox, '/api/v1/namespaces/default/services/my-apache', {
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { ports: [{ port: 80, name: 'http' }] } },
    });
    expect(svc.status).toBe(200);
    expect(field(svc.body, 'spec', 'ports')).toEqual([{ port: 80, name: 'http', protocol: 'TCP', targetPort: 80 }]);
  });
});

describe('deletes', () => {
  it('answers a Status for custom resources and the object for pods and services', async () => {
    const deleted = await kube(t.sandbox, `${VS_PATH}/pruned`, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name: 'pruned', group: 'networking.istio.io', kind: 'virtualservices' } });
    expect((await kube(t.sandbox, `${VS_PATH}/pruned`)).status).toBe(404);
    await kube(t.sandbox, '/api/v1/namespaces/default/services', { method: 'POST', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'gone' }, spec: { ports: [{ port: 80 }] } } });
    const svc = await kube(t.sandbox, '/api/v1/namespaces/default/services/gone', { method: 'DELETE' });
    expect(field(svc.body, 'kind')).toBe('Service');
  });

  it('checks preconditions', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'DELETE', body: { preconditions: { uid: 'not-it' } } });
    expect(res.status).toBe(409);
    expect(field(res.body, 'message')).toMatch(/^Operation cannot be fulfilled on virtualservices.networking.istio.io "split-a": Precondition failed: UID in precondition: not-it, UID in object meta: /);
  });

  it('keeps the object on a dry-run delete', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}/split-a?dryRun=All`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await kube(t.sandbox, `${VS_PATH}/split-a`)).status).toBe(200);
  });

  it('terminates a namespace with its content, and protects default', async () => {
    await kube(t.sandbox, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } } });
    await kube(t.sandbox, '/apis/networking.istio.io/v1/namespaces/doomed/virtualservices', { method: 'POST', body: { ...virtualService('v'), metadata: { name: 'v' } } });
    const res = await kube(t.sandbox, '/api/v1/namespaces/doomed', { method: 'DELETE' });
    expect(field(res.body, 'status', 'phase')).toBe('Terminating');
    await new Promise((r) => setTimeout(r, 50));
    expect((await kube(t.sandbox, '/api/v1/namespaces/doomed')).status).toBe(404);
    expect((await kube(t.sandbox, '/apis/networking.istio.io/v1/namespaces/doomed/virtualservices/v')).status).toBe(404);
    const protectedNs = await kube(t.sandbox, '/api/v1/namespaces/default', { method: 'DELETE' });
    expect(protectedNs.status).toBe(403);
    expect(field(protectedNs.body, 'message')).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  });

  it('deletes a collection by label', async () => {
    for (const name of ['c1', 'c2']) {
      await kube(t.sandbox, VS_PATH, { method: 'POST', body: { ...virtualService(name), metadata: { name, labels: { batch: 'x' } } } });
    }
    const res = await kube(t.sandbox, `${VS_PATH}?labelSelector=batch%3Dx`, { method: 'DELETE' });
    expect((field(res.body, 'items') as unknown[]).length).toBe(2);
    expect(((await kube(t.sandbox, `${VS_PATH}?labelSelector=batch%3Dx`)).body as { items: unknown[] }).items).toEqual([]);
  });

  it('answers 405 for a method a resource does not take', async () => {
    const res = await kube(t.sandbox, '/api/v1/namespaces/default/pods/x/log', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(field(res.body, 'reason')).toBe('MethodNotAllowed');
    const post = await kube(t.sandbox, '/api/v1/namespaces/default/services/my-apache', { method: 'POST', body: {} });
    expect(post.status).toBe(405);
    const crd = await kube(t.sandbox, `${VS_PATH}/split-a`, { method: 'POST', body: {} });
    expect(crd.body).toMatchObject({ reason: 'MethodNotAllowed', message: 'create is not supported on resources of kind "virtualservices.networking.istio.io"' });
  });
});

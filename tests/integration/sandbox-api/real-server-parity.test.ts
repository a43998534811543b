/**
 * What the contract suite found the real server (kube-apiserver 1.37 with Istio's CRDs)
 * doing differently from the sandbox, and the sandbox now does alike: each case names the
 * entry it closed in tests/contract/DIFFERENCES.md. The real answers are those recorded
 * there and in tests/contract/fixtures/real/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, isRecord, kube, startTestSandbox, type TestSandbox } from './support';

let t: TestSandbox;
const ISTIO = '/apis/networking.istio.io';
const VS_PATH = `${ISTIO}/v1/namespaces/default/virtualservices`;
const PODS = '/api/v1/namespaces/default/pods';

beforeAll(async () => {
  t = await startTestSandbox();
});

afterAll(async () => {
  await t.cleanup();
});

function virtualService(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'default', ...extra },
    spec: { hosts: ['my-apache-vs'], http: [{ route: [{ destination: { host: 'my-apache' }, weight: 100 }] }] },
  };
}

function serviceEntry(name: string, version = 'v1', spec: Record<string, unknown> = {}) {
  return {
    apiVersion: `networking.istio.io/${version}`,
    kind: 'ServiceEntry',
    metadata: { name, namespace: 'default' },
    spec: { hosts: ['api.example.com'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }], ...spec },
  };
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.flatMap((r) => (isRecord(r) && typeof r.name === 'string' ? [r.name] : [])) : [];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

describe('Istio networking resources (D1)', () => {
  it('serves every networking.istio.io resource in the versions the CRDs serve', async () => {
    const byVersion = async (v: string) => names(field((await kube(t.sandbox, `${ISTIO}/${v}`)).body, 'resources')).filter((n) => !n.includes('/'));
    const common = ['destinationrules', 'gateways', 'serviceentries', 'sidecars', 'virtualservices', 'workloadentries', 'workloadgroups'];
    expect((await byVersion('v1')).sort()).toEqual(common);
    expect((await byVersion('v1beta1')).sort()).toEqual([...common, 'proxyconfigs'].sort());
    expect((await byVersion('v1alpha3')).sort()).toEqual([...common, 'envoyfilters'].sort());
    const resources = field((await kube(t.sandbox, `${ISTIO}/v1`)).body, 'resources');
    const gateways = list(resources).find((r) => isRecord(r) && r.name === 'gateways');
    expect(gateways).toMatchObject({ kind: 'Gateway', shortNames: ['gw'], categories: ['istio-io', 'networking-istio-io'], storageVersionHash: 'kGh5BEeT2e8=' });
    expect(names(resources)).toContain('serviceentries/status');
  });

  it('stores a ServiceEntry once and serves it in every version', async () => {
    const created = await kube(t.sandbox, `${ISTIO}/v1beta1/namespaces/default/serviceentries`, { method: 'POST', body: serviceEntry('external-api', 'v1beta1') });
    expect(created.status).toBe(201);
    const read = await kube(t.sandbox, `${ISTIO}/v1/namespaces/default/serviceentries/external-api`);
    expect(field(read.body, 'apiVersion')).toBe('networking.istio.io/v1');
    expect(field(read.body, 'spec', 'hosts')).toEqual(['api.example.com']);
    const listed = await kube(t.sandbox, `${ISTIO}/v1alpha3/serviceentries`);
    expect(names(list(field(listed.body, 'items')).map((i) => field(i, 'metadata')))).toEqual(['external-api']);
  });

  it('applies the ServiceEntry schema: pruning with a warning, spec and hosts required, enums', async () => {
    const collection = `${ISTIO}/v1/namespaces/default/serviceentries`;
    const pruned = await kube(t.sandbox, `${collection}?dryRun=All`, { method: 'POST', body: serviceEntry('pruned', 'v1', { colour: 'blue' }) });
    expect(pruned.status).toBe(201);
    expect(pruned.headers.get('warning')).toBe('299 - "unknown field \\"spec.colour\\""');
    const { spec: _spec, ...withoutSpec } = serviceEntry('no-spec');
    const noSpec = await kube(t.sandbox, collection, { method: 'POST', body: withoutSpec });
    expect(field(noSpec.body, 'details', 'causes')).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec' },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
        field: '<nil>',
      },
    ]);
    const badEnum = await kube(t.sandbox, collection, { method: 'POST', body: serviceEntry('bad-enum', 'v1', { hosts: undefined, location: 'OUTSIDE' }) });
    expect(list(field(badEnum.body, 'details', 'causes')).map((c) => field(c, 'field'))).toEqual(['spec.location', 'spec.hosts', '<nil>']);
    expect(field(badEnum.body, 'details', 'causes', 0, 'message')).toBe('Unsupported value: "OUTSIDE": supported values: "MESH_EXTERNAL", "MESH_INTERNAL"');
  });

  it('checks a Gateway server and keeps the rest of it', async () => {
    const gateway = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'default' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'], tls: { httpsRedirect: true } }] },
    };
    const created = await kube(t.sandbox, `${ISTIO}/v1/namespaces/default/gateways`, { method: 'POST', body: gateway });
    expect(created.status).toBe(201);
    expect(field(created.body, 'spec')).toEqual(gateway.spec);
    const noPort = await kube(t.sandbox, `${ISTIO}/v1/namespaces/default/gateways?dryRun=All`, {
      method: 'POST',
      body: { ...gateway, metadata: { name: 'gw2' }, spec: { servers: [{ hosts: ['*'] }] } },
    });
    expect(field(noPort.body, 'details', 'causes', 0)).toEqual({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.servers[0].port' });
  });

  it("prints ServiceEntries with the CRD's columns", async () => {
    const table = await kube(t.sandbox, `${ISTIO}/v1/namespaces/default/serviceentries`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(names(field(table.body, 'columnDefinitions'))).toEqual(['Name', 'Hosts', 'Location', 'Resolution', 'Age']);
    expect(field(table.body, 'rows', 0, 'cells')).toEqual(['external-api', '["api.example.com"]', 'MESH_EXTERNAL', 'DNS', expect.any(String)]);
  });
});

describe('writes of custom resources', () => {
  it('lists custom resources with an empty continue (D4)', async () => {
    const list = await kube(t.sandbox, VS_PATH);
    expect(field(list.body, 'metadata', 'continue')).toBe('');
    expect(field((await kube(t.sandbox, '/api/v1/namespaces/default/services')).body, 'metadata')).not.toHaveProperty('continue');
  });

  it('drops a labels or annotations map once its last key goes (D6)', async () => {
    await kube(t.sandbox, VS_PATH, { method: 'POST', body: virtualService('emptied', { labels: { k: 'v' }, annotations: { a: 'b' } }) });
    const unlabelled = await kube(t.sandbox, `${VS_PATH}/emptied`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { k: null } } } });
    expect(field(unlabelled.body, 'metadata')).not.toHaveProperty('labels');
    const bare = await kube(t.sandbox, `${VS_PATH}/emptied`, { method: 'PATCH', contentType: 'application/json-patch+json', body: [{ op: 'remove', path: '/metadata/annotations/a' }] });
    expect(field(bare.body, 'metadata')).not.toHaveProperty('annotations');
    expect(field((await kube(t.sandbox, `${VS_PATH}/emptied`)).body, 'metadata')).not.toHaveProperty('annotations');
  });

  it('answers a dry-run patch of the spec with the generation the write would have (D11)', async () => {
    const before = (await kube(t.sandbox, `${VS_PATH}/emptied`)).body;
    const generation = field(before, 'metadata', 'generation');
    const dry = await kube(t.sandbox, `${VS_PATH}/emptied?dryRun=All`, { method: 'PATCH', contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/spec/hosts/0', value: 'other' }] });
    expect(field(dry.body, 'metadata', 'generation')).toBe(Number(generation) + 1);
    expect(field((await kube(t.sandbox, `${VS_PATH}/emptied`)).body, 'metadata', 'generation')).toBe(generation);
  });

  it('answers a JSON patch it cannot apply with a bare 422, and malformed patches with the handler words (D8, D9, D10)', async () => {
    for (const ops of [[{ op: 'remove', path: '/spec/http/5' }], [{ op: 'frobnicate', path: '/spec' }]]) {
      const res = await kube(t.sandbox, `${VS_PATH}/emptied`, { method: 'PATCH', contentType: 'application/json-patch+json', body: ops });
      expect(res.body).toMatchObject({ code: 422, reason: 'Invalid', details: {} });
    }
    const notList = await kube(t.sandbox, `${VS_PATH}/emptied`, { method: 'PATCH', contentType: 'application/json-patch+json', body: { op: 'remove' } });
    expect(field(notList.body, 'message')).toBe('error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp');
    const notJson = await kube(t.sandbox, `${VS_PATH}/emptied`, { method: 'PATCH', contentType: 'application/merge-patch+json', body: '{"metadata": ' });
    expect(notJson.body).toMatchObject({ code: 400, reason: 'BadRequest', message: 'invalid JSON patch' });
  });

  it('refuses a body of another kind as the CRD handler does: 422 named by the body (D14)', async () => {
    const res = await kube(t.sandbox, VS_PATH, { method: 'POST', body: { ...virtualService('diff-kind'), kind: 'DestinationRule' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      message: 'DestinationRule.networking.istio.io "diff-kind" is invalid: kind: Invalid value: "DestinationRule": must be VirtualService',
      details: { name: 'diff-kind', group: 'networking.istio.io', kind: 'DestinationRule', causes: [{ reason: 'FieldValueInvalid', field: 'kind' }] },
    });
    const builtin = await kube(t.sandbox, '/api/v1/namespaces/default/services', { method: 'POST', body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } });
    expect(field(builtin.body, 'message')).toBe('Pod in version "v1" cannot be handled as a Service: converting (v1.Pod) to (core.Service): unknown conversion');
  });
});

describe('messages', () => {
  it('reports /version with the emulation and compatibility versions (D3)', async () => {
    expect((await kube(t.sandbox, '/version')).body).toMatchObject({ emulationMajor: '1', emulationMinor: '32', minCompatibilityMajor: '1', minCompatibilityMinor: '31' });
  });

  it('prints an unsupported dryRun as a JSON list (D12)', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}?dryRun=Yes`, { method: 'POST', body: virtualService('x') });
    expect(field(res.body, 'message')).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"');
  });

  it('measures label values in bytes (D15), and lets a Service name start with a digit (D16)', async () => {
    const ns = await kube(t.sandbox, '/api/v1/namespaces?dryRun=All', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a'.repeat(64) } } });
    expect(field(ns.body, 'details', 'causes', 1, 'message')).toBe(`Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`);
    const svc = await kube(t.sandbox, '/api/v1/namespaces/default/services?dryRun=All', { method: 'POST', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: '1-starts-with-digit' }, spec: { ports: [{ port: 80 }] } } });
    expect(svc.status).toBe(201);
  });

  it('words selector errors as labels.Parse and the field selector check do (D17, D18)', async () => {
    const message = async (query: string) => field((await kube(t.sandbox, `${VS_PATH}?${query}`)).body, 'message');
    expect(await message('labelSelector=app%20in%20shop')).toBe("unable to parse requirement: found 'shop' expected: '('");
    expect(await message('labelSelector=Bad%20Key%3Dx')).toBe("unable to parse requirement: found 'Key', expected: in, notin, =, ==, !=, gt, lt");
    expect(await message('fieldSelector=spec.hosts%3Dx')).toBe('field label not supported: spec.hosts');
  });

  it('refuses a watch from a resourceVersion that is not a number with a bare 500 (D23)', async () => {
    const res = await kube(t.sandbox, `${VS_PATH}?watch=1&resourceVersion=abc`);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax',
      code: 500,
    });
  });
});

describe('pods', () => {
  const pod = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'curlimages/curl:8.11.1',
          env: [
            { name: 'EMPTY', value: '' },
            { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          ],
        },
      ],
      ...spec,
    },
  });

  it('gets what the ServiceAccount, Priority and DefaultTolerationSeconds plugins add, and loses an empty env value (D19, D24)', async () => {
    const res = await kube(t.sandbox, `${PODS}?dryRun=All`, { method: 'POST', body: pod('admitted') });
    expect(res.status).toBe(201);
    const spec = field(res.body, 'spec');
    expect(spec).toMatchObject({
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
      enableServiceLinks: true,
      dnsPolicy: 'ClusterFirst',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    });
    const volume = String(field(spec, 'volumes', 0, 'name'));
    expect(volume).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(field(spec, 'volumes', 0, 'projected')).toEqual({
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    });
    expect(field(spec, 'containers', 0, 'volumeMounts')).toEqual([{ name: volume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    expect(field(spec, 'containers', 0, 'env')).toEqual([{ name: 'EMPTY' }, { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }]);
  });

  it('mounts no token when the pod says so, and keeps tolerations that cover the taints', async () => {
    const res = await kube(t.sandbox, `${PODS}?dryRun=All`, {
      method: 'POST',
      body: pod('no-token', { automountServiceAccountToken: false, serviceAccountName: 'prober', tolerations: [{ operator: 'Exists' }] }),
    });
    const spec = field(res.body, 'spec');
    // (default is an injection namespace: the sidecar's volumes are there.)
    expect(names(field(spec, 'volumes')).filter((n) => n.startsWith('kube-api-access-'))).toEqual([]);
    expect(field(spec, 'containers', 0)).not.toHaveProperty('volumeMounts');
    expect(spec).toMatchObject({ serviceAccountName: 'prober', serviceAccount: 'prober', tolerations: [{ operator: 'Exists' }] });
  });

  it('refuses a priority class that does not exist, and a priority the class does not give', async () => {
    const unknown = await kube(t.sandbox, PODS, { method: 'POST', body: pod('classy', { priorityClassName: 'gold' }) });
    expect(unknown.body).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods "classy" is forbidden: no PriorityClass with name gold was found' });
    const system = await kube(t.sandbox, `${PODS}?dryRun=All`, { method: 'POST', body: pod('critical', { priorityClassName: 'system-cluster-critical' }) });
    expect(field(system.body, 'spec', 'priority')).toBe(2000000000);
    const forced = await kube(t.sandbox, PODS, { method: 'POST', body: pod('forced', { priority: 5 }) });
    expect(forced.status).toBe(403);
  });

  it('keeps generation 1 on a pod the sandbox scheduled and ran, and answers its delete as a graceful deletion marks it (D20, D21)', async () => {
    const created = await kube(t.sandbox, PODS, { method: 'POST', body: pod('runner', { restartPolicy: 'Never' }) });
    expect(created.status).toBe(201);
    let running: unknown;
    for (let i = 0; i < 100 && !field(running, 'spec', 'nodeName'); i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      running = (await kube(t.sandbox, `${PODS}/runner`)).body;
    }
    expect(field(running, 'spec', 'nodeName')).toBeTruthy();
    expect(field(running, 'metadata', 'generation')).toBe(1);
    const deleted = await kube(t.sandbox, `${PODS}/runner?gracePeriodSeconds=0`, { method: 'DELETE' });
    expect(field(deleted.body, 'metadata', 'deletionGracePeriodSeconds')).toBe(0);
    expect(field(deleted.body, 'metadata', 'deletionTimestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(field(deleted.body, 'metadata', 'generation')).toBe(2);
    expect((await kube(t.sandbox, `${PODS}/runner`)).status).toBe(404);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { ISTIO_VERSIONS, type Json } from '@/lib/wire';
import { CaseRecorder } from './support/recorder';
import { listSchema, objectSchema } from './support/shapes';
import { deleteIfPresent, ensureNamespace, parseStatus, serverVersion, virtualServicesPath } from './support/suite';
import { CONTRACT_NAMESPACE, resolveTarget } from './support/target';

const target = resolveTarget();
const ns = CONTRACT_NAMESPACE;
let version = '';

beforeAll(async () => {
  version = await serverVersion(target.admin);
  await ensureNamespace(target.admin, ns);
});

/** The seed scenario's split: 10 % to my-apache, 90 % to my-apache-2. */
function seedVirtualService(apiVersion: string, name: string, opts: { weights?: [Json, Json]; resourceVersion?: string } = {}): Json {
  const weights = opts.weights ?? [10, 90];
  return {
    apiVersion: `networking.istio.io/${apiVersion}`,
    kind: 'VirtualService',
    metadata: {
      name,
      namespace: ns,
      labels: { 'app.kubernetes.io/part-of': 'splitscope-contract' },
      ...(opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {}),
    },
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

describe('VirtualService create, get, list and delete', () => {
  it.each(ISTIO_VERSIONS)('round-trips a VirtualService through networking.istio.io/%s', async (v) => {
    const name = `contract-crud-${v}`;
    const rec = new CaseRecorder(`virtualservice-crud-${v}`, `create, get, list, delete, get again of a VirtualService in ${v}`);
    await deleteIfPresent(target.admin, virtualServicesPath(v, ns, name));

    const created = await rec.send('create', 'admin', target.admin, { method: 'POST', path: virtualServicesPath(v, ns), body: seedVirtualService(v, name) });
    expect(created.status).toBe(201);
    const obj = objectSchema.parse(created.body);
    expect(obj).toMatchObject({ apiVersion: `networking.istio.io/${v}`, kind: 'VirtualService', metadata: { name, namespace: ns, generation: 1 } });

    const got = await rec.send('get', 'admin', target.admin, { path: virtualServicesPath(v, ns, name) });
    expect(got.status).toBe(200);
    expect(objectSchema.parse(got.body).metadata).toMatchObject({ uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion });
    expect(got.body).toMatchObject({ spec: { http: [{ route: [{ weight: 10 }, { weight: 90 }] }] } });

    const listed = await rec.send('list by label', 'admin', target.admin, {
      path: virtualServicesPath(v, ns),
      query: { labelSelector: 'app.kubernetes.io/part-of=splitscope-contract' },
    });
    expect(listed.status).toBe(200);
    const list = listSchema.parse(listed.body);
    expect(list.kind).toBe('VirtualServiceList');
    expect(list.items.map((i) => i.metadata.name)).toContain(name);

    const deleted = await rec.send('delete', 'admin', target.admin, { method: 'DELETE', path: virtualServicesPath(v, ns, name) });
    expect(deleted.status).toBe(200);

    const gone = await rec.send('get after delete', 'admin', target.admin, { path: virtualServicesPath(v, ns, name) });
    expect(gone.status).toBe(404);
    expect(parseStatus(gone.body, gone.text)).toMatchObject({ status: 'Failure', reason: 'NotFound', code: 404 });
    rec.save(version);
  });
});

describe('VirtualService validation by the CRD schema', () => {
  it('rejects a weight that is not an integer with 422 and the schema message, and stores nothing', async () => {
    const name = 'contract-bad-weight';
    const rec = new CaseRecorder('virtualservice-invalid-weight', 'weights 12.5 and "90" against the CRD schema (type: integer, format: int32)');
    await deleteIfPresent(target.admin, virtualServicesPath('v1', ns, name));

    const res = await rec.send('create with weights 12.5 and "90"', 'admin', target.admin, {
      method: 'POST',
      path: virtualServicesPath('v1', ns),
      body: seedVirtualService('v1', name, { weights: [12.5, '90'] }),
    });
    expect(res.status).toBe(422);
    const status = parseStatus(res.body, res.text);
    expect(status).toMatchObject({ reason: 'Invalid', code: 422, details: { name, group: 'networking.istio.io', kind: 'VirtualService' } });
    expect(status.message).toMatch(new RegExp(`^VirtualService\\.networking\\.istio\\.io "${name}" is invalid: \\[spec\\.http\\[0\\]\\.route\\[0\\]\\.weight: `));
    // The schema says `type: integer, format: int32`: a fraction fails the format, a string the type.
    expect(status.details?.causes ?? []).toEqual(
      expect.arrayContaining([
        {
          reason: 'FieldValueTypeInvalid',
          field: 'spec.http[0].route[0].weight',
          message: 'Invalid value: "float64": spec.http[0].route[0].weight in body must be of type int32: "float64"',
        },
        {
          reason: 'FieldValueTypeInvalid',
          field: 'spec.http[0].route[1].weight',
          message: 'Invalid value: "string": spec.http[0].route[1].weight in body must be of type integer: "string"',
        },
      ]),
    );

    const gone = await rec.send('get', 'admin', target.admin, { path: virtualServicesPath('v1', ns, name) });
    expect(gone.status).toBe(404);
    rec.save(version);
  });

  it('accepts a negative weight: only Istio’s validating webhook, absent here, would refuse it', async () => {
    const name = 'contract-negative-weight';
    const rec = new CaseRecorder('virtualservice-negative-weight', 'weight -10: the CRD schema sets no minimum; istiod’s webhook is what rejects it in a mesh');
    await deleteIfPresent(target.admin, virtualServicesPath('v1', ns, name));
    const res = await rec.send('create with weights -10 and 110', 'admin', target.admin, {
      method: 'POST',
      path: virtualServicesPath('v1', ns),
      body: seedVirtualService('v1', name, { weights: [-10, 110] }),
    });
    expect(res.status).toBe(201);
    await rec.send('delete', 'admin', target.admin, { method: 'DELETE', path: virtualServicesPath('v1', ns, name) });
    rec.save(version);
  });
});

describe('optimistic concurrency', () => {
  it('answers 409 Conflict to an update carrying a stale resourceVersion', async () => {
    const name = 'contract-conflict';
    const rec = new CaseRecorder('virtualservice-stale-resourceversion', 'update with the current resourceVersion, then again with the old one (PUT and merge patch)');
    const path = virtualServicesPath('v1', ns, name);
    await deleteIfPresent(target.admin, path);

    const created = await rec.send('create', 'admin', target.admin, { method: 'POST', path: virtualServicesPath('v1', ns), body: seedVirtualService('v1', name) });
    expect(created.status).toBe(201);
    const staleVersion = objectSchema.parse(created.body).metadata.resourceVersion;

    const withVersion = (resourceVersion: string, weights: [number, number]): Json => seedVirtualService('v1', name, { weights, resourceVersion });

    const updated = await rec.send('update with the current resourceVersion', 'admin', target.admin, { method: 'PUT', path, body: withVersion(staleVersion, [50, 50]) });
    expect(updated.status).toBe(200);
    const after = objectSchema.parse(updated.body);
    expect(after.metadata.resourceVersion).not.toBe(staleVersion);
    expect(after.metadata.generation).toBe(2);

    const conflict = await rec.send('update with the stale resourceVersion', 'admin', target.admin, { method: 'PUT', path, body: withVersion(staleVersion, [20, 80]) });
    expect(conflict.status).toBe(409);
    expect(parseStatus(conflict.body, conflict.text)).toMatchObject({
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      details: { name, group: 'networking.istio.io', kind: 'virtualservices' },
      message: expect.stringContaining('the object has been modified'),
    });

    const patchConflict = await rec.send('merge patch with the stale resourceVersion', 'admin', target.admin, {
      method: 'PATCH',
      path,
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: staleVersion }, spec: { hosts: ['other'] } },
    });
    expect(patchConflict.status).toBe(409);

    const unchanged = await rec.send('get', 'admin', target.admin, { path });
    expect(unchanged.body).toMatchObject({ spec: { hosts: ['my-apache-vs'], http: [{ route: [{ weight: 50 }, { weight: 50 }] }] } });
    await rec.send('delete', 'admin', target.admin, { method: 'DELETE', path });
    rec.save(version);
  });
});

describe('dry run', () => {
  it('validates and answers as for a real write with dryRun=All, but stores nothing', async () => {
    const name = 'contract-dry-run';
    const rec = new CaseRecorder('virtualservice-dry-run', 'create, update and delete with dryRun=All, each followed by a get');
    const path = virtualServicesPath('v1', ns, name);
    await deleteIfPresent(target.admin, path);

    const dryCreate = await rec.send('create with dryRun=All', 'admin', target.admin, {
      method: 'POST',
      path: virtualServicesPath('v1', ns),
      query: { dryRun: 'All' },
      body: seedVirtualService('v1', name),
    });
    expect(dryCreate.status).toBe(201);
    expect(dryCreate.body).toMatchObject({ metadata: { name, namespace: ns } });
    const afterCreate = await rec.send('get after dry-run create', 'admin', target.admin, { path });
    expect(afterCreate.status).toBe(404);

    const dryInvalid = await rec.send('invalid create with dryRun=All', 'admin', target.admin, {
      method: 'POST',
      path: virtualServicesPath('v1', ns),
      query: { dryRun: 'All' },
      body: seedVirtualService('v1', name, { weights: [12.5, 90] }),
    });
    expect(dryInvalid.status).toBe(422);

    const created = await rec.send('create for real', 'admin', target.admin, { method: 'POST', path: virtualServicesPath('v1', ns), body: seedVirtualService('v1', name) });
    expect(created.status).toBe(201);
    const real = objectSchema.parse(created.body);

    const dryPatch = await rec.send('merge patch with dryRun=All', 'admin', target.admin, {
      method: 'PATCH',
      path,
      query: { dryRun: 'All' },
      contentType: 'application/merge-patch+json',
      body: { spec: { http: [{ route: [{ destination: { host: 'my-apache' }, weight: 30 }, { destination: { host: 'my-apache-2' }, weight: 70 }] }] } },
    });
    expect(dryPatch.status).toBe(200);
    expect(dryPatch.body).toMatchObject({ spec: { http: [{ route: [{ weight: 30 }, { weight: 70 }] }] } });

    const dryDelete = await rec.send('delete with dryRun=All', 'admin', target.admin, { method: 'DELETE', path, query: { dryRun: 'All' } });
    expect(dryDelete.status).toBe(200);

    const still = await rec.send('get after dry-run patch and delete', 'admin', target.admin, { path });
    expect(still.status).toBe(200);
    expect(objectSchema.parse(still.body).metadata.resourceVersion).toBe(real.metadata.resourceVersion);
    expect(still.body).toMatchObject({ spec: { http: [{ route: [{ weight: 10 }, { weight: 90 }] }] } });

    await rec.send('delete', 'admin', target.admin, { method: 'DELETE', path });
    rec.save(version);
  });
});

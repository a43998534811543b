import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { kubeRequest } from './support/kube-http';
import { CaseRecorder } from './support/recorder';
import { cannotRun, deleteIfPresent, ensureNamespace, parseStatus, serverVersion, virtualServicesPath } from './support/suite';
import { CONTRACT_NAMESPACE, RESTRICTED_NAMESPACE, resolveTarget } from './support/target';

const target = resolveTarget();
const ns = CONTRACT_NAMESPACE;
const existing = 'contract-restricted-target';
let version = '';

const virtualService: Json = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: existing, namespace: ns },
  spec: { hosts: ['my-apache-vs'], http: [{ route: [{ destination: { host: 'my-apache' } }] }] },
};

beforeAll(async () => {
  version = await serverVersion(target.admin);
  await ensureNamespace(target.admin, ns);
  // On one's own cluster the namespace belongs to the restricted identity's setup; make it only for one.
  if (target.restricted !== undefined) await ensureNamespace(target.admin, RESTRICTED_NAMESPACE);
  // The object the restricted identity tries to change, made by the admin.
  await deleteIfPresent(target.admin, virtualServicesPath('v1', ns, existing));
  const created = await kubeRequest(target.admin, { method: 'POST', path: virtualServicesPath('v1', ns), body: virtualService });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await deleteIfPresent(target.admin, virtualServicesPath('v1', ns, existing));
});

describe('the restricted identity', () => {
  it('reads outside namespace restricted', async (ctx) => {
    const restricted = target.restricted ?? cannotRun(ctx, target.strict, target.restrictedMissing ?? 'no restricted identity');
    const rec = new CaseRecorder('restricted-reads', `reads allowed to the restricted identity (namespace ${ns}, cluster-scoped namespaces)`);
    const list = await rec.send('list VirtualServices', 'restricted', restricted, { path: virtualServicesPath('v1', ns) });
    expect(list.status).toBe(200);
    const get = await rec.send('get a VirtualService', 'restricted', restricted, { path: virtualServicesPath('v1', ns, existing) });
    expect(get.status).toBe(200);
    const namespaces = await rec.send('list namespaces', 'restricted', restricted, { path: '/api/v1/namespaces' });
    expect(namespaces.status).toBe(200);
    const services = await rec.send('list Services', 'restricted', restricted, { path: `/api/v1/namespaces/${ns}/services` });
    expect(services.status).toBe(200);
    rec.save(version);
  });

  it('gets 403 Forbidden for every write', async (ctx) => {
    const restricted = target.restricted ?? cannotRun(ctx, target.strict, target.restrictedMissing ?? 'no restricted identity');
    const rec = new CaseRecorder('restricted-writes-forbidden', 'create, update, merge patch and delete of a VirtualService by the restricted identity');
    const path = virtualServicesPath('v1', ns, existing);
    const attempts = [
      await rec.send('create', 'restricted', restricted, {
        method: 'POST',
        path: virtualServicesPath('v1', ns),
        body: { ...virtualService, metadata: { name: 'contract-restricted-new', namespace: ns } },
      }),
      await rec.send('update', 'restricted', restricted, { method: 'PUT', path, body: virtualService }),
      await rec.send('merge patch', 'restricted', restricted, {
        method: 'PATCH',
        path,
        contentType: 'application/merge-patch+json',
        body: { spec: { hosts: ['other'] } },
      }),
      await rec.send('delete', 'restricted', restricted, { method: 'DELETE', path }),
      await rec.send('create with dryRun=All', 'restricted', restricted, {
        method: 'POST',
        path: virtualServicesPath('v1', ns),
        query: { dryRun: 'All' },
        body: { ...virtualService, metadata: { name: 'contract-restricted-new', namespace: ns } },
      }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(parseStatus(res.body, res.text)).toMatchObject({
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        details: { group: 'networking.istio.io', kind: 'virtualservices' },
        message: expect.stringMatching(/^virtualservices\.networking\.istio\.io( "contract-restricted-target")? is forbidden: User ".+" cannot (create|update|patch|delete) resource "virtualservices" in API group "networking\.istio\.io" in the namespace "splitscope-contract"$/),
      });
    }
    const still = await rec.send('admin gets the object afterwards', 'admin', target.admin, { path });
    expect(still.status).toBe(200);
    rec.save(version);
  });

  it(`gets 403 Forbidden for reads in namespace ${RESTRICTED_NAMESPACE} and for lists across all namespaces`, async (ctx) => {
    const restricted = target.restricted ?? cannotRun(ctx, target.strict, target.restrictedMissing ?? 'no restricted identity');
    const rec = new CaseRecorder('restricted-namespace-forbidden', `reads inside namespace ${RESTRICTED_NAMESPACE}, and lists across all namespaces`);
    const inside = [
      await rec.send('list VirtualServices', 'restricted', restricted, { path: virtualServicesPath('v1', RESTRICTED_NAMESPACE) }),
      await rec.send('get a VirtualService', 'restricted', restricted, { path: virtualServicesPath('v1', RESTRICTED_NAMESPACE, 'anything') }),
      await rec.send('list Pods', 'restricted', restricted, { path: `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/pods` }),
      await rec.send('list Services', 'restricted', restricted, { path: `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/services` }),
    ];
    for (const res of inside) {
      expect(res.status).toBe(403);
      expect(parseStatus(res.body, res.text)).toMatchObject({ reason: 'Forbidden', code: 403, message: expect.stringContaining(`in the namespace "${RESTRICTED_NAMESPACE}"`) });
    }
    // RBAC only adds permissions: a list spanning every namespace would include the
    // restricted one, so it needs a cluster-wide grant the identity does not have.
    const across = await rec.send('list VirtualServices across all namespaces', 'restricted', restricted, { path: '/apis/networking.istio.io/v1/virtualservices' });
    expect(across.status).toBe(403);
    expect(parseStatus(across.body, across.text).message).toMatch(/cannot list resource "virtualservices" in API group "networking\.istio\.io" at the cluster scope$/);
    rec.save(version);
  });
});

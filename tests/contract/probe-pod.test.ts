/**
 * The prober pod exactly as Splitscope builds it (`buildProbePod` of lib/probe/pod.ts),
 * with and without a sidecar: the real server validates it, its admission chain accepts
 * it, and every field Splitscope set is stored as sent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProbePod, PROBE_CONTAINER, probePodName } from '@/lib/probe/pod';
import type { ProbeSpec } from '@/lib/probe/spec';
import type { Json } from '@/lib/wire';
import { arr, obj, type JsonObject } from '../integration/api/support/json';
import { CaseRecorder } from './support/recorder';
import { deleteIfPresent, ensureNamespace, serverVersion } from './support/suite';
import { CONTRACT_NAMESPACE, resolveTarget } from './support/target';

const target = resolveTarget();
const ns = CONTRACT_NAMESPACE;
let version = '';

beforeAll(async () => {
  version = await serverVersion(target.admin);
  await ensureNamespace(target.admin, ns);
});

function spec(id: string, sidecar: boolean, extra: Partial<ProbeSpec> = {}): ProbeSpec {
  return { id, namespace: ns, url: 'http://my-apache-vs/', rate: 50, count: 500, sidecar, deadlineSeconds: 600, ...extra };
}

/** The built pod as JSON (what goes on the wire). */
function wire(s: ProbeSpec): JsonObject {
  const pod: Json = JSON.parse(JSON.stringify(buildProbePod(s)));
  return obj(pod, 'pod');
}

/**
 * The pod as the server gives it back: an env var's empty `value` is dropped (the Go type
 * omits an empty string), the variable itself stays and is empty in the container.
 */
function asStored(pod: JsonObject): JsonObject {
  const copy = obj(structuredClone(pod), 'pod');
  for (const c of arr(obj(copy.spec, 'spec').containers, 'containers')) {
    for (const e of arr(obj(c, 'container').env ?? [], 'env')) {
      const v = obj(e, 'env var');
      if (v.value === '') delete v.value;
    }
  }
  return copy;
}

describe('the prober pod of lib/probe/pod.ts', () => {
  it.for([true, false])('is admitted with sidecar=%s, stored as built, and can be deleted', async (sidecar) => {
    const id = `contract-${sidecar ? 'mesh' : 'plain'}`;
    const pod = wire(spec(id, sidecar));
    const path = `/api/v1/namespaces/${ns}/pods/${probePodName(id)}`;
    const rec = new CaseRecorder(`probe-pod-${sidecar ? 'sidecar' : 'no-sidecar'}`, `create the pod buildProbePod makes (sidecar=${sidecar}), get it, delete it`);
    await deleteIfPresent(target.admin, path);

    const created = await rec.send('create', 'admin', target.admin, { method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, body: pod });
    expect(created.status, created.text.slice(0, 800)).toBe(201);
    // Every field Splitscope set is stored as sent (admission only adds).
    expect(created.body).toMatchObject(asStored(pod));
    expect(created.headers.warning).toBeUndefined();
    // What the default admission plugins add: the ServiceAccount (with no token volume, since
    // the pod turns automounting off), priority, and the not-ready/unreachable tolerations.
    expect(created.body).toMatchObject({
      spec: {
        serviceAccountName: 'default',
        automountServiceAccountToken: false,
        priority: 0,
        tolerations: expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/not-ready' })]),
        containers: [{ name: PROBE_CONTAINER, terminationMessagePolicy: 'File' }],
      },
      status: { phase: 'Pending' },
    });
    expect(created.body).not.toHaveProperty('spec.volumes');

    const got = await rec.send('get', 'admin', target.admin, { path });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject(asStored(pod));
    const deleted = await rec.send('delete', 'admin', target.admin, { method: 'DELETE', path });
    expect(deleted.status).toBe(200);
    const gone = await rec.send('get after delete', 'admin', target.admin, { path });
    expect(gone.status).toBe(404);
    rec.save(version);
  });

  it('is admitted with learn targets, a tag header and the longest id', async () => {
    const id = `c${'x'.repeat(39)}`;
    const pod = wire(spec(id, true, { learn: [{ name: 'my-apache', url: 'http://my-apache/' }, { name: 'my-apache-2', url: 'http://my-apache-2/' }], tagHeader: 'x-splitscope-destination', seconds: 60, count: undefined }));
    const res = await new CaseRecorder('probe-pod-learn', 'dry-run create of a probe pod with learn targets').send('create with dryRun=All', 'admin', target.admin, {
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/pods`,
      query: { dryRun: 'All' },
      body: pod,
    });
    expect(res.status, res.text.slice(0, 800)).toBe(201);
    expect(res.body).toMatchObject(asStored(pod));
  });
});

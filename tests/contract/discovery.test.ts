import { beforeAll, describe, expect, it } from 'vitest';
import { ISTIO_VERSIONS } from '@/lib/wire';
import { CaseRecorder } from './support/recorder';
import { apiGroupListSchema, apiResourceListSchema } from './support/shapes';
import { serverVersion } from './support/suite';
import { resolveTarget } from './support/target';

const target = resolveTarget();
let version = '';

beforeAll(async () => {
  version = await serverVersion(target.admin);
});

describe('discovery of the Istio networking API', () => {
  it('lists networking.istio.io with v1, v1beta1 and v1alpha3, preferring v1', async () => {
    const rec = new CaseRecorder('discovery', 'GET /apis and the networking.istio.io group versions, as the admin');
    const res = await rec.send('list API groups', 'admin', target.admin, { path: '/apis' });
    expect(res.status).toBe(200);
    const group = apiGroupListSchema.parse(res.body).groups.find((g) => g.name === 'networking.istio.io');
    expect(group, 'networking.istio.io is not served: are Istio CRDs installed?').toBeDefined();
    expect(group?.versions.map((v) => v.version).sort()).toEqual([...ISTIO_VERSIONS].sort());
    expect(group?.preferredVersion?.version).toBe('v1');

    for (const v of ISTIO_VERSIONS) {
      const resources = await rec.send(`resources of networking.istio.io/${v}`, 'admin', target.admin, { path: `/apis/networking.istio.io/${v}` });
      expect(resources.status).toBe(200);
      const vs = apiResourceListSchema.parse(resources.body).resources.find((r) => r.name === 'virtualservices');
      expect(vs).toMatchObject({ kind: 'VirtualService', namespaced: true });
      expect(vs?.verbs).toEqual(expect.arrayContaining(['create', 'get', 'list', 'watch', 'update', 'patch', 'delete']));
    }
    rec.save(version);
  });
});

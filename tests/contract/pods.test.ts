import { beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '@/lib/wire';
import { kubeRequest } from './support/kube-http';
import { CaseRecorder } from './support/recorder';
import { objectSchema } from './support/shapes';
import { cannotRun, deleteIfPresent, ensureNamespace, parseStatus, serverVersion } from './support/suite';
import { CONTRACT_NAMESPACE, resolveTarget } from './support/target';

const target = resolveTarget();
const ns = CONTRACT_NAMESPACE;
/** Never given a ServiceAccount by the suite: shows what admission says without one. */
const NO_SA_NAMESPACE = 'splitscope-contract-no-sa';
let version = '';

beforeAll(async () => {
  version = await serverVersion(target.admin);
  await ensureNamespace(target.admin, ns);
});

/** A pod shaped like a probe: what Splitscope will ask a real cluster to admit. */
function probePod(name: string, namespace: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'splitscope-prober', 'app.kubernetes.io/part-of': 'splitscope-contract', 'sidecar.istio.io/inject': 'true' },
      annotations: { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}', 'splitscope.io/target': 'http://my-apache-vs' },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 600,
      terminationGracePeriodSeconds: 5,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'prober',
          image: 'docker.io/curlimages/curl:8.11.1',
          command: ['sh', '-c'],
          args: ['for i in $(seq 1 10); do curl -s -o /dev/null -w "%{http_code}\\n" http://my-apache-vs; done'],
          env: [{ name: 'SPLITSCOPE_PROBE_FORMAT', value: '1' }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

describe('pod admission', () => {
  it('accepts a realistic probe pod and fills in the defaults a real server adds', async () => {
    const name = 'contract-probe';
    const rec = new CaseRecorder('pod-realistic', 'create a probe-shaped pod, get it, read its log before it is scheduled, delete it');
    const path = `/api/v1/namespaces/${ns}/pods/${name}`;
    await deleteIfPresent(target.admin, path);

    const created = await rec.send('create', 'admin', target.admin, { method: 'POST', path: `/api/v1/namespaces/${ns}/pods`, body: probePod(name, ns) });
    expect(created.status).toBe(201);
    objectSchema.parse(created.body);
    expect(created.body).toMatchObject({
      metadata: { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' } },
      spec: {
        activeDeadlineSeconds: 600,
        serviceAccountName: 'default',
        containers: [{ name: 'prober', securityContext: { capabilities: { drop: ['ALL'] } } }],
      },
      status: { phase: 'Pending' },
    });

    const got = await rec.send('get', 'admin', target.admin, { path });
    expect(got.status).toBe(200);

    // Nothing schedules the pod here, as on a real cluster before a node takes it: a pod
    // with no node has no log location, and the server streams nothing.
    const log = await rec.send('log before scheduling', 'admin', target.admin, { path: `${path}/log` });
    expect(log.status).toBe(204);
    expect(log.text).toBe('');

    const deleted = await rec.send('delete', 'admin', target.admin, { method: 'DELETE', path });
    expect(deleted.status).toBe(200);
    // A pod no node has taken is removed at once; there is no kubelet to wait for.
    const gone = await rec.send('get after delete', 'admin', target.admin, { path });
    expect(gone.status).toBe(404);
    rec.save(version);
  });

  it('refuses a pod in a namespace that has no default ServiceAccount', async (ctx) => {
    await kubeRequest(target.admin, { method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NO_SA_NAMESPACE } } });
    const sa = await kubeRequest(target.admin, { path: `/api/v1/namespaces/${NO_SA_NAMESPACE}/serviceaccounts/default` });
    if (sa.status === 200) cannotRun(ctx, target.strict, 'a controller-manager created the default ServiceAccount, as it should on a full cluster');
    const rec = new CaseRecorder('pod-without-serviceaccount', 'the ServiceAccount admission plugin when the default ServiceAccount is missing');
    const res = await rec.send('create', 'admin', target.admin, { method: 'POST', path: `/api/v1/namespaces/${NO_SA_NAMESPACE}/pods`, body: probePod('contract-no-sa', NO_SA_NAMESPACE) });
    expect(res.status).toBe(403);
    expect(parseStatus(res.body, res.text)).toMatchObject({ reason: 'Forbidden', message: expect.stringContaining('serviceaccount "default" not found') });
    rec.save(version);
  });
});

/**
 * Differential checks of pods (create, get, list, log, delete) and of watches of
 * VirtualServices: the same requests to the real server and to the sandbox. What a
 * scheduler and a kubelet add to a pod (`spec.nodeName`, `status`) is left out of the
 * comparison: the real control plane has neither, the sandbox has both.
 */
import { describe, it } from 'vitest';
import { buildProbePod } from '@/lib/probe/pod';
import type { Json } from '@/lib/wire';
import { both, bothInTurn, Comparison, DIFF_NAMESPACE, differences, normalise, sidesForFile } from './support/differential';
import { kubeRequest, kubeWatch, type KubeWatch } from './support/kube-http';
import { expectOnlyKnown } from './support/known-differences';
import { listSchema, namedItemsSchema } from './support/shapes';

const ns = DIFF_NAMESPACE;
const sides = sidesForFile();

const podsPath = `/api/v1/namespaces/${ns}/pods`;

/** A pod shaped like Splitscope's probes, whose command only prints (the sandbox runs it for real). */
function pod(name: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { 'app.kubernetes.io/name': 'splitscope-prober', 'app.kubernetes.io/managed-by': 'splitscope', case: 'diff-pod' },
      annotations: { 'sidecar.istio.io/inject': 'false' },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: 600,
      terminationGracePeriodSeconds: 5,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'prober',
          image: 'docker.io/library/busybox:1.37',
          command: ['sh', '-c', 'echo splitscope-diff-line-1; echo splitscope-diff-line-2'],
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

describe('pods', () => {
  it('creates, gets, lists and deletes a probe-shaped pod alike', async (ctx) => {
    const name = 'diff-pod';
    await both(sides(), { method: 'DELETE', path: `${podsPath}/${name}`, query: { gracePeriodSeconds: '0' } });
    const c = new Comparison();
    await c.step(sides(), 'create', { method: 'POST', path: podsPath, body: pod(name) }, { pod: true });
    await c.step(sides(), 'get', { path: `${podsPath}/${name}` }, { pod: true });
    const listed = await both(sides(), { path: podsPath, query: { labelSelector: 'case=diff-pod' } });
    const items = (body: Json | undefined) => namedItemsSchema.parse(body).items;
    c.add('list by label', differences(items(listed.real.body).map((i) => i.metadata.name), items(listed.sandbox.body).map((i) => i.metadata.name), 'names'));
    // Items of a built-in list carry no apiVersion and kind of their own.
    const envelope = (body: Json | undefined) => items(body).map((i) => ({ apiVersion: typeof i.apiVersion === 'string' ? i.apiVersion : null, kind: typeof i.kind === 'string' ? i.kind : null }));
    c.add('list by label', differences(envelope(listed.real.body), envelope(listed.sandbox.body), 'items'));
    await c.step(sides(), 'delete', { method: 'DELETE', path: `${podsPath}/${name}`, query: { gracePeriodSeconds: '0' } }, { pod: true });
    await c.step(sides(), 'get after delete', { path: `${podsPath}/${name}` }, { pod: true });
    expectOnlyKnown(ctx, 'pods', c.lines);
  });

  it.for([true, false])('admits the prober pod Splitscope builds (sidecar=%s) alike, in a dry run', async (sidecar, ctx) => {
    const pod: Json = JSON.parse(JSON.stringify(buildProbePod({ id: `diff-${sidecar ? 'mesh' : 'plain'}`, namespace: ns, url: 'http://my-apache-vs/', rate: 50, count: 500, sidecar, deadlineSeconds: 600 })));
    const c = new Comparison();
    // The sandbox injects a sidecar (sidecar=true), as Istio's webhook would; the bare control plane has no webhook.
    await c.step(sides(), 'create with dryRun=All', { method: 'POST', path: podsPath, query: { dryRun: 'All' }, body: pod }, { pod: true, withoutInjection: true });
    expectOnlyKnown(ctx, `probe-pod sidecar=${sidecar}`, c.lines);
  });

  it('refuses invalid pods alike', async (ctx) => {
    const c = new Comparison();
    const base = pod('diff-pod-invalid');
    const withSpec = (spec: Json): Json => (base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...base, spec } : base);
    await c.step(sides(), 'no containers', { method: 'POST', path: podsPath, query: { dryRun: 'All' }, body: withSpec({ containers: [] }) });
    await c.step(sides(), 'a container without image', { method: 'POST', path: podsPath, query: { dryRun: 'All' }, body: withSpec({ containers: [{ name: 'x' }] }) });
    await c.step(sides(), 'an invalid name', { method: 'POST', path: podsPath, query: { dryRun: 'All' }, body: pod('Diff_Pod') });
    expectOnlyKnown(ctx, 'pods-invalid', c.lines);
  });
});

describe('pod logs', () => {
  it('answers log requests alike where no kubelet is involved, and says what a kubelet changes', async (ctx) => {
    const name = 'diff-pod-log';
    await both(sides(), { method: 'DELETE', path: `${podsPath}/${name}`, query: { gracePeriodSeconds: '0' } });
    await both(sides(), { method: 'POST', path: podsPath, body: pod(name) });
    const c = new Comparison();
    await c.step(sides(), 'log of a missing pod', { path: `${podsPath}/diff-pod-missing/log` });
    await c.step(sides(), 'log of a container the pod does not have', { path: `${podsPath}/${name}/log`, query: { container: 'nope' } });
    await c.step(sides(), 'log with a negative tailLines', { path: `${podsPath}/${name}/log`, query: { tailLines: '-1' } });
    // The real control plane schedules nothing, so its pod never runs; the sandbox's kubelet
    // runs the command. Compared after the sandbox's container has printed and exited.
    await waitForSandboxLog(name, 'splitscope-diff-line-2');
    await c.step(sides(), 'log of the pod', { path: `${podsPath}/${name}/log` });
    await c.step(sides(), 'log of the pod, named container, tailLines=1', { path: `${podsPath}/${name}/log`, query: { container: 'prober', tailLines: '1' } });
    await both(sides(), { method: 'DELETE', path: `${podsPath}/${name}`, query: { gracePeriodSeconds: '0' } });
    expectOnlyKnown(ctx, 'pod-logs', c.lines);
  });
});

async function waitForSandboxLog(name: string, text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await kubeRequest(sides().sandbox, { path: `${podsPath}/${name}/log` });
    if (res.status === 200 && res.text.includes(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the sandbox's pod ${name} printed no "${text}" within 20 s`);
}

describe('watch of VirtualServices', () => {
  const vsPath = `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`;
  const vs = (name: string): Json => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns, labels: { case: 'diff-watch' } },
    spec: { hosts: ['my-apache-vs'], http: [{ route: [{ destination: { host: 'my-apache' }, weight: 100 }] }] },
  });

  it('sends ADDED, MODIFIED and DELETED alike for a create, a patch and a delete', async (ctx) => {
    const name = 'diff-watch';
    await both(sides(), { method: 'DELETE', path: `${vsPath}/${name}` });
    const listed = await both(sides(), { path: vsPath, query: { labelSelector: 'case=diff-watch' } });
    const rv = (body: Json | undefined) => listSchema.parse(body).metadata.resourceVersion;
    const watches: [KubeWatch, KubeWatch] = await Promise.all([
      kubeWatch(sides().real, { path: vsPath, query: { labelSelector: 'case=diff-watch', resourceVersion: rv(listed.real.body) } }),
      kubeWatch(sides().sandbox, { path: vsPath, query: { labelSelector: 'case=diff-watch', resourceVersion: rv(listed.sandbox.body) } }),
    ]);
    const c = new Comparison();
    try {
      c.add('watch request', [
        ...(watches[0].status !== watches[1].status ? [`status: real ${watches[0].status} ≠ sandbox ${watches[1].status}`] : []),
        ...differences(watches[0].contentType, watches[1].contentType, 'content-type'),
      ]);
      const steps: [string, () => Promise<unknown>][] = [
        ['create', () => bothInTurn(sides(), { method: 'POST', path: vsPath, body: vs(name) })],
        ['merge patch', () => bothInTurn(sides(), { method: 'PATCH', path: `${vsPath}/${name}`, contentType: 'application/merge-patch+json', body: { metadata: { annotations: { a: 'b' } } } })],
        ['delete', () => bothInTurn(sides(), { method: 'DELETE', path: `${vsPath}/${name}` })],
      ];
      for (const [step, act] of steps) {
        await act();
        const [real, sandbox] = await Promise.all([watches[0].next(), watches[1].next()]);
        c.add(`event after ${step}`, differences(normalise(real), normalise(sandbox)));
      }
    } finally {
      watches.forEach((w) => w.close());
    }
    expectOnlyKnown(ctx, 'watch', c.lines);
  });

  it('refuses a watch from a resourceVersion that is not a number alike', async (ctx) => {
    const c = new Comparison();
    await c.step(sides(), 'watch with resourceVersion=abc', { path: vsPath, query: { watch: '1', resourceVersion: 'abc' } });
    expectOnlyKnown(ctx, 'watch-invalid', c.lines);
  });
});

import { describe, expect, it } from 'vitest';
import { buildProbePod, MANAGED_BY_LABEL, PROBE_LABEL, probePodName, SIDECAR_INJECT_LABEL } from '@/lib/probe/pod';
import { PROBE_SCRIPT, probeEnv } from '@/lib/probe/script';
import {
  checkProbeSpec,
  MAX_PROBE_COUNT,
  MAX_PROBE_DEADLINE_SECONDS,
  MAX_PROBE_RATE,
  MAX_PROBE_SECONDS,
  PROBE_IMAGE,
  probeCount,
  ProbeSpecError,
  probeWorkers,
  suggestDeadlineSeconds,
  type ProbeSpec,
} from '@/lib/probe/spec';

const SPEC: ProbeSpec = {
  id: 'k3x9',
  namespace: 'default',
  url: 'http://my-apache-vs.default.svc.cluster.local/',
  rate: 150,
  count: 3000,
  sidecar: true,
  deadlineSeconds: 120,
  tagHeader: 'x-splitscope-destination',
  learn: [
    { name: 'my-apache', url: 'http://my-apache/' },
    { name: 'my-apache-2', url: 'http://my-apache-2/' },
  ],
};

describe('buildProbePod', () => {
  it('labels the pod, requests the sidecar and holds the app until the proxy is ready', () => {
    const pod = buildProbePod(SPEC);
    expect(pod.metadata?.name).toBe(probePodName('k3x9'));
    expect(pod.metadata?.namespace).toBe('default');
    expect(pod.metadata?.labels).toMatchObject({ [MANAGED_BY_LABEL]: 'splitscope', [PROBE_LABEL]: 'k3x9', [SIDECAR_INJECT_LABEL]: 'true' });
    expect(JSON.parse(pod.metadata?.annotations?.['proxy.istio.io/config'] ?? '{}')).toEqual({ holdApplicationUntilProxyStarts: true });
  });

  it('asks for no sidecar for a baseline', () => {
    const pod = buildProbePod({ ...SPEC, sidecar: false });
    expect(pod.metadata?.labels?.[SIDECAR_INJECT_LABEL]).toBe('false');
    expect(pod.metadata?.annotations).toBeUndefined();
    expect(pod.spec?.containers[0]?.env).toContainEqual({ name: 'SSP_SIDECAR', value: '0' });
  });

  it('runs the script from a pinned stock image, unprivileged, with a deadline and small resources', () => {
    const pod = buildProbePod(SPEC);
    const spec = pod.spec;
    expect(spec).toMatchObject({ restartPolicy: 'Never', activeDeadlineSeconds: 120, automountServiceAccountToken: false });
    // Nothing at pod level that would also bind istio-init (root, NET_ADMIN).
    expect(spec?.securityContext).toBeUndefined();
    const [container] = spec?.containers ?? [];
    expect(container?.image).toBe(PROBE_IMAGE);
    expect(PROBE_IMAGE).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
    expect(container?.command).toEqual(['sh', '-c', PROBE_SCRIPT]);
    expect(container?.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 100,
      runAsGroup: 101,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.resources).toEqual({ requests: { cpu: '50m', memory: '16Mi' }, limits: { cpu: '500m', memory: '64Mi' } });
  });

  it('passes parameters in the environment only', () => {
    expect(Object.fromEntries(probeEnv(SPEC).map((e) => [e.name, e.value]))).toEqual({
      SSP_ID: 'k3x9',
      SSP_URL: SPEC.url,
      SSP_RATE: '150',
      SSP_COUNT: '3000',
      SSP_SECONDS: '',
      SSP_WORKERS: '3',
      SSP_TIMEOUT: '5',
      SSP_SIDECAR: '1',
      SSP_TAG_HEADER: 'x-splitscope-destination',
      SSP_LEARN_COUNT: '2',
      SSP_LEARN_REPEAT: '3',
      SSP_LEARN_NAME_0: 'my-apache',
      SSP_LEARN_URL_0: 'http://my-apache/',
      SSP_LEARN_NAME_1: 'my-apache-2',
      SSP_LEARN_URL_1: 'http://my-apache-2/',
    });
    expect(JSON.stringify(buildProbePod({ ...SPEC, id: 'other', url: 'http://x/' }).spec?.containers[0]?.command)).toBe(
      JSON.stringify(buildProbePod(SPEC).spec?.containers[0]?.command),
    );
  });

  it('refuses a spec out of bounds', () => {
    expect(() => buildProbePod({ ...SPEC, rate: 10_000 })).toThrow(ProbeSpecError);
  });
});

describe('checkProbeSpec', () => {
  it('accepts a good spec', () => expect(checkProbeSpec(SPEC)).toEqual([]));

  it.each([
    { change: { id: 'Bad_Id' }, field: 'id' },
    { change: { id: 'a'.repeat(41) }, field: 'id' },
    { change: { namespace: '' }, field: 'namespace' },
    { change: { url: 'ftp://x/' }, field: 'url' },
    { change: { url: 'http://x/"; rm -rf' }, field: 'url' },
    { change: { rate: 0 }, field: 'rate' },
    { change: { rate: MAX_PROBE_RATE + 1 }, field: 'rate' },
    { change: { count: MAX_PROBE_COUNT + 1 }, field: 'count' },
    { change: { count: 1.5 }, field: 'count' },
    { change: { count: undefined }, field: 'count' },
    { change: { count: undefined, seconds: MAX_PROBE_SECONDS + 1 }, field: 'seconds' },
    { change: { count: undefined, rate: 500, seconds: 3600 }, field: 'seconds' },
    { change: { deadlineSeconds: MAX_PROBE_DEADLINE_SECONDS + 1 }, field: 'deadlineSeconds' },
    { change: { workers: 9 }, field: 'workers' },
    { change: { tagHeader: 'x y' }, field: 'tagHeader' },
    { change: { tagHeader: 'x}' }, field: 'tagHeader' },
    { change: { learn: [{ name: 'a\nb', url: 'http://a/' }] }, field: 'learn[0].name' },
    { change: { learn: [{ name: 'a', url: 'http://a b/' }] }, field: 'learn[0].url' },
  ])('rejects $field: $change', ({ change, field }) => {
    expect(checkProbeSpec({ ...SPEC, ...change }).map((p) => p.field)).toContain(field);
  });
});

describe('spec helpers', () => {
  it.each([
    { rate: 0.5, workers: 1 },
    { rate: 50, workers: 1 },
    { rate: 150, workers: 3 },
    { rate: 500, workers: 8 },
  ])('probeWorkers($rate) = $workers', ({ rate, workers }) => expect(probeWorkers(rate)).toBe(workers));

  it('counts from seconds when no count is given, and suggests a deadline with room', () => {
    expect(probeCount({ rate: 150, seconds: 20 })).toBe(3000);
    expect(probeCount({ rate: 0.3, seconds: 10 })).toBe(3);
    expect(suggestDeadlineSeconds({ rate: 150, count: 3000 })).toBe(85);
    expect(suggestDeadlineSeconds({ rate: 1, seconds: 3600 })).toBe(MAX_PROBE_DEADLINE_SECONDS);
  });
});

describe('PROBE_SCRIPT', () => {
  it('is plain POSIX sh with no interpolated parameters', () => {
    expect(PROBE_SCRIPT).not.toMatch(/\$\{/);
    expect(PROBE_SCRIPT).not.toMatch(/\bbash\b|\[\[|\blocal\b|\bfunction [a-z]+ *\(\) *\{|<<<|\$\(\(.*\*\*/);
    expect(PROBE_SCRIPT).toContain('ssp/1');
  });
});

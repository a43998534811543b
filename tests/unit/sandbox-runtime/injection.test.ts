import { describe, expect, it } from 'vitest';
import { PodSchema, parseAs } from '@/lib/sandbox/runtime/shapes';
import { injectSidecar, injectionDecision, STATUS_ANNOTATION, type InjectionInput } from '@/lib/sandbox/runtime/istio/injection';

const base: InjectionInput = {
  namespace: 'default',
  namespaceLabels: {},
  podLabels: {},
  podAnnotations: {},
  hostNetwork: false,
  revisions: new Set(['default']),
};

function decide(change: Partial<InjectionInput>): boolean {
  return injectionDecision({ ...base, ...change }).inject;
}

describe('whether Istio injects a sidecar', () => {
  it.each<[string, Partial<InjectionInput>, boolean]>([
    ['namespace istio-injection=enabled', { namespaceLabels: { 'istio-injection': 'enabled' } }, true],
    ['no labels anywhere', {}, false],
    ['namespace enabled, pod label false', { namespaceLabels: { 'istio-injection': 'enabled' }, podLabels: { 'sidecar.istio.io/inject': 'false' } }, false],
    ['namespace enabled, legacy annotation false', { namespaceLabels: { 'istio-injection': 'enabled' }, podAnnotations: { 'sidecar.istio.io/inject': 'false' } }, false],
    ['namespace enabled, label true overrides annotation false', { namespaceLabels: { 'istio-injection': 'enabled' }, podLabels: { 'sidecar.istio.io/inject': 'true' }, podAnnotations: { 'sidecar.istio.io/inject': 'false' } }, true],
    ['pod label true in an unlabelled namespace', { podLabels: { 'sidecar.istio.io/inject': 'true' } }, true],
    ['legacy annotation true alone cannot opt in', { podAnnotations: { 'sidecar.istio.io/inject': 'true' } }, false],
    ['namespace disabled wins over pod label true', { namespaceLabels: { 'istio-injection': 'disabled' }, podLabels: { 'sidecar.istio.io/inject': 'true' } }, false],
    ['namespace istio.io/rev=default', { namespaceLabels: { 'istio.io/rev': 'default' } }, true],
    ['namespace istio.io/rev of a revision with no control plane', { namespaceLabels: { 'istio.io/rev': 'canary' } }, false],
    ['namespace istio.io/rev of a running revision', { namespaceLabels: { 'istio.io/rev': 'canary' }, revisions: new Set(['default', 'canary']) }, true],
    ['pod istio.io/rev=default in an unlabelled namespace', { podLabels: { 'istio.io/rev': 'default' } }, true],
    ['istio-injection and istio.io/rev both: only istio-injection counts', { namespaceLabels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' } }, true],
    ['kube-system is never injected', { namespace: 'kube-system', namespaceLabels: { 'istio-injection': 'enabled' } }, false],
    ['istio-system is never injected', { namespace: 'istio-system', podLabels: { 'sidecar.istio.io/inject': 'true' } }, false],
    ['hostNetwork pods are never injected', { namespaceLabels: { 'istio-injection': 'enabled' }, hostNetwork: true }, false],
    ['label value "False" reaches the webhook, which declines', { namespaceLabels: { 'istio-injection': 'enabled' }, podLabels: { 'sidecar.istio.io/inject': 'False' } }, false],
    ['label value "yes" counts as true', { namespaceLabels: { 'istio-injection': 'enabled' }, podLabels: { 'sidecar.istio.io/inject': 'yes' } }, true],
  ])('%s → %s', (_name, change, expected) => {
    expect(decide(change)).toBe(expected);
  });

  it('names the webhook entry that matched', () => {
    expect(injectionDecision({ ...base, namespaceLabels: { 'istio-injection': 'enabled' } }).reason).toBe('namespace.sidecar-injector.istio.io');
    expect(injectionDecision({ ...base, podLabels: { 'sidecar.istio.io/inject': 'true' } }).reason).toBe('object.sidecar-injector.istio.io');
  });
});

describe('what injection adds', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web', version: 'v2' } },
    spec: { containers: [{ name: 'web', image: 'httpd' }] },
  };

  it('adds istio-init, istio-proxy of the version, the status annotation and default container', () => {
    const out = injectSidecar(pod, '1.28.0', 'default');
    const spec = parseAs(PodSchema, out)?.spec;
    expect(spec?.containers.map((c) => c.name)).toEqual(['web', 'istio-proxy']);
    expect(spec?.containers[1]?.image).toBe('docker.io/istio/proxyv2:1.28.0');
    expect(spec?.initContainers?.map((c) => c.name)).toEqual(['istio-init']);
    const status = JSON.parse(out.metadata?.annotations?.[STATUS_ANNOTATION] ?? '{}');
    expect(status).toMatchObject({ containers: ['istio-proxy'], initContainers: ['istio-init'], revision: 'default' });
    expect(out.metadata?.annotations?.['kubectl.kubernetes.io/default-container']).toBe('web');
    expect(out.metadata?.labels).toMatchObject({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'web',
      'service.istio.io/canonical-revision': 'v2',
    });
    expect(pod.spec.containers).toHaveLength(1);
  });

  it('puts the proxy first when the application is held until it starts, and does not inject twice', () => {
    const held = { ...pod, metadata: { ...pod.metadata, annotations: { 'proxy.istio.io/config': '{ "holdApplicationUntilProxyStarts": true }' } } };
    const out = injectSidecar(held, '1.28.0', 'default');
    expect(parseAs(PodSchema, out)?.spec.containers.map((c) => c.name)).toEqual(['istio-proxy', 'web']);
    expect(injectSidecar(out, '1.28.0', 'default')).toBe(out);
  });

  it('makes istio-proxy a native sidecar init container when asked', () => {
    const native = { ...pod, metadata: { ...pod.metadata, annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } } };
    const out = injectSidecar(native, '1.28.0', 'default');
    const spec = parseAs(PodSchema, out)?.spec;
    expect(spec?.containers.map((c) => c.name)).toEqual(['web']);
    expect(spec?.initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([['istio-init', undefined], ['istio-proxy', 'Always']]);
  });
});

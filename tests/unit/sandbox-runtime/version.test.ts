import { describe, expect, it } from 'vitest';
import type { Lister } from '@/lib/sandbox/runtime/informer';
import { DEFAULT_ISTIO_VERSION, imageTag, isAtMost, istioRevisions, istioVersionOf, parseVersion } from '@/lib/sandbox/runtime/istio/version';
import type { Deployment } from '@/lib/sandbox/runtime/shapes';

function istiod(image: string, rev?: string): Deployment {
  return {
    metadata: { name: rev ? `istiod-${rev}` : 'istiod', namespace: 'istio-system', labels: { app: 'istiod', ...(rev ? { 'istio.io/rev': rev } : {}) } },
    spec: { selector: {}, template: { spec: { containers: [{ name: 'discovery', image }] } } },
  };
}

function lister(items: Deployment[]): Lister<Deployment> {
  return { get: () => undefined, list: (namespace) => items.filter((d) => namespace === undefined || d.metadata.namespace === namespace) };
}

describe('Istio version', () => {
  it('parses versions and compares by minor', () => {
    expect(parseVersion('1.22.0-beta.1')).toEqual([1, 22, 0]);
    expect(parseVersion('nope')).toBeUndefined();
    expect(isAtMost('1.14.6', 1, 14)).toBe(true);
    expect(isAtMost('1.15.0', 1, 14)).toBe(false);
  });

  it('reads image tags past registries with ports and digests', () => {
    expect(imageTag('docker.io/istio/pilot:1.28.0')).toBe('1.28.0');
    expect(imageTag('localhost:5000/istio/pilot')).toBeUndefined();
    expect(imageTag('gcr.io/x/pilot:1.20.1@sha256:abc')).toBe('1.20.1');
  });

  it('takes the version from the istiod image, preferring the default revision', () => {
    expect(istioVersionOf(lister([istiod('docker.io/istio/pilot:1.23.0', 'canary'), istiod('docker.io/istio/pilot:1.14.6')]))).toBe('1.14.6');
    expect(istioVersionOf(lister([]))).toBe(DEFAULT_ISTIO_VERSION);
    expect([...istioRevisions(lister([istiod('x:1', 'canary')]))].sort()).toEqual(['canary', 'default']);
  });
});

import { describe, expect, it } from 'vitest';
import { resourceOf } from '@/lib/sandbox/runtime';
import { loadScenario, ScenarioError } from '@/lib/sandbox/runtime/scenario';

describe('scenarios', () => {
  it('loads the seed with the platform objects every cluster of the sandbox has, namespaces first', () => {
    const scenario = loadScenario('seed');
    const names = scenario.objects.map((o) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'Namespace/default', 'Namespace/kube-system', 'Namespace/istio-system', 'Namespace/restricted',
      'Deployment/istio-system/istiod', 'Service/restricted/ledger', 'VirtualService/default/hujin-virtual-svc',
    ]));
    const firstOther = scenario.objects.findIndex((o) => o.kind !== 'Namespace');
    expect(scenario.objects.slice(firstOther).some((o) => o.kind === 'Namespace')).toBe(false);
    expect(scenario.objects.filter((o) => o.kind === 'Namespace' && o.metadata?.name === 'default')).toHaveLength(1);
    expect(scenario.objects.find((o) => o.metadata?.name === 'default')?.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'default', 'istio-injection': 'enabled' });
  });

  it('puts the Istio version into the istiod image, overridable', () => {
    const image = (version?: string) => JSON.stringify(loadScenario('seed', version).objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'istiod'));
    expect(image()).toContain('docker.io/istio/pilot:1.28.0');
    expect(image('1.14.6')).toContain('docker.io/istio/pilot:1.14.6');
  });

  it('generates the large scenario and refuses unknown or path-like names', () => {
    const large = loadScenario('large');
    expect(large.objects.filter((o) => o.kind === 'VirtualService')).toHaveLength(1000);
    expect(() => loadScenario('nope')).toThrow(ScenarioError);
    expect(() => loadScenario('../seed')).toThrow(ScenarioError);
  });

  it('names store resources as the API does', () => {
    expect(resourceOf({ apiVersion: 'v1', kind: 'Endpoints' })).toBe('endpoints');
    expect(resourceOf({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('deployments.apps');
    expect(resourceOf({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule' })).toBe('destinationrules.networking.istio.io');
    expect(resourceOf({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' })).toBe('networkpolicies.networking.k8s.io');
  });
});

import { describe, expect, it } from 'vitest';
import { virtualServiceFromDesign } from '@/lib/split/create';
import { yamlDiff } from '@/lib/split/diff';
import { planWeightEdit } from '@/lib/split/edit';
import { splitsOf } from '@/lib/split/model';

const design = {
  apiVersion: 'networking.istio.io/v1alpha3',
  namespace: 'default',
  name: 'hujin-virtual-svc',
  hosts: ['my-apache-vs'],
  destinations: [
    { host: 'my-apache', port: 80, weight: 10 },
    { host: 'my-apache-2', subset: 'v2', weight: 90 },
  ],
} as const;

describe('virtualServiceFromDesign', () => {
  it('builds the VirtualService of the seed walk-through', () => {
    expect(virtualServiceFromDesign(design)).toEqual({
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: 'hujin-virtual-svc', namespace: 'default' },
      spec: {
        hosts: ['my-apache-vs'],
        http: [
          {
            route: [
              { destination: { host: 'my-apache', port: { number: 80 } }, weight: 10 },
              { destination: { host: 'my-apache-2', subset: 'v2' }, weight: 90 },
            ],
          },
        ],
      },
    });
  });
  it('reads back as the designed split', () => {
    const [split] = splitsOf(virtualServiceFromDesign(design));
    expect(split?.destinations.map(({ host, subset, port, weight }) => ({ host, subset, port, weight }))).toEqual([
      { host: 'my-apache', subset: undefined, port: 80, weight: 10 },
      { host: 'my-apache-2', subset: 'v2', port: undefined, weight: 90 },
    ]);
  });
});

describe('yamlDiff', () => {
  const before = { ...virtualServiceFromDesign(design), metadata: { name: 'hujin-virtual-svc', namespace: 'default', managedFields: [{ manager: 'kubectl' }] } };

  it('is empty when nothing changes', () => {
    expect(yamlDiff(before, before)).toBe('');
  });

  it('shows the changed weights as a unified diff, without managedFields', () => {
    const plan = planWeightEdit(before, { route: 0, destinations: [{ host: 'my-apache', port: 80, weight: 50 }, { host: 'my-apache-2', subset: 'v2', weight: 50 }] });
    if (!plan.ok) throw new Error('refused');
    const diff = yamlDiff(before, plan.result);
    expect(diff).toMatch(/^--- a\/default\/hujin-virtual-svc\.yaml\n\+\+\+ b\/default\/hujin-virtual-svc\.yaml\n@@ /);
    expect(diff).toMatch(/^-\s+weight: 10$/m);
    expect(diff).toMatch(/^\+\s+weight: 50$/m);
    expect(diff).not.toMatch(/managedFields/);
    expect(diff.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(4);
  });
});

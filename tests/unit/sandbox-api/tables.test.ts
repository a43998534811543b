import { describe, expect, it } from 'vitest';
import { humanDuration, toTable } from '@/lib/sandbox/api/tables';
import { RESOURCE_TYPES } from '@/lib/sandbox/api/resources';

describe('tables', () => {
  it.each([
    [0, '0s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 2 * 3600_000, '3d2h'],
    [40 * 86400_000, '40d'],
    [3 * 365 * 86400_000, '3y'],
  ])('prints %d ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('prints VirtualServices with the CRD printer columns', () => {
    const type = RESOURCE_TYPES.find((t) => t.kind === 'VirtualService');
    if (!type) throw new Error('no VirtualService type');
    const table = toTable(type, 'v1', [{ metadata: { name: 'r', namespace: 'd', creationTimestamp: new Date().toISOString() }, spec: { hosts: ['a', 'b'], gateways: ['g'] } }], { resourceVersion: '3' }, null);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Gateways', 'Hosts', 'Age']);
    expect(table.rows[0]?.cells.slice(0, 3)).toEqual(['r', '["g"]', '["a","b"]']);
    expect(table.rows[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'r' } });
  });
});

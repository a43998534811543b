import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchError, strategicMerge } from '@/lib/sandbox/api/patch';

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('merges %j with %j into %j', (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });

  it('leaves the target untouched', () => {
    const target = { spec: { hosts: ['a'] } };
    mergePatch(target, { spec: { hosts: ['b'] } });
    expect(target).toEqual({ spec: { hosts: ['a'] } });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { resourceVersion: '5' }, spec: { http: [{ route: [{ weight: 10 }, { weight: 90 }] }] } };

  it('applies replace, add, remove and test', () => {
    const out = jsonPatch(doc, [
      { op: 'test', path: '/metadata/resourceVersion', value: '5' },
      { op: 'replace', path: '/spec/http/0/route/0/weight', value: 20 },
      { op: 'replace', path: '/spec/http/0/route/1/weight', value: 80 },
      { op: 'add', path: '/spec/hosts', value: ['h'] },
      { op: 'remove', path: '/metadata/resourceVersion' },
    ]);
    expect(out).toEqual({ metadata: {}, spec: { hosts: ['h'], http: [{ route: [{ weight: 20 }, { weight: 80 }] }] } });
  });

  it('reports a failed test with the server message', () => {
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/metadata/resourceVersion', value: '4' }])).toThrow(
      new PatchError('testing value /metadata/resourceVersion failed: test failed', 'apply'),
    );
  });

  it('reports removing a missing key', () => {
    expect(() => jsonPatch(doc, [{ op: 'remove', path: '/spec/nope' }])).toThrow(/Unable to remove nonexistent key: nope: missing value/);
  });

  it('refuses a body that is not a list of operations', () => {
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(PatchError);
  });
});

describe('strategic merge patch (approximation)', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
            { name: 'b', image: 'b:1' },
          ],
        },
      },
    },
  };

  it('merges containers by name and keeps the others', () => {
    const out = strategicMerge(deployment, { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } });
    expect(out).toEqual({
      spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2', env: [{ name: 'X', value: '1' }] }, { name: 'b', image: 'b:1' }] } } },
    });
  });

  it('deletes a list item with $patch: delete and orders with $setElementOrder', () => {
    const out = strategicMerge(deployment, {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }],
            containers: [{ name: 'b', $patch: 'delete' }, { name: 'c', image: 'c:1' }],
          },
        },
      },
    });
    expect(out).toEqual({ spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }, { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }] } } } });
  });

  it('replaces lists without a merge key, and deletes keys set to null', () => {
    expect(strategicMerge({ args: ['a'], keep: 1, drop: 2 }, { args: ['b'], drop: null })).toEqual({ args: ['b'], keep: 1 });
  });

  it('merges service ports by port', () => {
    const out = strategicMerge({ spec: { ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] } }, { spec: { ports: [{ port: 80, targetPort: 8080 }] } });
    expect(out).toEqual({ spec: { ports: [{ port: 80, name: 'http', targetPort: 8080 }, { port: 443, name: 'https' }] } });
  });
});

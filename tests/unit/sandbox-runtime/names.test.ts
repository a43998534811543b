import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, podTemplateHash, randomSuffix } from '@/lib/sandbox/runtime/controllers/names';

describe('Kubernetes-style names', () => {
  it('hashes equal templates equal whatever their key order, different ones differently', () => {
    const a = { metadata: { labels: { app: 'x', v: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    const b = { spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { v: '1', app: 'x' } } };
    expect(podTemplateHash(a)).toBe(podTemplateHash(b));
    expect(podTemplateHash(a)).not.toBe(podTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  });

  it('uses only the vowel-free alphabet', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(podTemplateHash(value)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
      }),
    );
    expect(randomSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('writes canonical JSON with sorted keys and no undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
});

import fc from 'fast-check';
import { deepClone } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { planWeightEdit } from '@/lib/split/edit';
import { splitsOf } from '@/lib/split/model';
import { planResponseTagging, planResponseUntagging, TAGGING_ANNOTATION } from '@/lib/split/tagging';
import type { K8sVirtualService } from '@/lib/wire';
import { applied, changedPaths, deepFreeze, virtualServiceArb } from './arbitraries';

const HEADER = 'x-splitscope-destination';

const vs: K8sVirtualService = deepFreeze({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 40 },
          { destination: { host: 'reviews', subset: 'v2' }, weight: 30, headers: { request: { set: { a: '1' } } } },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 20, headers: { response: { remove: ['x-old'] } } },
          { destination: { host: 'reviews', subset: 'v4' }, weight: 10, headers: { response: { set: {} } } },
        ],
      },
    ],
  },
});

describe('planResponseTagging', () => {
  it('adds the header with the smallest addition per destination and records it', () => {
    const plan = planResponseTagging(vs, 0, HEADER, (d) => d.subset ?? d.host);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const route = plan.result.spec?.http?.[0]?.route ?? [];
    expect(route.map((e) => e.headers)).toEqual([
      { response: { set: { [HEADER]: 'v1' } } },
      { request: { set: { a: '1' } }, response: { set: { [HEADER]: 'v2' } } },
      { response: { remove: ['x-old'], set: { [HEADER]: 'v3' } } },
      { response: { set: { [HEADER]: 'v4' } } },
    ]);
    expect(changedPaths(vs, plan.result).sort()).toEqual(
      [
        '/metadata/annotations',
        '/spec/http/0/route/0/headers',
        '/spec/http/0/route/1/headers/response',
        '/spec/http/0/route/2/headers/response/set',
        `/spec/http/0/route/3/headers/response/set/${HEADER}`,
      ].sort(),
    );
    expect(plan.result).toEqual(applied(vs, plan.patch));
  });

  it('untagging restores the object exactly, including the empty set that was there', () => {
    const tagged = planResponseTagging(vs, 0, HEADER, (_, i) => `d${i}`);
    if (!tagged.ok) throw new Error('refused');
    const untagged = planResponseUntagging(tagged.result, 0, HEADER);
    expect(untagged.ok).toBe(true);
    if (!untagged.ok) return;
    expect(untagged.result).toEqual(vs);
    expect(applied(applied(vs, tagged.patch), untagged.patch)).toEqual(vs);
  });

  it('keeps headers others added meanwhile, and skips destinations removed meanwhile', () => {
    const tagged = planResponseTagging(vs, 0, HEADER, (_, i) => `d${i}`);
    if (!tagged.ok) throw new Error('refused');
    const meanwhile = applied(tagged.result, [
      { op: 'add', path: '/spec/http/0/route/0/headers/request', value: { set: { b: '2' } } },
      { op: 'remove', path: '/spec/http/0/route/3' },
    ]);
    const untagged = planResponseUntagging(meanwhile, 0, HEADER);
    if (!untagged.ok) throw new Error('refused');
    const route = untagged.result.spec?.http?.[0]?.route ?? [];
    expect(route[0]?.headers).toEqual({ request: { set: { b: '2' } } });
    expect(route).toHaveLength(3);
    expect(untagged.result.metadata?.annotations).toBeUndefined();
  });

  it('leaves a tag whose value someone changed, with a note', () => {
    const tagged = planResponseTagging(vs, 0, HEADER, (_, i) => `d${i}`);
    if (!tagged.ok) throw new Error('refused');
    const changed = applied(tagged.result, [{ op: 'replace', path: `/spec/http/0/route/0/headers/response/set/${HEADER}`, value: 'mine' }]);
    const untagged = planResponseUntagging(changed, 0, HEADER);
    expect(untagged.ok && untagged.findings.map((f) => f.code)).toEqual(['tag-header-in-use']);
    expect(untagged.ok && untagged.result.spec?.http?.[0]?.route?.[0]?.headers).toEqual({ response: { set: { [HEADER]: 'mine' } } });
  });

  it('survives a weight edit in between (the tag stays on the destinations it was put on)', () => {
    const tagged = planResponseTagging(vs, 0, HEADER, (_, i) => `d${i}`);
    if (!tagged.ok) throw new Error('refused');
    const edit = planWeightEdit(tagged.result, {
      route: 0,
      destinations: [
        { host: 'reviews', subset: 'v1', weight: 25 },
        { host: 'reviews', subset: 'v2', weight: 25 },
        { host: 'reviews', subset: 'v3', weight: 25 },
        { host: 'reviews', subset: 'v4', weight: 25 },
      ],
    });
    if (!edit.ok) throw new Error('refused');
    const untagged = planResponseUntagging(edit.result, 0, HEADER);
    if (!untagged.ok) throw new Error('refused');
    const expected = deepClone(vs) as K8sVirtualService;
    for (const e of expected.spec?.http?.[0]?.route ?? []) e.weight = 25;
    expect(untagged.result).toEqual(expected);
  });

  it.each([
    { name: 'an upper-case header name', header: 'X-Tag', value: 'v', code: 'tag-header-invalid' },
    { name: 'a header name with a space', header: 'x tag', value: 'v', code: 'tag-header-invalid' },
    { name: 'a value with a newline', header: 'x-tag', value: 'a\nb', code: 'tag-header-invalid' },
    { name: 'a header a destination removes', header: 'x-old', value: 'v', code: 'tag-header-in-use' },
  ])('refuses $name', ({ header, value, code }) => {
    const plan = planResponseTagging(vs, 0, header, () => value);
    expect(plan.ok).toBe(false);
    expect(plan.findings.map((f) => f.code)).toContain(code);
  });

  it('refuses a header a destination already sets, and tagging the same route twice', () => {
    const own = deepFreeze({ spec: { http: [{ route: [{ destination: { host: 'a' }, headers: { response: { set: { 'X-Tag': 'mine' } } } }] }] } });
    expect(planResponseTagging(own, 0, 'x-tag', () => 'v').findings.map((f) => f.code)).toEqual(['tag-header-in-use']);
    const tagged = planResponseTagging(vs, 0, HEADER, () => 'v');
    if (!tagged.ok) throw new Error('refused');
    expect(planResponseTagging(tagged.result, 0, HEADER, () => 'v').findings.map((f) => f.code)).toContain('tag-header-in-use');
  });

  it('refuses to untag what it did not tag, and ignores an unreadable record with a finding', () => {
    expect(planResponseUntagging(vs, 0, HEADER).findings.map((f) => f.code)).toEqual(['tag-not-found']);
    const garbage = deepFreeze({ ...vs, metadata: { ...vs.metadata, annotations: { [TAGGING_ANNOTATION]: '{not json' } } });
    expect(planResponseUntagging(garbage, 0, HEADER).findings.map((f) => f.code)).toEqual(['annotation-unreadable', 'tag-not-found']);
    const tagged = planResponseTagging(garbage, 0, HEADER, () => 'v');
    expect(tagged.ok && tagged.findings.map((f) => f.code)).toEqual(['annotation-unreadable']);
  });

  it('tagging then untagging any generated VirtualService gives it back unchanged', () => {
    fc.assert(
      fc.property(virtualServiceArb, fc.boolean(), (generated, lastFirst) => {
        const original = deepFreeze(generated);
        let current = original;
        const tagged: number[] = [];
        for (const split of splitsOf(original).filter((s) => s.kind === 'http' && s.splittable)) {
          const plan = planResponseTagging(current, split.index, HEADER, (d, i) => `${d.host}-${i}`);
          expect(plan.ok, JSON.stringify(!plan.ok && plan.findings)).toBe(true);
          if (!plan.ok) return;
          expect(applied(current, plan.patch)).toEqual(plan.result);
          current = deepFreeze(plan.result);
          tagged.push(split.index);
        }
        for (const index of lastFirst ? tagged.reverse() : tagged) {
          const plan = planResponseUntagging(current, index, HEADER);
          expect(plan.ok).toBe(true);
          if (!plan.ok) return;
          expect(applied(current, plan.patch)).toEqual(plan.result);
          current = deepFreeze(plan.result);
        }
        expect(current).toEqual(original);
      }),
      { numRuns: 200 },
    );
  });
});

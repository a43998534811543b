/**
 * Table tests over every real VirtualService in tests/fixtures/corpus/virtualservices:
 * for each route, plan an edit, apply the patch with fast-json-patch, and check that only
 * the intended paths changed (or that the route is refused, with the reason it is).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { planWeightEdit } from '@/lib/split/edit';
import { ROUTE_KINDS, routeList, splitsOf, type RouteSplit } from '@/lib/split/model';
import { evenSplit } from '@/lib/split/weights';
import type { K8sVirtualService } from '@/lib/wire';
import { applied, changedPaths, deepFreeze } from './arbitraries';

const dir = join(process.cwd(), 'tests/fixtures/corpus/virtualservices');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function load(file: string): K8sVirtualService {
  const docs = parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as unknown);
  const vs = docs.find((d): d is K8sVirtualService => typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'VirtualService');
  if (!vs) throw new Error(`${file} holds no VirtualService`);
  return deepFreeze(vs);
}

/** Routes Splitscope must refuse, with the reason and the code it gives. */
const NOT_SPLITTABLE: Record<string, { reason: RouteSplit['reason']; code: string; path: string }> = {
  '13-gwapi-golden-http-mirrors-rewrite-redirect.yaml http 4': { reason: 'redirect', code: 'route-not-splittable', path: '/spec/http/4/redirect' },
  '15-gwapi-golden-direct-response.yaml http 1': { reason: 'directResponse', code: 'route-not-splittable', path: '/spec/http/1/directResponse' },
  '17-ref-bookinfo-delegate-root.yaml http 0': { reason: 'delegate', code: 'route-not-splittable', path: '/spec/http/0/delegate' },
  '17-ref-bookinfo-delegate-root.yaml http 1': { reason: 'delegate', code: 'route-not-splittable', path: '/spec/http/1/delegate' },
  '25-flagger-e2e-delegation-root-vs.yaml http 0': { reason: 'delegate', code: 'route-not-splittable', path: '/spec/http/0/delegate' },
  '40-kiali-refs-misplaced-destination-weight.yaml http 0': { reason: 'malformed', code: 'route-malformed', path: '/spec/http/0/route/2/destination/weight' },
};

const cases = files.flatMap((file) => {
  const vs = load(file);
  return ROUTE_KINDS.flatMap((kind) => (routeList(vs, kind) ?? []).map((_, index) => ({ file, vs, kind, index, label: `${file} ${kind} ${index}` })));
});

describe('corpus', () => {
  it('holds the 35 files the index lists, each with a VirtualService', () => {
    expect(files).toHaveLength(35);
    expect(cases.length).toBeGreaterThan(60);
  });

  it.each(cases)('$label: an edit changes only the weights (or the route is refused with a clear finding)', ({ file, vs, kind, index, label }) => {
    const split = splitsOf(vs).find((s) => s.kind === kind && s.index === index);
    if (!split) throw new Error('no split');
    const refused = NOT_SPLITTABLE[label];
    const base = `/spec/${kind}/${index}/route`;

    if (refused) {
      expect(split.splittable).toBe(false);
      expect(split.reason).toBe(refused.reason);
      const plan = planWeightEdit(vs, { route: index, kind, destinations: [{ host: 'anything', weight: 100 }] });
      expect(plan.ok).toBe(false);
      expect(plan.findings.map((f) => [f.code, f.path])).toContainEqual([refused.code, refused.path]);
      expect(plan.findings.every((f) => f.severity === 'error' && /\.$/.test(f.message))).toBe(true);
      return;
    }
    expect(split.splittable, `${file}: ${JSON.stringify(split.findings)}`).toBe(true);
    const n = split.destinations.length;

    // 1. Reweight every destination (or, for a lone one, add a second and split 50/50).
    const current = split.destinations.map((d) => d.weight);
    const target = n === 1 ? [50] : evenSplit(current, []).join() === current.join() ? [100, ...current.slice(1).map(() => 0)] : evenSplit(current, []);
    const added = n === 1 ? [{ host: 'splitscope-canary', weight: 50 }] : [];
    const destinations = [...split.destinations.map((d, i) => ({ ...d, weight: target[i] ?? 0 })), ...added];
    const plan = planWeightEdit(vs, { route: index, kind, destinations });
    expect(plan.ok, JSON.stringify(!plan.ok && plan.findings)).toBe(true);
    if (!plan.ok) return;
    const after = applied(vs, plan.patch);
    expect(after).toEqual(plan.result);
    const expected = [
      ...split.destinations.flatMap((d, i) => ((d.weightSet ? d.weight : 0) !== target[i] ? [`${base}/${i}/weight`] : [])),
      ...added.map((_, k) => `${base}/${n + k}`),
    ];
    expect(changedPaths(vs, after).sort()).toEqual(expected.sort());

    // 2. Keep only the first destination, at 100.
    if (n >= 2) {
      const first = split.destinations[0];
      if (!first) return;
      const narrowed = planWeightEdit(vs, { route: index, kind, destinations: [{ ...first, weight: 100 }] });
      expect(narrowed.ok).toBe(true);
      if (!narrowed.ok) return;
      const paths = changedPaths(vs, applied(vs, narrowed.patch));
      const removed = split.destinations.slice(1).map((_, k) => `${base}/${k + 1}`);
      expect(paths.sort()).toEqual([...(first.weight !== 100 ? [`${base}/0/weight`] : []), ...removed].sort());
    }
  });

  it('file 40: the malformed route is refused with a finding that says where and what, the tls route still edits', () => {
    const vs = load('40-kiali-refs-misplaced-destination-weight.yaml');
    const plan = planWeightEdit(vs, { route: 0, destinations: [{ host: 'reviews2', subset: 'v2', weight: 100 }] });
    expect(plan.ok).toBe(false);
    const f = plan.findings[0];
    expect(f?.code).toBe('route-malformed');
    expect(f?.message).toMatch(/`weight` nested inside `destination`/);
    expect(f?.message).toMatch(/fix it by hand/);
    const tls = planWeightEdit(vs, { route: 0, kind: 'tls', destinations: [{ host: 'reviews3.bookinfo3.svc.cluster.local', weight: 100 }] });
    expect(tls.ok && changedPaths(vs, tls.result)).toEqual(['/spec/tls/0/route/0/weight']);
  });

  it('reads the shares Istio gives the stored weights', () => {
    const share = (file: string, index = 0) => splitsOf(load(file)).filter((s) => s.kind === 'http')[index]?.destinations.map((d) => d.share);
    expect(share('01-bookinfo-reviews-80-20.yaml')).toEqual([0.8, 0.2]);
    expect(share('14-gwapi-golden-weighted-2-3.yaml', 1)).toEqual([0.4, 0.6]);
    expect(share('23-flagger-faq-generated-frontend.yaml')).toEqual([1, 0]);
    expect(share('02-bookinfo-reviews-jason-v2-v3.yaml')).toEqual([1]);
    expect(share('33-kiali-wizard-fault-3way-split.yaml')).toEqual([0.33, 0.33, 0.34]);
  });
});

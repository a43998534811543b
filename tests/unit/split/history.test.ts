import { describe, expect, it } from 'vitest';
import {
  HISTORY_ANNOTATION,
  HISTORY_LIMIT,
  historyOf,
  planHistoryRecord,
  planRecordedEdit,
  planRevert,
} from '@/lib/split/history';
import type { K8sVirtualService } from '@/lib/wire';
import { applied, changedPaths, deepFreeze } from './arbitraries';

const AT = '2025-01-01T00:00:00Z';

const vs: K8sVirtualService = deepFreeze({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    hosts: ['web'],
    http: [
      { name: 'canary', match: [{ headers: { 'x-canary': { exact: '1' } } }], route: [{ destination: { host: 'web', subset: 'v2' } }] },
      {
        name: 'main',
        route: [
          { destination: { host: 'web', subset: 'v1' }, weight: 90 },
          { destination: { host: 'web', subset: 'v2' }, weight: 10, headers: { response: { set: { 'x-v': '2' } } } },
        ],
      },
    ],
  },
});

function withHistory(value: string): K8sVirtualService {
  return deepFreeze({ ...vs, metadata: { ...vs.metadata, annotations: { [HISTORY_ANNOTATION]: value, other: 'kept' } } });
}

describe('weight history', () => {
  it('records the weights before an apply, creating the annotations map, and reads them back', () => {
    const plan = planRecordedEdit(vs, { route: 1, destinations: [{ host: 'web', subset: 'v1', weight: 50 }, { host: 'web', subset: 'v2', weight: 50 }] }, { at: AT, note: 'half' });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.result).toEqual(applied(vs, plan.patch));
    expect(changedPaths(vs, plan.result).sort()).toEqual(['/metadata/annotations', '/spec/http/1/route/0/weight', '/spec/http/1/route/1/weight']);
    expect(historyOf(plan.result)).toEqual({
      entries: [
        {
          revision: 1,
          at: AT,
          kind: 'http',
          route: 1,
          routeName: 'main',
          destinations: [
            { host: 'web', subset: 'v1', weight: 90 },
            { host: 'web', subset: 'v2', weight: 10 },
          ],
          note: 'half',
        },
      ],
      findings: [],
    });
  });

  it('records nothing for an apply that changes nothing', () => {
    const plan = planRecordedEdit(vs, { route: 1, destinations: [{ host: 'web', subset: 'v1', weight: 90 }, { host: 'web', subset: 'v2', weight: 10 }] }, { at: AT });
    expect(plan.ok && plan.patch.every((op) => op.op === 'test')).toBe(true);
  });

  it(`keeps the last ${HISTORY_LIMIT} revisions, numbering on`, () => {
    let current = vs;
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      const w = i % 2 === 0 ? 30 : 70;
      const plan = planRecordedEdit(current, { route: 1, destinations: [{ host: 'web', subset: 'v1', weight: w }, { host: 'web', subset: 'v2', weight: 100 - w }] }, { at: AT });
      if (!plan.ok) throw new Error('refused');
      current = plan.result;
    }
    const revisions = historyOf(current).entries.map((e) => e.revision);
    expect(revisions).toHaveLength(HISTORY_LIMIT);
    expect(revisions[0]).toBe(6);
    expect(revisions.at(-1)).toBe(HISTORY_LIMIT + 5);
  });

  it('guards an existing history with a test, so two concurrent applies cannot drop each other’s record', () => {
    const first = planRecordedEdit(vs, { route: 1, destinations: [{ host: 'web', subset: 'v1', weight: 50 }, { host: 'web', subset: 'v2', weight: 50 }] }, { at: AT });
    if (!first.ok) throw new Error('refused');
    const record = planHistoryRecord(first.result, { at: AT, kind: 'http', route: 1, destinations: [] });
    expect(record.patch[0]).toEqual({ op: 'test', path: '/metadata/annotations/splitscope.dev~1history', value: first.result.metadata?.annotations?.[HISTORY_ANNOTATION] });
    expect(record.entry.revision).toBe(2);
  });

  it.each([
    { name: 'not JSON', value: '{oops', detail: /not JSON/ },
    { name: 'not a list', value: '{"revision":1}', detail: /not a list/ },
    { name: 'a list with an unreadable entry', value: JSON.stringify([{ revision: 'x' }, { revision: 3, at: AT, route: 1, destinations: [{ host: 'web', weight: 100 }] }]), detail: /1 entry/ },
  ])('ignores a history that is $name, with a finding, and replaces it on the next apply', ({ value, detail }) => {
    const broken = withHistory(value);
    const { findings } = historyOf(broken);
    expect(findings.map((f) => f.code)).toEqual(['annotation-unreadable']);
    expect(findings[0]?.message).toMatch(detail);
    const plan = planRecordedEdit(broken, { route: 1, destinations: [{ host: 'web', subset: 'v1', weight: 50 }, { host: 'web', subset: 'v2', weight: 50 }] }, { at: AT });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.findings.map((f) => f.code)).toEqual(['annotation-unreadable']);
    expect(plan.result.metadata?.annotations?.other).toBe('kept');
    expect(historyOf(plan.result).findings).toEqual([]);
  });

  it('reverts to a revision, recording the current weights so the revert can be reverted', () => {
    const edit = planRecordedEdit(vs, { route: 1, destinations: [{ host: 'web', subset: 'v1', weight: 100 }] }, { at: AT });
    if (!edit.ok) throw new Error('refused');
    expect(edit.result.spec?.http?.[1]?.route).toHaveLength(1);
    const revert = planRevert(edit.result, 1, { at: AT });
    expect(revert.ok).toBe(true);
    if (!revert.ok) return;
    // The removed destination comes back whole (with its headers), appended.
    expect(revert.result.spec).toEqual(vs.spec);
    const entries = historyOf(revert.result).entries;
    expect(entries.map((e) => [e.revision, e.note])).toEqual([
      [1, undefined],
      [2, 'revert to revision 1'],
    ]);
    const back = planRevert(revert.result, 2, { at: AT });
    expect(back.ok && back.result.spec).toEqual(edit.result.spec);
  });

  it('restores a revision whose weights did not sum to 100 as the same shares, saying so', () => {
    const stored = withHistory(JSON.stringify([{ revision: 4, at: AT, kind: 'http', route: 1, routeName: 'main', destinations: [{ host: 'web', subset: 'v1', weight: 2 }, { host: 'web', subset: 'v2', weight: 3 }] }]));
    const plan = planRevert(stored, 4, { at: AT });
    expect(plan.ok && plan.result.spec?.http?.[1]?.route?.map((e) => e.weight)).toEqual([40, 60]);
    expect(plan.ok && plan.findings.map((f) => f.code)).toEqual(['weight-total-relative']);
  });

  it('refuses an unknown revision and a route that has moved', () => {
    expect(planRevert(vs, 9, { at: AT }).findings.map((f) => f.code)).toEqual(['history-revision-not-found']);
    const moved = withHistory(JSON.stringify([{ revision: 1, at: AT, kind: 'http', route: 0, routeName: 'main', destinations: [{ host: 'web', subset: 'v1', weight: 100 }] }]));
    const plan = planRevert(moved, 1, { at: AT });
    expect(plan.findings.map((f) => f.code)).toEqual(['history-route-moved']);
    expect(plan.findings[0]?.message).toMatch(/now "canary"/);
  });
});

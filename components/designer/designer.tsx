'use client';

import Link from 'next/link';
import { useReducer, useState, type ReactNode } from 'react';
import useSWR from 'swr';
import { designerReducer, destinationsOf, initialDesignerState, isChanged } from '@/lib/client/designer-state';
import { apiFetch, ApiRequestError, swrFetcher, type ApiErrorInfo } from '@/lib/client/fetcher';
import type { PickerData } from '@/lib/server/designer';
import type { ChangeResult, VirtualServiceDetail } from '@/lib/server/virtualservices';
import { hasErrors } from '@/lib/split/findings';
import type { K8sVirtualService } from '@/lib/wire';
import { ClusterErrorNotice } from '../cluster-error';
import { destinationLabel } from '../labels';
import { ConflictPanel } from './conflict-panel';
import { HistoryPanel } from './history-panel';
import { ReviewPanel } from './review-panel';
import { useChangeCheck } from './use-change-check';
import { WeightsEditor } from './weights-editor';

type Outcome =
  | { kind: 'none' }
  | { kind: 'applied'; message: string }
  | { kind: 'conflict'; current: K8sVirtualService }
  | { kind: 'error'; error: ApiErrorInfo };

function errorInfo(error: unknown): ApiErrorInfo {
  return error instanceof ApiRequestError ? error.info : { status: 0, code: 'internal', message: String(error) };
}

function conflictObject(info: ApiErrorInfo): K8sVirtualService | undefined {
  const details = info.details;
  if (info.code !== 'conflict' || !details || typeof details !== 'object') return undefined;
  const object = (details as { object?: unknown }).object;
  return object && typeof object === 'object' ? (object as K8sVirtualService) : undefined;
}

export function Panel({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section id={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="mb-2 text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/** Designs the split of one HTTP route of an existing VirtualService, checks it, and applies it losslessly. */
export function Designer({
  detail: initialDetail,
  route,
  picker,
  readOnly,
  verify,
}: {
  detail: VirtualServiceDetail;
  route: number;
  picker: PickerData;
  readOnly: boolean;
  verify?: ReactNode;
}) {
  const key = `/api/virtualservices/${initialDetail.namespace}/${initialDetail.name}`;
  const { data: detail = initialDetail, mutate } = useSWR<VirtualServiceDetail>(key, swrFetcher, {
    fallbackData: initialDetail,
    revalidateOnFocus: false,
    revalidateIfStale: false,
    revalidateOnMount: false,
  });
  const split = detail.routes.find((r) => r.kind === 'http' && r.index === route);
  const [state, dispatch] = useReducer(designerReducer, split?.destinations ?? [], initialDesignerState);
  const [resourceVersion, setResourceVersion] = useState(detail.resourceVersion);
  const [loadedObject, setLoadedObject] = useState(detail.object);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [busy, setBusy] = useState(false);

  const body = { resourceVersion, route, destinations: destinationsOf(state) };
  const check = useChangeCheck(split?.splittable ? `${key}/weights?dryRun=true` : undefined, 'PUT', body);
  const changed = isChanged(state);
  const checked = check.status === 'checked' ? check.result : undefined;
  const blocked = !checked || hasErrors(checked.findings) || !checked.cluster.accepted;
  // The dry run already says the object moved on: show the conflict before Apply is even tried.
  const checkConflict = check.status === 'failed' ? conflictObject(check.error) : undefined;
  const conflict = outcome.kind === 'conflict' ? outcome.current : checkConflict;

  const reload = async (reset: boolean) => {
    const fresh = await mutate();
    if (!fresh) return;
    setResourceVersion(fresh.resourceVersion);
    setLoadedObject(fresh.object);
    const freshSplit = fresh.routes.find((r) => r.kind === 'http' && r.index === route);
    if (reset && freshSplit) dispatch({ type: 'reset', base: freshSplit.destinations });
  };

  const send = async (run: () => Promise<ChangeResult>, message: (result: ChangeResult) => string) => {
    setBusy(true);
    try {
      const result = await run();
      setOutcome({ kind: 'applied', message: message(result) });
      await reload(true);
    } catch (error) {
      const info = errorInfo(error);
      const current = conflictObject(info);
      setOutcome(current ? { kind: 'conflict', current } : { kind: 'error', error: info });
    } finally {
      setBusy(false);
    }
  };

  const handleApply = () =>
    send(
      () => apiFetch<ChangeResult>(`${key}/weights`, { method: 'PUT', body: JSON.stringify(body) }),
      (r) => `Applied: ${r.routes.find((x) => x.kind === 'http' && x.index === route)?.destinations.map((d) => `${destinationLabel(d)} ${d.weight}`).join(' · ') ?? ''} (resourceVersion ${r.object.metadata?.resourceVersion ?? '?'})`,
    );
  const handleRevert = (revision: number) =>
    send(
      () => apiFetch<ChangeResult>(`${key}/revert`, { method: 'POST', body: JSON.stringify({ resourceVersion, revision }) }),
      () => `Reverted to revision ${revision}.`,
    );

  if (!split) {
    return <ClusterErrorNotice error={{ status: 404, code: 'not_found', message: `${detail.name} has no HTTP route ${route} (it has ${detail.routes.filter((r) => r.kind === 'http').length}).` }} />;
  }

  const routeTabs = detail.routes.filter((r) => r.kind === 'http');
  return (
    <div className="space-y-4">
      <nav aria-label="HTTP routes" className="flex flex-wrap gap-1.5">
        {routeTabs.map((r) => (
          <Link
            key={r.index}
            href={`/designer/${detail.namespace}/${detail.name}?route=${r.index}`}
            aria-current={r.index === route ? 'page' : undefined}
            className={`rounded-md px-3 py-1 text-sm ring-1 ${r.index === route ? 'bg-slate-800 text-white ring-slate-800' : 'bg-white text-slate-700 ring-slate-200 hover:bg-slate-100'}`}
            title={r.matchSummary ?? 'all requests'}
          >
            http[{r.index}]{r.name ? ` ${r.name}` : ''} <span className="opacity-70">· {r.matchSummary ?? 'all requests'}</span>
          </Link>
        ))}
      </nav>

      {outcome.kind === 'applied' ? (
        <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" data-testid="apply-status">
          {outcome.message}
        </p>
      ) : null}
      {outcome.kind === 'error' ? <ClusterErrorNotice error={outcome.error} /> : null}
      {conflict ? (
        <ConflictPanel
          loaded={loadedObject}
          current={conflict}
          onReapply={() => {
            setResourceVersion(conflict.metadata?.resourceVersion ?? resourceVersion);
            setLoadedObject(conflict);
            setOutcome({ kind: 'none' });
            void mutate();
          }}
          onDiscard={() => {
            setOutcome({ kind: 'none' });
            void reload(true);
          }}
        />
      ) : null}

      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-4">
          <Panel title="Weights">
            {!split.splittable ? (
              <p className="text-sm text-slate-600">This route has no destinations to split ({split.reason}).</p>
            ) : (
              <WeightsEditor
                state={state}
                dispatch={dispatch}
                picker={picker}
                actions={
                  <button type="button" disabled={!changed} onClick={() => dispatch({ type: 'reset', base: split.destinations })} className="rounded px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100 disabled:opacity-40">
                    Reset to stored
                  </button>
                }
              />
            )}
          </Panel>
          <HistoryPanel history={detail.history} findings={detail.historyFindings} busy={busy} readOnly={readOnly} onRevert={handleRevert} />
        </div>
        <div className="space-y-4">
          <Panel title="Review and apply">
            <ReviewPanel check={check} changed={changed} />
            <div className="mt-3 flex items-center gap-3 border-t border-slate-100 pt-3">
              <button
                type="button"
                onClick={handleApply}
                disabled={readOnly || busy || !changed || blocked || check.status !== 'checked'}
                className="rounded bg-sky-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-40"
              >
                {busy ? 'Applying…' : 'Apply'}
              </button>
              <span className="text-xs text-slate-500">
                {readOnly
                  ? 'Read-only: Splitscope will not write.'
                  : !changed
                    ? 'Change a weight to apply.'
                    : blocked && check.status === 'checked'
                      ? 'Resolve the errors above to apply.'
                      : `Sends a JSON Patch guarded by resourceVersion ${resourceVersion}; nothing else in the object changes.`}
              </span>
            </div>
          </Panel>
        </div>
      </div>
      {verify}
    </div>
  );
}

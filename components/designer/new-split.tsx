'use client';

import { useRouter } from 'next/navigation';
import { useReducer, useState } from 'react';
import { designerReducer, destinationsOf, initialDesignerState } from '@/lib/client/designer-state';
import { apiFetch, ApiRequestError, type ApiErrorInfo } from '@/lib/client/fetcher';
import type { PickerData } from '@/lib/server/designer';
import type { ChangeResult } from '@/lib/server/virtualservices';
import type { WeightedDestination } from '@/lib/split/destination';
import { hasErrors } from '@/lib/split/findings';
import { ClusterErrorNotice } from '../cluster-error';
import { Panel } from './designer';
import { ReviewPanel } from './review-panel';
import { useChangeCheck } from './use-change-check';
import { WeightsEditor } from './weights-editor';

/** Designs a new VirtualService for a host that has none: the host's traffic split between destinations. */
export function NewSplitDesigner({
  namespace,
  host,
  initial,
  picker,
  readOnly,
}: {
  namespace: string;
  host: string;
  initial: WeightedDestination[];
  picker: PickerData;
  readOnly: boolean;
}) {
  const router = useRouter();
  const [name, setName] = useState(`${host.split('.')[0] ?? host}-split`);
  const [state, dispatch] = useReducer(designerReducer, initial, initialDesignerState);
  const [error, setError] = useState<ApiErrorInfo>();
  const [busy, setBusy] = useState(false);
  const url = `/api/virtualservices/${namespace}`;
  const body = { name, hosts: [host], destinations: destinationsOf(state) };
  const check = useChangeCheck(`${url}?dryRun=true`, 'POST', body);
  const checked = check.status === 'checked' ? check.result : undefined;
  const blocked = !checked || hasErrors(checked.findings) || !checked.cluster.accepted;

  const handleCreate = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await apiFetch<ChangeResult>(url, { method: 'POST', body: JSON.stringify(body) });
      router.push(`/designer/${namespace}/${created.object.metadata?.name ?? name}`);
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.info : { status: 0, code: 'internal', message: String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="space-y-4">
        <Panel title="New VirtualService">
          <div className="flex flex-wrap gap-4 text-sm">
            <label className="flex flex-col gap-0.5">
              <span className="text-xs text-slate-500">Name</span>
              <input value={name} onChange={(e) => setName(e.target.value.trim())} className="w-64 rounded border border-slate-300 px-2 py-1 font-mono" />
            </label>
            <div className="flex flex-col gap-0.5">
              <span className="text-xs text-slate-500">Host (the traffic to split)</span>
              <span className="py-1 font-mono">{host}</span>
            </div>
          </div>
        </Panel>
        <Panel title="Weights">
          <WeightsEditor state={state} dispatch={dispatch} picker={picker} />
        </Panel>
      </div>
      <div className="space-y-4">
        <Panel title="Review and create">
          {error ? <ClusterErrorNotice error={error} /> : null}
          <ReviewPanel check={check} changed />
          <div className="mt-3 flex items-center gap-3 border-t border-slate-100 pt-3">
            <button
              type="button"
              onClick={handleCreate}
              disabled={readOnly || busy || blocked || check.status !== 'checked'}
              className="rounded bg-sky-700 px-4 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-40"
            >
              {busy ? 'Creating…' : 'Create VirtualService'}
            </button>
          </div>
        </Panel>
      </div>
    </div>
  );
}

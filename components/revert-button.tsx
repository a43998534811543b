'use client';

import { useState } from 'react';
import { useSWRConfig } from 'swr';
import { apiFetch, ApiRequestError } from '@/lib/client/fetcher';
import type { VirtualServiceSummary } from '@/lib/server/virtualservices';
import { destinationLabel } from './labels';

/** One-click revert of a VirtualService to its newest recorded revision, from the overview. */
export function RevertButton({ vs }: { vs: VirtualServiceSummary }) {
  const { mutate } = useSWRConfig();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const last = vs.lastRevision;
  if (!last) return null;
  const weights = last.destinations.map((d) => `${destinationLabel(d)} ${d.weight}`).join(', ');

  const handleClick = async () => {
    setState({ busy: true });
    try {
      await apiFetch(`/api/virtualservices/${vs.namespace}/${vs.name}/revert`, {
        method: 'POST',
        body: JSON.stringify({ resourceVersion: vs.resourceVersion, revision: last.revision }),
      });
      await mutate(`/api/virtualservices?namespace=${vs.namespace}`);
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, error: error instanceof ApiRequestError ? error.info.message : String(error) });
    }
  };

  return (
    <span className="inline-flex items-center gap-1">
      <button
        type="button"
        onClick={handleClick}
        disabled={state.busy}
        title={`Restore ${last.kind}[${last.route}] to ${weights} (recorded ${new Date(last.at).toLocaleString()})`}
        className="rounded px-1.5 py-0.5 text-xs text-sky-800 ring-1 ring-sky-300 hover:bg-sky-50 disabled:opacity-40"
      >
        {state.busy ? 'Reverting…' : `Revert to #${last.revision}`}
      </button>
      {state.error ? <span className="text-xs text-rose-700">{state.error}</span> : null}
    </span>
  );
}

'use client';

import { useEffect, useReducer } from 'react';
import { apiFetch } from '@/lib/client/fetcher';
import type { ProbeDescription } from '@/lib/probe/session/describe';
import { applyProbeEvent, type ProbeEvent, type ProbeView } from '@/lib/probe/view';

function live(view: ProbeView | null): boolean {
  return view !== null && (view.state === 'pending' || view.state === 'running');
}

/**
 * A probe's view, kept current from its Server-Sent Events by the one pure reducer
 * (`applyProbeEvent`); a missed update (stale view) or a dropped stream refetches.
 */
export function useProbe(initial: ProbeDescription): ProbeView {
  const [view, dispatch] = useReducer(applyProbeEvent, initial as ProbeView);
  const id = initial.id;
  const stale = view?.stale ?? false;
  const running = live(view);

  useEffect(() => {
    if (!running) return;
    const source = new EventSource(`/api/probes/${id}/events`);
    const handle = (message: MessageEvent<string>) => {
      try {
        dispatch(JSON.parse(message.data) as ProbeEvent);
      } catch {
        // a malformed frame is dropped; the next snapshot or refetch repairs the view
      }
    };
    source.addEventListener('snapshot', handle);
    source.addEventListener('update', handle);
    source.onerror = () => {
      source.close();
      void apiFetch<ProbeDescription>(`/api/probes/${id}`).then((fresh) => dispatch({ type: 'snapshot', view: fresh }));
    };
    return () => source.close();
  }, [id, running]);

  useEffect(() => {
    if (!stale) return;
    void apiFetch<ProbeDescription>(`/api/probes/${id}`).then((fresh) => dispatch({ type: 'snapshot', view: fresh }));
  }, [id, stale]);

  return view ?? (initial as ProbeView);
}

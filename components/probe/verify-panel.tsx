'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { apiFetch, ApiRequestError, type ApiErrorInfo } from '@/lib/client/fetcher';
import type { NamespaceSummary } from '@/lib/kube/types';
import type { ProbeDescription } from '@/lib/probe/session/describe';
import { ClusterErrorNotice } from '../cluster-error';
import { ProbeLive } from './probe-live';

/** Defaults for a first probe: 3,000 requests at 150/s resolve 10/90 to about ±1.5 points in 20 s. */
const DEFAULTS = { rate: 150, count: 3000, tolerancePoints: 3 };

/**
 * "Verify": starts a probe of the host from a client namespace (with a sidecar, and in
 * compare mode also without one), then shows them live. The probe ids go into the URL.
 */
export function VerifyPanel({
  namespaces,
  defaultNamespace,
  defaultUrl,
  route,
  probes,
  readOnly,
}: {
  namespaces: NamespaceSummary[];
  defaultNamespace: string;
  defaultUrl: string;
  route?: { name: string; index: number };
  probes: ProbeDescription[];
  readOnly: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [namespace, setNamespace] = useState(defaultNamespace);
  const [url, setUrl] = useState(defaultUrl);
  const [rate, setRate] = useState(DEFAULTS.rate);
  const [count, setCount] = useState(DEFAULTS.count);
  const [tolerancePoints, setTolerancePoints] = useState(DEFAULTS.tolerancePoints);
  const [compare, setCompare] = useState(true);
  const [tagging, setTagging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorInfo>();
  const chosen = namespaces.find((n) => n.name === namespace);

  const handleStart = async () => {
    setBusy(true);
    setError(undefined);
    const body = (sidecar: boolean) =>
      JSON.stringify({ namespace, url, rate, count, sidecar, tolerance: tolerancePoints / 100, classify: tagging ? 'header' : 'fingerprint', ...(route ? { route } : {}) });
    try {
      const mesh = await apiFetch<ProbeDescription>('/api/probes', { method: 'POST', body: body(true) });
      // With tagging, the baseline shares the route's one tagging (the server counts its users).
      const baseline = compare ? await apiFetch<ProbeDescription>('/api/probes', { method: 'POST', body: body(false) }) : undefined;
      const next = new URLSearchParams(params.toString());
      next.set('probe', mesh.id);
      if (baseline) next.set('baseline', baseline.id);
      else next.delete('baseline');
      router.replace(`${pathname}?${next.toString()}`, { scroll: false });
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.info : { status: 0, code: 'internal', message: String(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="verify" aria-labelledby="verify-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div>
        <h2 id="verify-title" className="text-sm font-semibold">
          Verify with real traffic
        </h2>
        <p className="text-xs text-slate-500">
          Starts a prober pod in the client namespace that sends requests to the host and reports which destination answered each one. The verdict uses
          confidence sequences: it stays valid however often you look.
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Client namespace</span>
          <select value={namespace} onChange={(e) => setNamespace(e.target.value)} className="rounded border border-slate-300 bg-white px-2 py-1">
            {namespaces.map((n) => (
              <option key={n.name} value={n.name}>
                {n.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">URL</span>
          <input value={url} onChange={(e) => setUrl(e.target.value)} className="w-64 rounded border border-slate-300 px-2 py-1 font-mono" />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Requests/s</span>
          <input type="number" min={1} max={500} value={rate} onChange={(e) => setRate(Number(e.target.value))} className="w-20 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Requests</span>
          <input type="number" min={1} value={count} onChange={(e) => setCount(Number(e.target.value))} className="w-24 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Tolerance ± points</span>
          <input type="number" min={0.5} max={20} step={0.5} value={tolerancePoints} onChange={(e) => setTolerancePoints(Number(e.target.value))} className="w-20 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex items-center gap-1.5">
          <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} />
          <span>Compare with a client without sidecar</span>
        </label>
        <label className="flex items-center gap-1.5" title="Adds headers.response.set on each destination of this route while the probe runs, and removes it after">
          <input type="checkbox" checked={tagging} onChange={(e) => setTagging(e.target.checked)} />
          <span>Tag responses with a header (edits the route while probing)</span>
        </label>
        <button type="button" onClick={handleStart} disabled={busy || readOnly} className="rounded bg-emerald-700 px-4 py-1.5 font-medium text-white hover:bg-emerald-800 disabled:opacity-40">
          {busy ? 'Starting…' : 'Verify'}
        </button>
      </div>
      {chosen && chosen.injection !== 'enabled' && chosen.injection !== 'revision' ? (
        <p className="text-xs text-amber-800">
          Namespace {chosen.name} has no sidecar injection label; the probe asks for a sidecar with its own pod label{chosen.injection === 'disabled' ? ', which istio-injection=disabled overrides: it will run without one' : ''}.
        </p>
      ) : null}
      {error ? <ClusterErrorNotice error={error} /> : null}
      <div className={`grid gap-3 ${probes.length > 1 ? 'lg:grid-cols-2' : ''}`}>
        {probes.map((probe) => (
          <ProbeLive key={probe.id} initial={probe} />
        ))}
      </div>
    </section>
  );
}

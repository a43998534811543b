'use client';

import Link from 'next/link';
import { useState } from 'react';
import { apiFetch, ApiRequestError, type ApiErrorInfo } from '@/lib/client/fetcher';
import type { ProbeDescription } from '@/lib/probe/session/describe';
import type { ProbeView } from '@/lib/probe/view';
import { ClusterErrorNotice } from '../cluster-error';
import { percentText } from '../labels';
import { destinationColor } from '../palette';
import { ProbeChart } from './probe-chart';
import { useProbe } from './use-probe';

const VERDICT_STYLE: Record<ProbeView['verdict'], string> = {
  consistent: 'bg-emerald-600 text-white',
  inconsistent: 'bg-rose-600 text-white',
  collecting: 'bg-slate-200 text-slate-800',
};

function verdictSentence(view: ProbeView): string {
  const tolerance = `±${Math.round(view.tolerance * 1000) / 10} points`;
  const confidence = `${Math.round((1 - view.alpha) * 100)} % confidence`;
  if (view.verdict === 'consistent') return `Every destination's share is within ${tolerance} of its target, with ${confidence}.`;
  if (view.verdict === 'inconsistent') return `Some destination's target lies outside its ${confidence} interval: the traffic does not follow the weights.`;
  return view.samplesNeeded !== null ? `Collecting: about ${view.samplesNeeded.toLocaleString()} more responses needed for ${tolerance}.` : 'Collecting responses…';
}

function ms(value: number | null): string {
  return value === null ? '–' : value < 10 ? value.toFixed(1) : Math.round(value).toString();
}

/** One probe, live: verdict, chart, per-destination table, counts and progress. */
export function ProbeLive({ initial, title }: { initial: ProbeDescription; title?: string }) {
  const view = useProbe(initial);
  const [stopError, setStopError] = useState<ApiErrorInfo>();
  const running = view.state === 'pending' || view.state === 'running';
  const meta = initial.probe;
  const changes = view.segments.filter((s) => s.startedAt !== null);

  const handleStop = async () => {
    try {
      await apiFetch(`/api/probes/${view.id}`, { method: 'DELETE' });
    } catch (error) {
      setStopError(error instanceof ApiRequestError ? error.info : { status: 0, code: 'internal', message: String(error) });
    }
  };

  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid={`probe-${view.id}`} data-state={view.state} data-verdict={view.verdict}>
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="text-sm font-semibold">
            {title ?? (meta.sidecar ? 'Through the mesh (with sidecar)' : 'Plain Kubernetes (no sidecar)')}
          </h3>
          <p className="text-xs text-slate-500">
            <Link href={`/probes/${view.id}`} className="font-mono hover:underline">
              {view.id}
            </Link>{' '}
            · {meta.url} from {meta.namespace} · {meta.rate}/s ·{' '}
            {meta.count !== undefined ? `${meta.count.toLocaleString()} requests` : `${meta.seconds ?? 0} s`} · classify by {meta.classify}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700" data-testid="probe-state">
            {view.state}
          </span>
          <span className={`rounded-full px-3 py-1 text-sm font-semibold ${VERDICT_STYLE[view.verdict]}`} data-testid="probe-verdict">
            {view.verdict}
          </span>
          {running ? (
            <button type="button" onClick={handleStop} className="rounded px-2 py-0.5 text-xs ring-1 ring-slate-300 hover:bg-rose-50 hover:text-rose-700">
              Stop
            </button>
          ) : null}
        </div>
      </header>
      {stopError ? <ClusterErrorNotice error={stopError} compact /> : null}
      <p className="text-sm text-slate-700">{verdictSentence(view)}</p>
      {view.message ? <p className="text-sm text-rose-800">{view.message}</p> : null}
      {view.errors > 0 && view.errors * 10 >= view.total ? (
        <p className="text-sm text-rose-800" data-testid="probe-errors">
          {view.errors.toLocaleString()} of {view.total.toLocaleString()} requests failed (no answer, a timeout or a 5xx): check the URL and port; failed requests are
          not counted as draws of the split.
        </p>
      ) : null}
      {meta.notes.map((note) => (
        <p key={note} className="text-xs text-amber-800">
          {note}
        </p>
      ))}
      <div className="h-1.5 w-full overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Probe progress" aria-valuenow={Math.round((view.progress ?? 0) * 100)} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-full bg-sky-600 transition-[width]" style={{ width: `${(view.progress ?? 0) * 100}%` }} />
      </div>
      <ProbeChart view={view} />
      <table className="w-full text-left text-sm" data-testid="probe-table">
        <thead>
          <tr className="text-xs text-slate-500">
            <th className="font-medium">destination</th>
            <th className="font-medium">target</th>
            <th className="font-medium">observed</th>
            <th className="font-medium">interval</th>
            <th className="font-medium">responses</th>
            <th className="font-medium">status codes</th>
            <th className="font-medium">p50 / p95 ms</th>
          </tr>
        </thead>
        <tbody>
          {view.destinations.map((d, i) => (
            <tr key={d.name} className="border-t border-slate-100" data-destination={d.name}>
              <td className="py-1 font-mono text-xs">
                <span aria-hidden className="mr-1.5 inline-block h-2 w-2 rounded-sm" style={{ backgroundColor: destinationColor(i) }} />
                {d.name}
              </td>
              <td className="tabular-nums">{percentText(d.target)}</td>
              <td className="font-medium tabular-nums" data-testid="observed-share">
                {percentText(d.share)}
              </td>
              <td className="tabular-nums text-slate-600">
                {percentText(d.low)} – {percentText(d.high)}
              </td>
              <td className="tabular-nums">{d.count.toLocaleString()}</td>
              <td className="font-mono text-xs">{Object.entries(d.statusCodes).map(([code, n]) => `${code}×${n}`).join(' ') || '–'}</td>
              <td className="tabular-nums">
                {ms(d.latency.p50)} / {ms(d.latency.p95)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-slate-600">
        {view.total.toLocaleString()} responses · {view.errors.toLocaleString()} errors · {view.unclassified.toLocaleString()} unclassified
        {view.malformed > 0 ? ` · ${view.malformed} malformed lines` : ''}
        {view.settling > 0 ? ` · ${view.settling} left out right after a weight change` : ''}
      </p>
      {changes.length > 0 ? (
        <ul className="text-xs text-slate-700">
          {changes.map((s) => (
            <li key={s.index}>
              Weights changed at {new Date(s.startedAt ?? 0).toLocaleTimeString()}:{' '}
              {s.followMs !== null ? `the observed split followed (verdict consistent) after ${(s.followMs / 1000).toFixed(1)} s.` : `not confirmed yet (${s.verdict}).`}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

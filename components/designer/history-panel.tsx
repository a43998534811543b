'use client';

import type { HistoryEntry } from '@/lib/split/history';
import type { Finding } from '@/lib/split/findings';
import { destinationLabel } from '../labels';
import { FindingsList } from './findings-list';

/** The recorded revisions of a VirtualService's weights, newest first, each with a one-click revert. */
export function HistoryPanel({
  history,
  findings,
  busy,
  readOnly,
  onRevert,
}: {
  history: HistoryEntry[];
  findings: Finding[];
  busy: boolean;
  readOnly: boolean;
  onRevert: (revision: number) => void;
}) {
  return (
    <section id="history" aria-labelledby="history-title" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="history-title" className="text-sm font-semibold">
        Weight history
      </h2>
      <p className="mb-2 text-xs text-slate-500">
        Every apply records the weights the route had before it, in the annotation <code>splitscope.dev/history</code> on the object itself (last 20).
      </p>
      {findings.length > 0 ? <FindingsList findings={findings} /> : null}
      {history.length === 0 ? (
        <p className="text-sm text-slate-500">No recorded revisions yet.</p>
      ) : (
        <ol className="divide-y divide-slate-100">
          {[...history].reverse().map((entry) => (
            <li key={entry.revision} className="flex flex-wrap items-center justify-between gap-2 py-1.5 text-sm" data-testid={`revision-${entry.revision}`}>
              <div>
                <span className="font-medium">#{entry.revision}</span>
                <span className="ml-2 text-slate-500">{new Date(entry.at).toLocaleString()}</span>
                <span className="ml-2 text-slate-500">
                  {entry.kind}[{entry.route}]
                </span>
                <span className="ml-2 font-mono text-xs">{entry.destinations.map((d) => `${destinationLabel(d)} ${d.weight}`).join(' · ')}</span>
                {entry.note ? <span className="ml-2 text-xs text-slate-500">({entry.note})</span> : null}
              </div>
              <button
                type="button"
                disabled={busy || readOnly}
                onClick={() => onRevert(entry.revision)}
                className="rounded px-2 py-0.5 text-xs text-sky-800 ring-1 ring-sky-300 hover:bg-sky-50 disabled:opacity-40"
              >
                Revert to #{entry.revision}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

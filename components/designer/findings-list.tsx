import type { Finding } from '@/lib/split/findings';

const STYLE: Record<Finding['severity'], { badge: string; label: string }> = {
  error: { badge: 'bg-rose-100 text-rose-800 ring-rose-200', label: 'error' },
  warning: { badge: 'bg-amber-100 text-amber-900 ring-amber-200', label: 'warning' },
  info: { badge: 'bg-sky-100 text-sky-900 ring-sky-200', label: 'note' },
};

const ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Findings with code, severity, message, the place in the object and the Istio reference. */
export function FindingsList({ findings, empty = 'No findings: the split looks right for this cluster.' }: { findings: Finding[]; empty?: string }) {
  if (findings.length === 0) return <p className="text-sm text-emerald-800">{empty}</p>;
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <ul className="space-y-1.5" aria-label="Findings">
      {sorted.map((f, i) => (
        <li key={`${f.code}-${f.path ?? ''}-${i}`} className="flex gap-2 text-sm" data-finding={f.code} data-severity={f.severity}>
          <span className={`mt-0.5 h-fit shrink-0 rounded px-1.5 py-0.5 text-[11px] font-semibold uppercase ring-1 ${STYLE[f.severity].badge}`}>
            {STYLE[f.severity].label}
          </span>
          <div className="min-w-0">
            <p className="text-slate-800">{f.message}</p>
            <p className="text-xs text-slate-500">
              <code>{f.code}</code>
              {f.path ? (
                <>
                  {' · at '}
                  <code>{f.path}</code>
                </>
              ) : null}
              {f.docs ? (
                <>
                  {' · '}
                  <a href={f.docs} target="_blank" rel="noreferrer" className="text-sky-700 hover:underline">
                    Istio reference
                  </a>
                </>
              ) : null}
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}

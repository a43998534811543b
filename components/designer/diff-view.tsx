/** A unified YAML diff, coloured by line. */
export function DiffView({ diff, empty = 'No change.' }: { diff: string; empty?: string }) {
  if (!diff.trim()) return <p className="text-sm text-slate-500">{empty}</p>;
  const lines = diff.split('\n').filter((line, i, all) => !(i === all.length - 1 && line === ''));
  return (
    <pre className="max-h-96 overflow-auto rounded-md border border-slate-200 bg-white p-2 text-xs leading-5" data-testid="yaml-diff">
      {lines.map((line, i) => {
        const tone = line.startsWith('+++') || line.startsWith('---')
          ? 'text-slate-400'
          : line.startsWith('+')
            ? 'bg-emerald-50 text-emerald-900'
            : line.startsWith('-')
              ? 'bg-rose-50 text-rose-900'
              : line.startsWith('@@')
                ? 'text-indigo-700'
                : 'text-slate-600';
        return (
          <span key={i} className={`block whitespace-pre ${tone}`}>
            {line || ' '}
          </span>
        );
      })}
    </pre>
  );
}

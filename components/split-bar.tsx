import { destinationColor } from './palette';

export interface SplitBarSegment {
  label: string;
  /** Effective share, 0..1. */
  share: number;
  /** The weight as written, shown beside the share when they differ. */
  weight?: number;
}

function percent(share: number): string {
  const value = share * 100;
  return Number.isInteger(value) ? `${value}%` : `${value.toFixed(1)}%`;
}

/** A stacked bar of effective shares; each segment is labelled for screen readers too. */
export function SplitBar({ segments, height = 'h-3', showLegend = true }: { segments: SplitBarSegment[]; height?: string; showLegend?: boolean }) {
  const description = segments.map((s) => `${s.label} ${percent(s.share)}`).join(', ');
  return (
    <div>
      <div role="img" aria-label={`Traffic split: ${description}`} className={`flex w-full overflow-hidden rounded ${height} bg-slate-200`}>
        {segments.map((segment, i) =>
          segment.share > 0 ? (
            <div
              key={`${segment.label}-${i}`}
              title={`${segment.label}: ${percent(segment.share)}`}
              style={{ width: `${segment.share * 100}%`, backgroundColor: destinationColor(i) }}
              className="h-full transition-[width] duration-150"
            />
          ) : null,
        )}
      </div>
      {showLegend ? (
        <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600">
          {segments.map((segment, i) => (
            <li key={`${segment.label}-${i}`} className="flex items-center gap-1" data-testid="split-legend-item">
              <span aria-hidden className="inline-block h-2 w-2 rounded-sm" style={{ backgroundColor: destinationColor(i) }} />
              <span className="font-mono">{segment.label}</span>
              <span className="font-medium text-slate-800">{percent(segment.share)}</span>
              {segment.weight !== undefined && Math.abs(segment.weight - segment.share * 100) > 0.05 ? (
                <span className="text-slate-400">(weight {segment.weight})</span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

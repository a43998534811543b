'use client';

import type { KeyboardEvent } from 'react';
import type { DesignerRow } from '@/lib/client/designer-state';
import { destinationLabel, percentText } from '../labels';
import { destinationColor } from '../palette';

/** Keys beyond the range input's own (arrows ±1): Page Up/Down ±10, Home/End to the ends. */
const PAGE_STEP = 10;

export function WeightRow({
  row,
  index,
  share,
  canRemove,
  onWeight,
  onToggleLock,
  onRemove,
}: {
  row: DesignerRow;
  index: number;
  share: number;
  canRemove: boolean;
  onWeight: (index: number, value: number) => void;
  onToggleLock: (index: number) => void;
  onRemove: (index: number) => void;
}) {
  const label = destinationLabel(row);
  const handleKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const jumps: Record<string, number> = { PageUp: row.weight + PAGE_STEP, PageDown: row.weight - PAGE_STEP, Home: 0, End: 100 };
    const next = jumps[event.key];
    if (next === undefined) return;
    event.preventDefault();
    onWeight(index, Math.max(0, Math.min(100, next)));
  };
  return (
    <li className="grid grid-cols-[minmax(8rem,13rem)_minmax(12rem,1fr)_4.5rem_3.5rem_auto] items-center gap-3 py-2" data-testid={`row-${label}`}>
      <div className="flex min-w-0 items-center gap-2">
        <span aria-hidden className="h-3 w-3 shrink-0 rounded-sm" style={{ backgroundColor: destinationColor(index) }} />
        <span className="truncate font-mono text-sm" title={label}>
          {label}
        </span>
      </div>
      <input
        type="range"
        min={0}
        max={100}
        step={1}
        value={row.weight}
        disabled={row.locked}
        aria-label={`Weight of ${label}`}
        aria-valuetext={`${row.weight} percent`}
        onChange={(event) => onWeight(index, Number(event.target.value))}
        onKeyDown={handleKeyDown}
        className="w-full cursor-pointer accent-sky-600 disabled:cursor-not-allowed disabled:opacity-50"
        style={{ accentColor: destinationColor(index) }}
      />
      <label className="flex items-center gap-1 text-sm">
        <span className="sr-only">Weight of {label} (number)</span>
        <input
          type="number"
          min={0}
          max={100}
          step={1}
          value={row.weight}
          disabled={row.locked}
          onChange={(event) => {
            if (event.target.value !== '') onWeight(index, Number(event.target.value));
          }}
          className="w-14 rounded border border-slate-300 px-1.5 py-0.5 text-right tabular-nums disabled:bg-slate-100"
        />
        <span className="text-slate-400">w</span>
      </label>
      <span className="text-right text-sm tabular-nums text-slate-700" title="effective share of this route's traffic">
        {percentText(share)}
      </span>
      <div className="flex items-center gap-1">
        <button
          type="button"
          aria-pressed={row.locked}
          aria-label={`${row.locked ? 'Unlock' : 'Lock'} ${label}`}
          title={row.locked ? 'Locked: other sliders will not move it' : 'Lock this weight'}
          onClick={() => onToggleLock(index)}
          className={`rounded px-2 py-0.5 text-xs ring-1 ${row.locked ? 'bg-slate-800 text-white ring-slate-800' : 'text-slate-600 ring-slate-300 hover:bg-slate-100'}`}
        >
          {row.locked ? 'locked' : 'lock'}
        </button>
        <button
          type="button"
          aria-label={`Remove ${label}`}
          disabled={!canRemove}
          onClick={() => onRemove(index)}
          className="rounded px-2 py-0.5 text-xs text-slate-600 ring-1 ring-slate-300 hover:bg-rose-50 hover:text-rose-700 disabled:opacity-40"
        >
          remove
        </button>
      </div>
    </li>
  );
}

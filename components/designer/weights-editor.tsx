'use client';

import type { Dispatch, ReactNode } from 'react';
import type { DesignerAction, DesignerState } from '@/lib/client/designer-state';
import type { PickerData } from '@/lib/server/designer';
import { effectiveShares } from '@/lib/split/weights';
import { destinationLabel } from '../labels';
import { SplitBar } from '../split-bar';
import { DestinationPicker } from './destination-picker';
import { WeightRow } from './weight-row';

/**
 * The weight editing surface shared by the designer and the new-split page: the
 * effective-share bar, one linked slider row per destination, even split (plus any
 * extra actions), and the destination picker.
 */
export function WeightsEditor({
  state,
  dispatch,
  picker,
  actions,
}: {
  state: DesignerState;
  dispatch: Dispatch<DesignerAction>;
  picker: PickerData;
  actions?: ReactNode;
}) {
  const shares = effectiveShares(state.rows);
  return (
    <>
      <SplitBar height="h-5" segments={state.rows.map((r, i) => ({ label: destinationLabel(r), share: shares[i] ?? 0 }))} />
      <ul className="mt-2 divide-y divide-slate-100">
        {state.rows.map((row, i) => (
          <WeightRow
            key={`${row.host}|${row.subset ?? ''}|${row.port ?? ''}`}
            row={row}
            index={i}
            share={shares[i] ?? 0}
            canRemove={state.rows.length > 1}
            onWeight={(index, value) => dispatch({ type: 'set-weight', index, value })}
            onToggleLock={(index) => dispatch({ type: 'toggle-lock', index })}
            onRemove={(index) => dispatch({ type: 'remove', index })}
          />
        ))}
      </ul>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <button type="button" onClick={() => dispatch({ type: 'even' })} className="rounded px-3 py-1 text-sm ring-1 ring-slate-300 hover:bg-slate-100">
          Even split
        </button>
        {actions}
        <span className="text-xs text-slate-500">
          Splitscope writes whole-number weights that sum to 100; Istio sends each destination weight ÷ sum of the route&apos;s traffic.
        </span>
      </div>
      <div className="mt-4 border-t border-slate-100 pt-3">
        <DestinationPicker picker={picker} onAdd={(destination) => dispatch({ type: 'add', destination })} />
      </div>
    </>
  );
}

'use client';

import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProbeView } from '@/lib/probe/view';
import { destinationColor } from '../palette';

type Row = Record<string, number | [number, number] | null>;

/**
 * Chart rows: per time bin and destination, the segment's cumulative share, its
 * confidence band and the target (which steps when the weights change).
 */
export function chartRows(view: ProbeView): Row[] {
  const targets = new Map<number, Map<string, number>>();
  for (const segment of view.segments) targets.set(segment.index, new Map(segment.destinations.map((d) => [d.name, d.target])));
  return view.series.map((point) => {
    const row: Row = { t: point.end / 1000 };
    view.destinations.forEach((d, i) => {
      const share = point.shares[d.name];
      row[`share${i}`] = share ? share.cumulative : null;
      row[`band${i}`] = share ? [share.low, share.high] : null;
      row[`target${i}`] = targets.get(point.segment)?.get(d.name) ?? null;
    });
    return row;
  });
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** Observed share over time with its confidence band, the target as a dashed line, and markers. */
export function ProbeChart({ view, height = 280 }: { view: ProbeView; height?: number }) {
  const rows = chartRows(view);
  if (rows.length === 0) {
    return (
      <div className="flex items-center justify-center rounded-md border border-dashed border-slate-300 text-sm text-slate-500" style={{ height }}>
        {view.state === 'pending' ? 'Waiting for the probe pod to start…' : 'No responses yet.'}
      </div>
    );
  }
  return (
    <div style={{ height }} data-testid="probe-chart" aria-label="Observed share over time, with confidence bands and targets">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => `${Math.round(t)}s`} fontSize={11} />
          <YAxis domain={[0, 1]} tickFormatter={percent} fontSize={11} width={40} />
          <Tooltip
            formatter={(value) => (Array.isArray(value) ? value.map((v) => percent(Number(v))).join(' – ') : percent(Number(value)))}
            labelFormatter={(t) => `${Number(t).toFixed(0)} s`}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {view.destinations.map((d, i) => (
            <Area
              key={`band${i}`}
              dataKey={`band${i}`}
              name={`${d.name} interval`}
              stroke="none"
              fill={destinationColor(i)}
              fillOpacity={0.15}
              isAnimationActive={false}
              legendType="none"
              connectNulls
            />
          ))}
          {view.destinations.map((d, i) => (
            <Line key={`target${i}`} dataKey={`target${i}`} name={`${d.name} target`} stroke={destinationColor(i)} strokeDasharray="6 4" dot={false} isAnimationActive={false} type="stepAfter" />
          ))}
          {view.destinations.map((d, i) => (
            <Line key={`share${i}`} dataKey={`share${i}`} name={`${d.name} observed`} stroke={destinationColor(i)} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
          ))}
          {view.markers.map((m, i) => (
            <ReferenceLine
              key={`marker${i}`}
              x={m.at / 1000}
              stroke={m.kind === 'weights' ? '#334155' : m.kind === 'consistent' ? '#059669' : '#e11d48'}
              strokeDasharray={m.kind === 'weights' ? undefined : '2 3'}
              label={{ value: m.kind === 'weights' ? 'weights changed' : m.kind, position: 'insideTopLeft', fontSize: 10 }}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

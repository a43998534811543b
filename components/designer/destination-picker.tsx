'use client';

import { useState } from 'react';
import type { PickerData } from '@/lib/server/designer';
import type { DestinationRef } from '@/lib/split/destination';
import { resolveHost, serviceHost } from '@/lib/split/hosts';

/**
 * Adds a destination: a Service of the namespace (with a port when it exposes several)
 * and optionally a DestinationRule subset, or any host typed by hand (another
 * namespace's Service, a ServiceEntry host).
 */
export function DestinationPicker({ picker, onAdd }: { picker: PickerData; onAdd: (destination: DestinationRef) => void }) {
  const [service, setService] = useState('');
  const [custom, setCustom] = useState('');
  const [port, setPort] = useState('');
  const [subset, setSubset] = useState('');
  const host = service === '__custom__' ? custom.trim() : service;
  const chosen = picker.services.find((s) => s.name === service);
  const fqdn = host ? resolveHost(host, picker.namespace) : '';
  const subsets = picker.subsets.filter((c) => c.host === fqdn).flatMap((c) => c.subsets.map((s) => ({ ...s, rule: `${c.namespace}/${c.rule}` })));
  const ports = chosen?.ports ?? [];

  const handleAdd = () => {
    if (!host) return;
    const portNumber = port ? Number(port) : ports.length === 1 ? ports[0]?.port : undefined;
    onAdd({ host, ...(subset ? { subset } : {}), ...(portNumber ? { port: portNumber } : {}) });
    setSubset('');
  };

  return (
    <div className="flex flex-wrap items-end gap-2 text-sm" data-testid="destination-picker">
      <label className="flex flex-col gap-0.5">
        <span className="text-xs text-slate-500">Service</span>
        <select value={service} onChange={(e) => { setService(e.target.value); setPort(''); setSubset(''); }} className="rounded border border-slate-300 bg-white px-2 py-1">
          <option value="">choose…</option>
          {picker.services.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name} ({s.ports.map((p) => p.port).join(', ') || 'no ports'})
            </option>
          ))}
          <option value="__custom__">other host…</option>
        </select>
      </label>
      {service === '__custom__' ? (
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Host</span>
          <input value={custom} onChange={(e) => setCustom(e.target.value)} placeholder={serviceHost('name', 'namespace')} className="w-72 rounded border border-slate-300 px-2 py-1 font-mono" />
        </label>
      ) : null}
      {ports.length > 1 ? (
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Port</span>
          <select value={port} onChange={(e) => setPort(e.target.value)} className="rounded border border-slate-300 bg-white px-2 py-1">
            <option value="">choose…</option>
            {ports.map((p) => (
              <option key={p.port} value={p.port}>
                {p.port}
                {p.name ? ` (${p.name})` : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {subsets.length > 0 ? (
        <label className="flex flex-col gap-0.5">
          <span className="text-xs text-slate-500">Subset</span>
          <select value={subset} onChange={(e) => setSubset(e.target.value)} className="rounded border border-slate-300 bg-white px-2 py-1">
            <option value="">whole Service</option>
            {subsets.map((s) => (
              <option key={`${s.rule}/${s.name}`} value={s.name} title={`${s.rule}: ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(', ')}`}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <button type="button" onClick={handleAdd} disabled={!host} className="rounded bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-40">
        Add destination
      </button>
    </div>
  );
}

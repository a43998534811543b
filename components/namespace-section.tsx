'use client';

import Link from 'next/link';
import useSWR from 'swr';
import type { DescribedError, Loaded } from '@/lib/api/respond';
import { swrFetcher, type ApiRequestError } from '@/lib/client/fetcher';
import type { NamespaceSummary, ServiceSummary } from '@/lib/kube/types';
import type { VirtualServiceSummary } from '@/lib/server/virtualservices';
import { resolveHost } from '@/lib/split/hosts';
import { ClusterErrorNotice } from './cluster-error';
import { destinationLabel } from './labels';
import { RevertButton } from './revert-button';
import { SplitBar } from './split-bar';

/** Refresh cadence of the overview: cheap list calls, so a few seconds keeps it live. */
const REFRESH_MS = 5_000;

const INJECTION_TEXT: Record<NamespaceSummary['injection'], string> = {
  enabled: 'sidecar injection on',
  disabled: 'sidecar injection off',
  revision: 'injection by revision',
  unset: 'no injection label',
};

function useLoaded<T>(key: string, initial: Loaded<T>): { data?: T; error?: DescribedError } {
  const { data, error } = useSWR<T, ApiRequestError>(key, swrFetcher, {
    fallbackData: initial.ok ? initial.data : undefined,
    refreshInterval: REFRESH_MS,
    // The server already tried once for the first paint; do not hammer a failing cluster.
    revalidateOnMount: !initial.ok ? false : undefined,
  });
  if (error) return { data, error: error.info };
  if (data === undefined && !initial.ok) return { error: initial.error };
  return { data };
}

function ServiceRow({ service, hasSplit }: { service: ServiceSummary; hasSplit: boolean }) {
  const sidecar = service.pods.total === 0 ? '–' : `${service.pods.withSidecar}/${service.pods.total}`;
  return (
    <tr className="border-t border-slate-100 align-top" data-testid={`service-${service.name}`}>
      <td className="py-1.5 pr-3 font-mono text-sm">{service.name}</td>
      <td className="py-1.5 pr-3 text-sm text-slate-600">
        {service.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ') || '–'}
      </td>
      <td className="py-1.5 pr-3 font-mono text-xs text-slate-500">
        {service.selector ? Object.entries(service.selector).map(([k, v]) => `${k}=${v}`).join(', ') : 'no selector'}
      </td>
      <td className="py-1.5 pr-3 text-sm">
        <span className={service.endpoints.ready === 0 ? 'font-medium text-rose-700' : ''}>{service.endpoints.ready}</span>
        {service.endpoints.notReady > 0 ? <span className="text-slate-500"> (+{service.endpoints.notReady} not ready)</span> : null}
      </td>
      <td className="py-1.5 pr-3 text-sm" title="pods selected by the Service that carry an Istio sidecar">
        {sidecar}
      </td>
      <td className="py-1.5 text-right text-sm">
        {hasSplit ? null : (
          <Link className="text-sky-700 hover:underline" href={`/designer/${service.namespace}?host=${encodeURIComponent(service.name)}`}>
            New split
          </Link>
        )}
      </td>
    </tr>
  );
}

function VirtualServiceCard({ vs }: { vs: VirtualServiceSummary }) {
  const http = vs.routes.filter((r) => r.kind === 'http');
  const other = vs.routes.filter((r) => r.kind !== 'http');
  return (
    <li className="rounded-md border border-slate-200 bg-white p-3" data-testid={`vs-${vs.name}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <Link href={`/designer/${vs.namespace}/${vs.name}`} className="font-mono text-sm font-semibold text-sky-800 hover:underline">
            {vs.name}
          </Link>
          <span className="ml-2 text-sm text-slate-600">hosts: {vs.hosts.join(', ') || '(none: delegate)'}</span>
          {vs.gateways.length > 0 ? <span className="ml-2 text-xs text-slate-500">gateways: {vs.gateways.join(', ')}</span> : null}
          {vs.exportTo.length > 0 ? <span className="ml-2 text-xs text-slate-500">exportTo: {vs.exportTo.join(', ')}</span> : null}
        </div>
        <div className="flex items-center gap-3 text-xs text-slate-500">
          <span>{vs.apiVersion}</span>
          {vs.revisions > 0 ? (
            <>
              <RevertButton vs={vs} />
              <Link href={`/designer/${vs.namespace}/${vs.name}#history`} className="text-sky-700 hover:underline">
                history ({vs.revisions})
              </Link>
            </>
          ) : null}
        </div>
      </div>
      <ul className="mt-2 space-y-2">
        {http.map((route) => (
          <li key={route.path} className="grid grid-cols-[8rem_1fr] items-start gap-3">
            <Link
              href={`/designer/${vs.namespace}/${vs.name}?route=${route.index}`}
              className="truncate text-xs text-slate-600 hover:text-sky-700"
              title={route.matchSummary ?? 'all requests'}
            >
              http[{route.index}]{route.name ? ` ${route.name}` : ''}
              <span className="block truncate text-slate-400">{route.matchSummary ?? 'all requests'}</span>
            </Link>
            {route.splittable ? (
              <SplitBar segments={route.destinations.map((d) => ({ label: destinationLabel(d), share: d.share, weight: d.weightSet ? d.weight : undefined }))} />
            ) : (
              <p className="text-xs text-slate-500">{route.reason ? `${route.reason}: no destinations to split` : 'not splittable'}</p>
            )}
          </li>
        ))}
        {other.length > 0 ? (
          <li className="text-xs text-slate-500">
            also {other.map((r) => `${r.kind}[${r.index}]`).join(', ')} (layer-4 routes; shown in the designer)
          </li>
        ) : null}
      </ul>
    </li>
  );
}

export function NamespaceSection({
  namespace,
  services: initialServices,
  virtualServices: initialVirtualServices,
}: {
  namespace: NamespaceSummary;
  services: Loaded<{ services: ServiceSummary[] }>;
  virtualServices: Loaded<{ virtualServices: VirtualServiceSummary[] }>;
}) {
  const services = useLoaded(`/api/services?namespace=${namespace.name}`, initialServices);
  const virtualServices = useLoaded(`/api/virtualservices?namespace=${namespace.name}`, initialVirtualServices);
  const splitHosts = new Set((virtualServices.data?.virtualServices ?? []).flatMap((vs) => vs.hosts.map((h) => resolveHost(h, vs.namespace))));

  return (
    <section aria-labelledby={`ns-${namespace.name}`} className="rounded-lg border border-slate-200 bg-slate-50/50" data-testid={`namespace-${namespace.name}`}>
      <header className="flex items-center gap-3 border-b border-slate-200 px-4 py-2">
        <h2 id={`ns-${namespace.name}`} className="font-mono text-base font-semibold">
          {namespace.name}
        </h2>
        <span
          className={`rounded-full px-2 py-0.5 text-xs ${
            namespace.injection === 'enabled' || namespace.injection === 'revision' ? 'bg-emerald-100 text-emerald-900' : 'bg-slate-200 text-slate-700'
          }`}
        >
          {INJECTION_TEXT[namespace.injection]}
          {namespace.revision ? ` (${namespace.revision})` : ''}
        </span>
      </header>
      <div className="grid gap-4 p-4 lg:grid-cols-2">
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">VirtualServices</h3>
          {virtualServices.error ? <ClusterErrorNotice error={virtualServices.error} compact /> : null}
          {virtualServices.data ? (
            virtualServices.data.virtualServices.length === 0 ? (
              <p className="text-sm text-slate-500">No VirtualServices: traffic goes to Services as Kubernetes balances it.</p>
            ) : (
              <ul className="space-y-2">
                {virtualServices.data.virtualServices.map((vs) => (
                  <VirtualServiceCard key={vs.name} vs={vs} />
                ))}
              </ul>
            )
          ) : null}
        </div>
        <div>
          <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Services</h3>
          {services.error ? <ClusterErrorNotice error={services.error} compact /> : null}
          {services.data ? (
            services.data.services.length === 0 ? (
              <p className="text-sm text-slate-500">No Services in this namespace.</p>
            ) : (
              <table className="w-full text-left">
                <thead>
                  <tr className="text-xs text-slate-500">
                    <th className="pb-1 font-medium">name</th>
                    <th className="pb-1 font-medium">ports</th>
                    <th className="pb-1 font-medium">selector</th>
                    <th className="pb-1 font-medium">ready</th>
                    <th className="pb-1 font-medium">sidecars</th>
                    <th className="pb-1" />
                  </tr>
                </thead>
                <tbody>
                  {services.data.services.map((service) => (
                    <ServiceRow key={service.name} service={service} hasSplit={splitHosts.has(resolveHost(service.name, service.namespace))} />
                  ))}
                </tbody>
              </table>
            )
          ) : null}
        </div>
      </div>
    </section>
  );
}

import 'server-only';
import { isIP } from 'node:net';
import { InputError } from '@/lib/api/errors';
import { ClusterError, listPods, listServices, listVirtualServices, type ServiceSummary } from '@/lib/kube';
import { destinationKey } from '@/lib/split/destination';
import { resolveHost } from '@/lib/split/hosts';
import { splitsOf, type RouteSplit } from '@/lib/split/model';
import type { K8sVirtualService } from '@/lib/wire';
import type { ProbeDestination } from '../targets';

/** The VirtualService route a probe compares its observations with. */
export interface RouteRef {
  namespace: string;
  name: string;
  index: number;
}

/** What a probe of a URL is measured against, resolved from the cluster. */
export interface ProbeTarget {
  /** The probed host, fully qualified. */
  host: string;
  /** The route whose weights are the targets; undefined when no VirtualService claims the host. */
  route?: RouteRef;
  destinations: ProbeDestination[];
  /** URLs that reach one destination each (fingerprints are learned from them). */
  learn: { name: string; url: string }[];
  /** Sentences about what could not be prepared (e.g. no pod for a subset). */
  notes: string[];
}

/** Display and tag name of a destination: `host`, `host:port`, `host/subset`. */
export function destinationName(d: { host: string; subset?: string; port?: number }): string {
  return `${d.host}${d.port ? `:${d.port}` : ''}${d.subset ? `/${d.subset}` : ''}`;
}

/** The destinations of a route split as probe destinations, with unique names. */
export function probeDestinations(split: RouteSplit): ProbeDestination[] {
  const seen = new Set<string>();
  const out: ProbeDestination[] = [];
  for (const d of split.destinations) {
    const key = destinationKey(d);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: destinationName(d), host: d.host, ...(d.subset ? { subset: d.subset } : {}), ...(d.port ? { port: d.port } : {}), weight: d.weight });
  }
  return out;
}

/**
 * Checks a probe URL: http(s), a host name (never an IP literal), no credentials. The
 * host must be one the cluster knows; that is checked against Services and
 * VirtualServices by {@link resolveProbeTarget}.
 */
export function parseProbeUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`"${raw}" is not a URL; use http://<service>[:port]/path.`, 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError('The probe URL must be http or https.', 'url');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) throw new InputError('Probe a Service or VirtualService host by name, not an IP address.', 'url');
  if (url.username || url.password) throw new InputError('The probe URL cannot carry credentials.', 'url');
  return url;
}

function readAll<T>(read: (namespace?: string) => Promise<T[]>, namespace: string): Promise<T[]> {
  return read().catch((error: unknown) => {
    // An identity that may not list cluster-wide still sees the client's namespace.
    if (error instanceof ClusterError && error.status === 403) return read(namespace);
    throw error;
  });
}

function serviceOf(services: ServiceSummary[], fqdn: string): ServiceSummary | undefined {
  return services.find((s) => resolveHost(s.name, s.namespace) === fqdn);
}

/** The route to compare with: the one asked for, else the first without match conditions, else the first. */
function chooseRoute(vs: K8sVirtualService, wanted: number | undefined): RouteSplit | undefined {
  const http = splitsOf(vs).filter((r) => r.kind === 'http' && r.splittable);
  if (wanted !== undefined) return http.find((r) => r.index === wanted);
  const plain = (vs.spec?.http ?? []).findIndex((route) => !Array.isArray(route.match) || route.match.length === 0);
  return http.find((r) => r.index === plain) ?? http[0];
}

/** A URL reaching one destination only: its Service by name, or for a subset one of its pods directly. */
async function learnUrl(
  destination: ProbeDestination,
  vsNamespace: string,
  services: ServiceSummary[],
  subsetLabels: Record<string, string> | undefined,
  path: string,
): Promise<string | undefined> {
  const fqdn = resolveHost(destination.host, vsNamespace);
  const service = serviceOf(services, fqdn);
  const servicePort = destination.port ?? service?.ports[0]?.port;
  if (!destination.subset) return `http://${fqdn}${servicePort ? `:${servicePort}` : ''}${path}`;
  if (!service?.selector || !subsetLabels) return undefined;
  const pods = await listPods({ namespace: service.namespace });
  const selector = { ...service.selector, ...subsetLabels };
  const pod = pods.find((p) => p.ready && p.podIP && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
  const target = service.ports.find((p) => p.port === servicePort)?.targetPort ?? servicePort;
  // A named target port resolves against the pod's container ports, as kube-proxy does.
  const port = typeof target === 'number' ? target : pod?.containerPorts.find((c) => c.name === target)?.containerPort;
  if (!pod?.podIP || port === undefined) return undefined;
  return `http://${pod.podIP}:${port}${path}`;
}

/**
 * Resolves what a probe of `url` from `namespace` measures: the VirtualService route
 * for its host (its weights are the targets) and a URL per destination to learn
 * fingerprints from. A host that no Service or VirtualService claims is refused.
 */
export async function resolveProbeTarget(input: {
  namespace: string;
  url: URL;
  route?: { name: string; index: number };
  subsetLabels: (host: string, subset: string) => Record<string, string> | undefined;
}): Promise<ProbeTarget> {
  const host = resolveHost(input.url.hostname, input.namespace);
  const [services, virtualServices] = await Promise.all([
    readAll((namespace) => listServices(namespace), input.namespace),
    readAll((namespace) => listVirtualServices({ namespace }), input.namespace),
  ]);
  const claiming = virtualServices.filter((vs) =>
    (vs.spec?.hosts ?? []).some((h) => typeof h === 'string' && resolveHost(h, vs.metadata?.namespace ?? '') === host),
  );
  const vs = input.route
    ? claiming.find((v) => v.metadata?.name === input.route?.name) ?? virtualServices.find((v) => v.metadata?.name === input.route?.name && v.metadata?.namespace === input.namespace)
    : claiming[0];
  const service = serviceOf(services, host);
  if (!vs && !service) {
    throw new InputError(`No Service or VirtualService in the cluster answers to "${input.url.hostname}" (${host}); probe a host the cluster knows.`, 'url', 422, 'unknown_host');
  }
  if (service) {
    const port = Number(input.url.port || (input.url.protocol === 'https:' ? 443 : 80));
    if (!service.ports.some((p) => p.port === port)) {
      const exposed = service.ports.map((p) => p.port);
      throw new InputError(
        `Service ${service.namespace}/${service.name} does not expose port ${port}${exposed.length > 0 ? `; it exposes ${exposed.join(', ')} (e.g. ${input.url.protocol}//${input.url.hostname}:${exposed[0]}${input.url.pathname})` : ''}.`,
        'url',
        422,
        'unknown_port',
      );
    }
  }
  const path = `${input.url.pathname}${input.url.search}`;
  if (!vs) {
    const only: ProbeDestination = { name: destinationName({ host: input.url.hostname }), host: input.url.hostname, weight: 100 };
    return { host, destinations: [only], learn: [], notes: ['No VirtualService claims this host: every response is expected from the Service itself.'] };
  }
  const vsNamespace = vs.metadata?.namespace ?? input.namespace;
  const split = chooseRoute(vs, input.route?.index);
  if (!split) {
    throw new InputError(`${vs.metadata?.name ?? 'The VirtualService'} has no splittable HTTP route${input.route ? ` at index ${input.route.index}` : ''} to compare with.`, 'route', 422, 'invalid_route');
  }
  const destinations = probeDestinations(split);
  const notes: string[] = [];
  const learn: { name: string; url: string }[] = [];
  for (const d of destinations) {
    const labels = d.subset ? input.subsetLabels(resolveHost(d.host, vsNamespace), d.subset) : undefined;
    const url = await learnUrl(d, vsNamespace, services, labels, path);
    if (url) learn.push({ name: d.name, url });
    else notes.push(`No way to reach ${d.name} alone (no ready pod with a known port for its subset): its responses cannot be fingerprinted; use response tagging.`);
  }
  return { host, route: { namespace: vsNamespace, name: vs.metadata?.name ?? '', index: split.index }, destinations, learn, notes };
}

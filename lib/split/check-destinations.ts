/**
 * Checks of each destination against the cluster: host, subset, port and protocol,
 * pods and endpoints.
 *
 * Known debt:
 * - DestinationRule lookup ignores Istio's order (client namespace, service namespace,
 *   root namespace); any DestinationRule exported to the VirtualService's or the
 *   Service's namespace counts.
 * - Wildcard destination hosts and ServiceEntry hosts are not checked beyond existence.
 */
import { list, visibleTo, type CheckContext } from './check-context';
import { destinationKey } from './destination';
import type { DestinationRuleFact, PodFact, ServiceFact } from './facts';
import { finding, type Finding } from './findings';
import { hostsOverlap, resolveHost, serviceHost } from './hosts';
import type { RouteInspection } from './model';
import { carriesHttpRoutes, servicePortProtocol } from './protocol';

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function findService(ctx: CheckContext, fqdn: string): ServiceFact | undefined {
  return ctx.facts.services.find((s) => serviceHost(s.name, s.namespace, ctx.domain) === fqdn);
}

/** Why a host was not found, when the cluster suggests a likely mistake. */
function hostHint(ctx: CheckContext, host: string): string {
  if (!host.includes('.')) {
    const elsewhere = ctx.facts.services.filter((s) => s.name === host).map((s) => s.namespace);
    if (elsewhere.length > 0) {
      return ` A short name resolves in the VirtualService's namespace (${ctx.namespace}), not the Service's: the Service ${host} is in ${list(elsewhere)}, so write ${serviceHost(host, elsewhere[0] ?? '', ctx.domain)}.`;
    }
    return ` A short name resolves in the VirtualService's namespace (${ctx.namespace}).`;
  }
  const [name, ns, ...rest] = host.split('.');
  if (rest.length === 0 && name && ns && ctx.facts.services.some((s) => s.name === name && s.namespace === ns)) {
    return ` Istio does not expand name.namespace; write ${serviceHost(name, ns, ctx.domain)}.`;
  }
  return '';
}

/**
 * One destination against the cluster: host (short names resolve in the VirtualService's
 * namespace), subset, port and its protocol, and whether pods can answer. Runtime-state
 * findings are `info` for a destination that gets no traffic.
 */
export function checkDestination(ctx: CheckContext, inspection: RouteInspection, d: RouteInspection['destinations'][number]): Finding[] {
  const out: Finding[] = [];
  const at = `${inspection.path}/route/${d.entry}/destination`;
  const key = destinationKey(d);
  if (d.host.startsWith('*')) return out;
  const fqdn = resolveHost(d.host, ctx.namespace, ctx.domain);
  const service = findService(ctx, fqdn);
  const external = (ctx.facts.serviceEntries ?? []).some((se) => se.hosts.some((h) => hostsOverlap(resolveHost(h, se.namespace, ctx.domain), fqdn)));
  if (!service && !external) {
    out.push(finding('host-not-found', `${key}: no Service or ServiceEntry has the host ${fqdn}, so requests routed there fail (503).${hostHint(ctx, d.host)}`, `${at}/host`));
    return out;
  }
  const idle = d.share === 0 && inspection.destinations.length > 1;
  const runtimeSeverity = idle ? 'info' : undefined;
  const idleNote = idle ? ' It gets no traffic now (weight 0), so this matters only when you raise its weight.' : '';

  let subsetLabels: Record<string, string> | undefined;
  if (d.subset) {
    const namespaces = [ctx.namespace, service?.namespace ?? ctx.namespace];
    const rules = ctx.facts.destinationRules.filter(
      (dr) => hostsOverlap(resolveHost(dr.host, dr.namespace, ctx.domain), fqdn) && namespaces.some((ns) => visibleTo(dr.exportTo, dr.namespace, ns)),
    );
    const defining = rules.find((dr) => dr.subsets.some((s) => s.name === d.subset));
    if (!defining) {
      const known = rules.flatMap((dr: DestinationRuleFact) => dr.subsets.map((s) => s.name));
      out.push(
        finding(
          'subset-not-found',
          `${key}: no DestinationRule for ${fqdn} defines the subset ${d.subset}, so requests routed there fail (503 "no healthy upstream").${known.length > 0 ? ` Defined subsets: ${list(known)}.` : ' There is no DestinationRule for this host.'} Add the subset to a DestinationRule (with the pod labels it stands for), or pick a defined one.`,
          `${at}/subset`,
        ),
      );
      return out;
    }
    subsetLabels = defining.subsets.find((s) => s.name === d.subset)?.labels ?? {};
  }
  if (!service) return out;

  const ports = service.ports;
  let port = d.port === undefined ? (ports.length === 1 ? ports[0] : undefined) : ports.find((p) => p.port === d.port);
  if (d.port === undefined && ports.length > 1) {
    out.push(
      finding(
        'port-required',
        `${key}: the Service ${service.namespace}/${service.name} exposes ports ${list(ports.map((p) => String(p.port)))}; name the one to route to (destination.port.number), or Istio picks by the port the client called.`,
        at,
      ),
    );
  } else if (d.port !== undefined && !port) {
    const byTarget = ports.find((p) => p.targetPort === d.port);
    out.push(
      finding(
        'port-not-found',
        `${key}: the Service ${service.namespace}/${service.name} does not expose port ${d.port} (it exposes ${list(ports.map((p) => String(p.port))) || 'none'}).${byTarget ? ` ${d.port} is the targetPort of Service port ${byTarget.port}; a destination names the Service port.` : ''} Pick an exposed port.`,
        `${at}/port/number`,
      ),
    );
    port = undefined;
  }
  if (port && inspection.kind === 'http') {
    const protocol = servicePortProtocol(port);
    if (!carriesHttpRoutes(protocol)) {
      out.push(
        finding(
          'port-not-http',
          `${key}: Service port ${port.port}${port.name ? ` (${port.name})` : ''} is ${protocol} to Istio (by its ${port.appProtocol ? 'appProtocol' : 'name'}), so sidecars do not apply http routes to it. If it carries plain HTTP, name it http-… or set appProtocol: http; otherwise split it with a ${protocol === 'HTTPS' || protocol === 'TLS' ? 'tls' : 'tcp'} route.`,
          at,
        ),
      );
    }
  }

  const podsKnown = ctx.facts.pods.length > 0;
  if (subsetLabels && service.selector && podsKnown) {
    const selector = service.selector;
    const labels = subsetLabels;
    const pods = ctx.facts.pods.filter((p: PodFact) => p.namespace === service.namespace && selects(selector, p.labels) && selects(labels, p.labels));
    const described = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || 'no labels';
    if (pods.length === 0) {
      out.push(finding('subset-no-pods', `${key}: no pod of the Service ${service.namespace}/${service.name} has the subset's labels (${described}), so requests routed there fail (503).${idleNote} Deploy the version, or fix the subset's labels in the DestinationRule.`, `${at}/subset`, runtimeSeverity));
    } else if (!pods.some((p) => p.ready)) {
      out.push(finding('no-ready-endpoints', `${key}: the ${pods.length} pod${pods.length === 1 ? '' : 's'} of subset ${d.subset} ${pods.length === 1 ? 'is' : 'are'} not ready, so requests routed there fail (503).${idleNote} Check the pods (kubectl describe pod).`, at, runtimeSeverity));
    }
  } else if (service.readyEndpoints === 0) {
    out.push(finding('no-ready-endpoints', `${key}: the Service ${service.namespace}/${service.name} has no ready endpoints, so requests routed there fail (503).${idleNote} Check its pods and selector.`, at, runtimeSeverity));
  }
  return out;
}

/** The same cluster named twice in different words (short and long host names). */
export function checkResolvedDuplicates(ctx: CheckContext, inspection: RouteInspection): Finding[] {
  const seen = new Map<string, string>();
  const out: Finding[] = [];
  for (const d of inspection.destinations) {
    const resolved = destinationKey({ ...d, host: resolveHost(d.host, ctx.namespace, ctx.domain) });
    const first = seen.get(resolved);
    if (first !== undefined && first !== destinationKey(d)) {
      out.push(finding('destination-duplicate', `${destinationKey(d)} and ${first} are the same destination (${resolved}) in one route. Keep one entry, with the sum of their weights.`, `${inspection.path}/route/${d.entry}`));
    } else if (first === undefined) seen.set(resolved, destinationKey(d));
  }
  return out;
}

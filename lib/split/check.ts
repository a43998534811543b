/**
 * Pre-apply checks: will this split work as drawn, in this cluster? Each check returns
 * findings that say what is wrong and what to do, with the JSON pointer of the place and
 * the Istio reference. Pure: the cluster is given as {@link ClusterFacts}.
 *
 * Known debt:
 * - DestinationRule lookup ignores Istio's order (client namespace, service namespace,
 *   root namespace); any DestinationRule exported to the VirtualService's or the
 *   Service's namespace counts.
 * - Wildcard destination hosts and ServiceEntry hosts are not checked beyond existence.
 * - Pods in kube-* and istio-system namespaces are not counted as clients.
 */
import type { K8sVirtualService } from '../wire';
import { virtualServiceFromDesign } from './create';
import { destinationKey, type WeightedDestination } from './destination';
import { checkWrittenDestinations } from './edit';
import type { ClusterFacts, DestinationRuleFact, PodFact, ServiceFact } from './facts';
import { finding, type Finding } from './findings';
import { DEFAULT_CLUSTER_DOMAIN, hostsOverlap, resolveHost, serviceHost } from './hosts';
import { isRecord, pointer } from './json';
import { inspectRoute, type RouteInspection, type RouteKind } from './model';
import { carriesHttpRoutes, servicePortProtocol } from './protocol';
import { rejectsTotalOtherThan100, WEIGHT_TOTAL } from './weights';

/** The mesh gateway name: routes bound to it apply to sidecars. */
const MESH = 'mesh';
const SYSTEM_NAMESPACE = /^(kube-.*|istio-system)$/;

interface Context {
  vs: K8sVirtualService;
  namespace: string;
  domain: string;
  facts: ClusterFacts;
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function list(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Weight findings on the stored weights of one route. */
function checkWeights(inspection: RouteInspection, istioVersion: string | undefined): Finding[] {
  const out: Finding[] = [];
  const { destinations, kind, index, path } = inspection;
  const strict = rejectsTotalOtherThan100(istioVersion);
  for (const d of destinations) {
    if (!d.weightSet) continue;
    const at = `${path}/route/${d.entry}/weight`;
    if (!Number.isInteger(d.weight) || d.weight < 0) {
      out.push(finding('weight-invalid', `${destinationKey(d)} has weight ${d.weight}; Istio takes whole numbers from 0 up. Set an integer weight.`, at));
    } else if (d.weight > WEIGHT_TOTAL && strict === true) {
      out.push(finding('weight-invalid', `${destinationKey(d)} has weight ${d.weight}; Istio ${istioVersion} accepts 0..100 only. Set weights that sum to 100.`, at));
    }
  }
  if (destinations.length === 1) {
    const lone = destinations[0];
    if (lone && lone.weightSet && lone.weight < WEIGHT_TOTAL) {
      out.push(
        finding(
          'weight-lone-under-100',
          `${destinationKey(lone)} is the only destination of ${kind} route ${index}, so it gets all of the traffic although its weight says ${lone.weight}. Set it to 100, or add the destination that should get the rest.`,
          `${path}/route/${lone.entry}/weight`,
        ),
      );
    }
    return out;
  }
  const total = destinations.reduce((a, d) => a + d.weight, 0);
  if (total === 0) {
    out.push(finding('weight-total-zero', `Every destination of ${kind} route ${index} has weight 0 (or none), so there is nothing to send traffic to and Istio rejects the route. Give at least one destination a weight.`, `${path}/route`));
  } else if (total !== WEIGHT_TOTAL) {
    const shares = destinations.map((d) => `${destinationKey(d)} ${pct(d.share)}`).join(', ');
    if (strict === true) {
      out.push(finding('weight-total-not-100', `The weights of ${kind} route ${index} sum to ${total}; Istio ${istioVersion} rejects sums other than 100 (relative weights came in 1.15). Apply the split from Splitscope, which writes a sum of 100.`, `${path}/route`));
    } else {
      out.push(
        finding(
          'weight-total-relative',
          `The weights of ${kind} route ${index} sum to ${total}; ${strict === false ? `Istio ${istioVersion}` : 'Istio 1.15 and later'} use them as relative shares (${shares})${strict === undefined ? ', while 1.14 and older reject them' : ''}. Splitscope writes them as a sum of 100 on the next apply.`,
          `${path}/route`,
        ),
      );
    }
  }
  return out;
}

function visibleTo(exportTo: readonly string[] | undefined, ownNamespace: string, namespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && ownNamespace === namespace));
}

function findService(ctx: Context, fqdn: string): ServiceFact | undefined {
  return ctx.facts.services.find((s) => serviceHost(s.name, s.namespace, ctx.domain) === fqdn);
}

/** Why a host was not found, when the cluster suggests a likely mistake. */
function hostHint(ctx: Context, host: string): string {
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

function checkDestination(ctx: Context, inspection: RouteInspection, d: RouteInspection['destinations'][number]): Finding[] {
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
function checkResolvedDuplicates(ctx: Context, inspection: RouteInspection): Finding[] {
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

/** Whether the VirtualService applies to sidecars at all (bound to `mesh`). */
function meshBound(gateways: readonly string[] | undefined): boolean {
  return !gateways || gateways.length === 0 || gateways.includes(MESH);
}

function checkVisibility(ctx: Context, inspection: RouteInspection): Finding[] {
  const out: Finding[] = [];
  const spec = isRecord(ctx.vs.spec) ? ctx.vs.spec : {};
  const gateways = stringArray(spec.gateways);
  const hosts = stringArray(spec.hosts) ?? [];
  if (!meshBound(gateways)) {
    out.push(finding('mesh-not-bound', `This VirtualService is bound to ${list(gateways ?? [])} only, so sidecars in the mesh ignore it and the prober will not see the split. Add "mesh" to spec.gateways if mesh clients should follow it.`, '/spec/gateways'));
    return out;
  }
  const matches = Array.isArray(inspection.route?.match) ? inspection.route.match : [];
  if (matches.length > 0 && matches.every((m) => isRecord(m) && (stringArray(m.gateways) ?? []).length > 0 && !(stringArray(m.gateways) ?? []).includes(MESH))) {
    out.push(finding('mesh-not-bound', `Every match of ${inspection.kind} route ${inspection.index} is limited to other gateways, so sidecars never take this route. Add "mesh" to the match's gateways if mesh clients should follow it.`, `${inspection.path}/match`));
  }

  const clientPods = ctx.facts.pods.filter((p) => !SYSTEM_NAMESPACE.test(p.namespace));
  const exportTo = stringArray(spec.exportTo);
  if (exportTo && exportTo.length > 0 && !exportTo.includes('*')) {
    const hidden = [...new Set(clientPods.filter((p) => p.sidecar && !visibleTo(exportTo, ctx.namespace, p.namespace)).map((p) => p.namespace))];
    if (hidden.length > 0) {
      out.push(finding('export-restricted', `exportTo (${exportTo.join(', ')}) hides this VirtualService from namespaces ${list(hidden)}, where pods with sidecars run; their requests ignore the split. Add those namespaces (or "*") to spec.exportTo if they should follow it.`, '/spec/exportTo'));
    }
  }

  const bare = clientPods.filter((p) => !p.sidecar);
  if (bare.length > 0) {
    const byNamespace = new Map<string, number>();
    for (const p of bare) byNamespace.set(p.namespace, (byNamespace.get(p.namespace) ?? 0) + 1);
    const injection = new Map(ctx.facts.namespaces.map((n) => [n.name, n.injection]));
    const parts = [...byNamespace].map(([ns, n]) => `${ns} (${n}${injection.get(ns) === 'enabled' || injection.get(ns) === 'revision' ? ', injection on: restart them' : ''})`);
    out.push(
      finding(
        'clients-without-sidecar',
        `${bare.length} pod${bare.length === 1 ? '' : 's'} without an Istio sidecar run in ${list(parts)}. Their requests to ${list(hosts) || 'these hosts'} skip this VirtualService: kube-proxy spreads them evenly over the Service's endpoints. If they should follow the split, label the namespace istio-injection=enabled and restart the pods.`,
        '/spec/hosts',
      ),
    );
  }

  for (const host of hosts) {
    const mine = resolveHost(host, ctx.namespace, ctx.domain);
    const others = ctx.facts.virtualServices.filter(
      (o) =>
        !(o.namespace === ctx.namespace && o.name === ctx.vs.metadata?.name) &&
        meshBound(o.gateways) &&
        o.hosts.some((h) => hostsOverlap(resolveHost(h, o.namespace, ctx.domain), mine)),
    );
    if (others.length > 0) {
      out.push(
        finding(
          'host-claimed-elsewhere',
          `VirtualService ${list(others.map((o) => `${o.namespace}/${o.name}`))} also claims ${mine} for the mesh. Istio merges VirtualServices for one host only on ingress gateways; for sidecars the outcome is undefined (one of them wins). Merge them into one, or narrow one with exportTo.`,
          pointer('spec', 'hosts', hosts.indexOf(host)),
        ),
      );
    }
  }
  return out;
}

function checkMirrors(inspection: RouteInspection): Finding[] {
  const route = inspection.route;
  if (!route || (route.mirror === undefined && !Array.isArray(route.mirrors))) return [];
  return [
    finding(
      'mirror-not-in-split',
      `${inspection.kind} route ${inspection.index} also mirrors requests; mirrored copies are extra, fire-and-forget, and not part of the weights, so the prober's counts show only the split.`,
      `${inspection.path}/${route.mirror !== undefined ? 'mirror' : 'mirrors'}`,
    ),
  ];
}

/** What {@link checkSplit} checks. */
export interface SplitCheck {
  vs: K8sVirtualService;
  /** Index into `spec.<kind>`. */
  route: number;
  kind?: RouteKind;
  facts: ClusterFacts;
}

/**
 * Every finding for one route of a VirtualService (as stored, or the `result` of a plan
 * before applying it): route shape, stored weights by the cluster's Istio version,
 * destinations against the cluster, and who will (not) see the split.
 */
export function checkSplit({ vs, route, kind = 'http', facts }: SplitCheck): Finding[] {
  if (!isRecord(vs) || !isRecord(vs.spec)) {
    return [finding('not-a-virtual-service', 'The object has no spec; it is not a VirtualService Splitscope can check.', '/spec')];
  }
  const inspection = inspectRoute(vs, kind, route);
  if (inspection.reason !== undefined && inspection.reason !== 'duplicate') return inspection.findings;
  if (!inspection.route) return inspection.findings;
  const meta = isRecord(vs.metadata) ? vs.metadata : {};
  const ctx: Context = {
    vs,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
    domain: facts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    facts,
  };
  return [
    ...inspection.findings,
    ...checkWeights(inspection, facts.istioVersion),
    ...(inspection.reason === 'duplicate' ? [] : checkResolvedDuplicates(ctx, inspection)),
    ...inspection.destinations.flatMap((d) => checkDestination(ctx, inspection, d)),
    ...checkVisibility(ctx, inspection),
    ...checkMirrors(inspection),
  ];
}

/** A split design for a new VirtualService. */
export interface DesignCheck {
  namespace: string;
  /** The new VirtualService's name, when chosen (used to tell it apart from others). */
  name?: string;
  hosts: readonly string[];
  destinations: readonly WeightedDestination[];
  facts: ClusterFacts;
}

const HOST = /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/i;

/**
 * Every finding for a design before it is created: the hosts, the destinations and
 * weights Splitscope would write, and the same cluster checks as {@link checkSplit}.
 */
export function checkDesign({ namespace, name, hosts, destinations, facts }: DesignCheck): Finding[] {
  const out: Finding[] = [];
  if (hosts.length === 0) out.push(finding('hosts-invalid', 'Name at least one host whose traffic to split, usually the Service the clients call.', '/spec/hosts'));
  hosts.forEach((h, i) => {
    if (!HOST.test(h)) out.push(finding('hosts-invalid', `"${h}" is not a host name: use a Service name or a DNS name.`, pointer('spec', 'hosts', i)));
  });
  out.push(...checkWrittenDestinations(destinations, new Set(), '/spec/http/0/route'));
  if (out.length > 0) return out;
  const vs = virtualServiceFromDesign({ apiVersion: 'networking.istio.io/v1', namespace, name: name ?? '', hosts, destinations });
  return checkSplit({ vs, route: 0, facts });
}

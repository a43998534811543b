/**
 * Who will (not) see the split: the mesh binding, exportTo, clients without a sidecar,
 * other VirtualServices claiming the host, and mirrors.
 *
 * Known debt:
 * - Pods in kube-* and istio-system namespaces are not counted as clients.
 */
import { list, stringArray, visibleTo, type CheckContext } from './check-context';
import { finding, type Finding } from './findings';
import { hostsOverlap, resolveHost } from './hosts';
import { isRecord, pointer } from './json';
import type { RouteInspection } from './model';

/** The mesh gateway name: routes bound to it apply to sidecars. */
const MESH = 'mesh';
const SYSTEM_NAMESPACE = /^(kube-.*|istio-system)$/;

/** Whether the VirtualService applies to sidecars at all (bound to `mesh`). */
function meshBound(gateways: readonly string[] | undefined): boolean {
  return !gateways || gateways.length === 0 || gateways.includes(MESH);
}

/**
 * Whether mesh clients will see the route: bound to `mesh` (VirtualService and route
 * matches), exported to their namespaces, clients with a sidecar, and no other
 * VirtualService claiming the same host for the mesh.
 * @see https://istio.io/latest/docs/reference/config/analysis/ist0109/
 */
export function checkVisibility(ctx: CheckContext, inspection: RouteInspection): Finding[] {
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

/** A note that mirrored requests are not part of the weights. */
export function checkMirrors(inspection: RouteInspection): Finding[] {
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

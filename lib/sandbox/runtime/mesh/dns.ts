/**
 * Names as cluster DNS and Istio read them (pure).
 *
 * A pod's resolver has `search <ns>.svc.cluster.local svc.cluster.local cluster.local`
 * and `ndots:5`: a name with fewer than five dots is tried with each search domain
 * first, then as given. So from namespace `default`, `my-apache-vs`,
 * `my-apache-vs.default`, `my-apache-vs.default.svc` and the full name all reach the
 * same Service, while a node (no search path) needs the full name.
 *
 * Istio resolves a short host in a VirtualService or DestinationRule relative to the
 * namespace of that rule, not of the client or the Service; a host with dots is taken
 * as written.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#namespaces-of-services
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (hosts)
 */

export const CLUSTER_DOMAIN = 'cluster.local';

/** Dots a name needs to be tried as given before the search list (the kubelet's ndots). */
const NDOTS = 5;

/** `name.namespace.svc.cluster.local`. */
export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** The names a resolver tries for `host`, in order, from a pod in `namespace` (none for a node). */
export function resolverCandidates(host: string, namespace: string | undefined): string[] {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (host.endsWith('.')) return [name];
  const search = namespace ? [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN] : [];
  const dots = name.split('.').length - 1;
  const searched = search.map((domain) => `${name}.${domain}`);
  return dots >= NDOTS ? [name, ...searched] : [...searched, name];
}

/** A VirtualService or DestinationRule host as Istio reads it in namespace `namespace`. */
export function ruleHostFqdn(host: string, namespace: string): string {
  if (host.includes('.') || host.includes('*')) return host.toLowerCase();
  return serviceFqdn(host.toLowerCase(), namespace);
}

/** Whether a rule host (possibly `*.suffix` or `*`) covers the concrete name `fqdn`. */
export function hostCovers(ruleHost: string, fqdn: string): boolean {
  if (ruleHost === '*') return true;
  if (ruleHost.startsWith('*')) return fqdn.endsWith(ruleHost.slice(1));
  return ruleHost === fqdn;
}

/** The namespaces a rule with `exportTo` in `namespace` is visible from (`*`, `.`, or names; default all). */
export function visibleFrom(exportTo: string[] | undefined, namespace: string, client: string | undefined): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((to) => to === '*' || (to === '.' ? client === namespace : to === client));
}

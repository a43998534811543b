/**
 * How Istio reads host names in VirtualServices and DestinationRules. Each rule is written
 * once here; the checks and the model use these functions instead of comparing strings.
 */

/** The Kubernetes cluster DNS domain Istio assumes unless told otherwise. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

/**
 * Resolves a host as Istio does for a rule in `namespace`: a name **without a dot** is a
 * short name and becomes `<name>.<namespace>.svc.<domain>`, relative to the namespace of
 * the rule (not of the Service); `*`, IP addresses and any name containing a dot are taken
 * as written. So `reviews.prod` is *not* expanded: Istio treats it as a fully qualified
 * name, which no Kubernetes Service has.
 *
 * Why we follow it: Istio's `ResolveShortnameToFQDN` is what decides which cluster a
 * destination means, and the reference warns that short names resolve against the rule's
 * namespace.
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination
 * @see https://github.com/istio/istio/blob/master/pkg/config/model.go (ResolveShortnameToFQDN)
 */
export function resolveHost(host: string, namespace: string | undefined, domain: string = DEFAULT_CLUSTER_DOMAIN): string {
  if (host === '' || host === '*' || host.includes('.') || host.includes(':') || IPV4.test(host)) return host;
  const withNamespace = namespace ? `${host}.${namespace}` : host;
  return domain ? `${withNamespace}.svc.${domain}` : withNamespace;
}

/** The fully qualified host name of a Kubernetes Service, as Istio's registry names it. */
export function serviceHost(name: string, namespace: string, domain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${domain}`;
}

/**
 * Whether two (resolved) host names can name the same host: equal, or a wildcard
 * (`*`, `*.example.com`) that covers the other. A wildcard matches any depth of labels,
 * as Istio's `host.Name.Matches` does (`*.com` covers `a.b.com`).
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (hosts)
 */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) return a.slice(1).endsWith(b.slice(1)) || b.slice(1).endsWith(a.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return false;
}

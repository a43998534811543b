/**
 * Findings: what Splitscope tells an operator about a split before (and after) applying
 * it. Every code is listed once in {@link FINDING_CODES} with its severity, a title and
 * the Istio reference that explains the rule, so the UI and the docs can show the full
 * list without reading the checks.
 */

/** How bad a finding is: `error` means the split will not work as drawn (or cannot be applied). */
export type Severity = 'error' | 'warning' | 'info';

/** Where Istio explains each rule. Links go to the `latest` docs, which is what operators read. */
export const ISTIO_DOCS = {
  virtualService: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService',
  httpRoute: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute',
  httpRouteDestination: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination',
  routeDestination: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#RouteDestination',
  destination: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#Destination',
  headers: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers',
  mirror: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy',
  subset: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset',
  referencedResourceNotFound: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
  namespaceNotInjected: 'https://istio.io/latest/docs/reference/config/analysis/ist0102/',
  conflictingMeshGatewayHosts: 'https://istio.io/latest/docs/reference/config/analysis/ist0109/',
  portSelectorRequired: 'https://istio.io/latest/docs/reference/config/analysis/ist0112/',
  protocolSelection: 'https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/',
  sidecarInjection: 'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/',
  annotations: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/',
} as const;

/**
 * Every finding code, with the severity it is reported at, a short title and a reference.
 * One exception, stated here once: the checks on runtime state of a destination
 * (`subset-no-pods`, `no-ready-endpoints`) are reported as `info` when that destination
 * receives no traffic (weight 0 beside other destinations), because an idle canary with
 * no pods is routine.
 */
export const FINDING_CODES = {
  'not-a-virtual-service': { severity: 'error', title: 'Not a VirtualService Splitscope can read', docs: ISTIO_DOCS.virtualService },
  'route-out-of-range': { severity: 'error', title: 'Route index out of range', docs: ISTIO_DOCS.httpRoute },
  'route-not-splittable': { severity: 'error', title: 'Route has no destinations to split (redirect, directResponse or delegate)', docs: ISTIO_DOCS.httpRoute },
  'route-malformed': { severity: 'error', title: 'Route does not follow the VirtualService schema', docs: ISTIO_DOCS.httpRouteDestination },
  'destinations-empty': { severity: 'error', title: 'No destinations', docs: ISTIO_DOCS.httpRoute },
  'hosts-invalid': { severity: 'error', title: 'VirtualService hosts missing or not valid', docs: ISTIO_DOCS.virtualService },
  'destination-invalid': { severity: 'error', title: 'Destination host, subset or port is not valid', docs: ISTIO_DOCS.destination },
  'destination-duplicate': { severity: 'error', title: 'Same destination twice in one route', docs: ISTIO_DOCS.httpRouteDestination },
  'weight-invalid': { severity: 'error', title: 'Weight is not an integer in 0..100', docs: ISTIO_DOCS.httpRouteDestination },
  'weight-total-not-100': { severity: 'error', title: 'Weights do not sum to 100 (Istio 1.14 and older reject this; Splitscope never writes it)', docs: ISTIO_DOCS.httpRouteDestination },
  'weight-total-relative': { severity: 'info', title: 'Weights do not sum to 100; Istio 1.15+ uses them as relative shares', docs: ISTIO_DOCS.httpRouteDestination },
  'weight-total-zero': { severity: 'error', title: 'Total weight is 0', docs: ISTIO_DOCS.httpRouteDestination },
  'weight-lone-under-100': { severity: 'warning', title: 'Lone destination with a weight under 100 still gets all traffic', docs: ISTIO_DOCS.httpRouteDestination },
  'host-not-found': { severity: 'error', title: 'Destination host not found', docs: ISTIO_DOCS.referencedResourceNotFound },
  'subset-not-found': { severity: 'error', title: 'Subset not defined by any DestinationRule for the host', docs: ISTIO_DOCS.referencedResourceNotFound },
  'subset-no-pods': { severity: 'error', title: 'Subset selects no pods', docs: ISTIO_DOCS.subset },
  'no-ready-endpoints': { severity: 'error', title: 'Destination has no ready endpoints', docs: ISTIO_DOCS.destination },
  'port-required': { severity: 'error', title: 'Port required: the Service exposes several ports', docs: ISTIO_DOCS.portSelectorRequired },
  'port-not-found': { severity: 'error', title: 'The Service does not expose this port', docs: ISTIO_DOCS.referencedResourceNotFound },
  'port-not-http': { severity: 'warning', title: 'Service port is not HTTP, so HTTP routes do not apply', docs: ISTIO_DOCS.protocolSelection },
  'host-claimed-elsewhere': { severity: 'warning', title: 'Another VirtualService claims the same host', docs: ISTIO_DOCS.conflictingMeshGatewayHosts },
  'clients-without-sidecar': { severity: 'warning', title: 'Pods without a sidecar will not see the split', docs: ISTIO_DOCS.sidecarInjection },
  'mesh-not-bound': { severity: 'warning', title: 'Route not bound to the mesh gateway: sidecars ignore it', docs: ISTIO_DOCS.virtualService },
  'export-restricted': { severity: 'warning', title: 'exportTo hides the route from namespaces with mesh clients', docs: ISTIO_DOCS.virtualService },
  'mirror-not-in-split': { severity: 'info', title: 'Mirrored copies are not part of the split', docs: ISTIO_DOCS.mirror },
  'annotation-unreadable': { severity: 'warning', title: 'A Splitscope annotation (history, tagging) could not be read', docs: ISTIO_DOCS.annotations },
  'history-revision-not-found': { severity: 'error', title: 'No such revision in the weight history', docs: ISTIO_DOCS.annotations },
  'history-route-moved': { severity: 'error', title: 'The route of that revision has moved or changed', docs: ISTIO_DOCS.httpRoute },
  'tag-header-invalid': { severity: 'error', title: 'Response tag header name or value is not valid', docs: ISTIO_DOCS.headers },
  'tag-header-in-use': { severity: 'error', title: 'The destination already sets that response header', docs: ISTIO_DOCS.headers },
  'tag-not-found': { severity: 'error', title: 'No response tagging by Splitscope to remove', docs: ISTIO_DOCS.headers },
} as const satisfies Record<string, { severity: Severity; title: string; docs: string }>;

/** One of the codes in {@link FINDING_CODES}. */
export type FindingCode = keyof typeof FINDING_CODES;

/** Something an operator should know about a split, said so that they can act on it. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** A sentence or two: what is wrong and what to do. */
  message: string;
  /** JSON pointer (RFC 6901) into the object the finding is about, when there is one place. */
  path?: string;
  /** The Istio (or Kubernetes) reference that explains the rule. */
  docs?: string;
}

/**
 * Builds a finding with the catalogue's severity and reference.
 * @param severity overrides the catalogue severity (only for the exception documented on FINDING_CODES)
 */
export function finding(code: FindingCode, message: string, path?: string, severity?: Severity): Finding {
  const entry = FINDING_CODES[code];
  const out: Finding = { code, severity: severity ?? entry.severity, message, docs: entry.docs };
  if (path !== undefined) out.path = path;
  return out;
}

/** True when any finding is an error: the lead's routes refuse to apply such a plan. */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

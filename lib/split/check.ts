/**
 * Pre-apply checks: will this split work as drawn, in this cluster? Each check returns
 * findings that say what is wrong and what to do, with the JSON pointer of the place and
 * the Istio reference. Pure: the cluster is given as {@link ClusterFacts}. The checks
 * themselves live in check-weights, check-destinations and check-visibility.
 */
import type { K8sVirtualService } from '../wire';
import type { CheckContext } from './check-context';
import { checkDestination, checkResolvedDuplicates } from './check-destinations';
import { checkMirrors, checkVisibility } from './check-visibility';
import { checkWeights } from './check-weights';
import { virtualServiceFromDesign } from './create';
import type { WeightedDestination } from './destination';
import { checkWrittenDestinations } from './edit';
import type { ClusterFacts } from './facts';
import { finding, type Finding } from './findings';
import { DEFAULT_CLUSTER_DOMAIN } from './hosts';
import { isRecord, pointer } from './json';
import { inspectRoute, type RouteKind } from './model';

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
  const ctx: CheckContext = {
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

/**
 * What every pre-apply check reads: the VirtualService, its namespace, the cluster domain
 * and the facts, plus small helpers for messages. Internal to the check-* modules.
 */
import type { K8sVirtualService } from '../wire';
import type { ClusterFacts } from './facts';

/** The object under check and the cluster around it. */
export interface CheckContext {
  vs: K8sVirtualService;
  /** The VirtualService's namespace (short hosts resolve in it). */
  namespace: string;
  domain: string;
  facts: ClusterFacts;
}

/** A share as a percentage with at most one decimal. */
export function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** A readable list, cut after `max` items. */
export function list(items: readonly string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The strings of a value that should be a string list. */
export function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/**
 * Whether an Istio object with `exportTo`, living in `ownNamespace`, is visible in
 * `namespace` (`*` everywhere, `.` its own namespace, empty means everywhere).
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (exportTo)
 */
export function visibleTo(exportTo: readonly string[] | undefined, ownNamespace: string, namespace: string): boolean {
  if (!exportTo || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && ownNamespace === namespace));
}

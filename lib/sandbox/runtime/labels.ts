/**
 * Label selectors, as Kubernetes evaluates them.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import type { LabelSelector } from './shapes';

/**
 * A Service-style selector (a plain map): every key must be present with that value.
 * An empty map selects everything; callers decide what an absent selector means
 * (a Service without a selector gets no managed endpoints).
 */
export function matchesMap(labels: Record<string, string> | undefined, selector: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels?.[key] !== value) return false;
  }
  return true;
}

/**
 * A full LabelSelector (matchLabels and matchExpressions, ANDed). Unknown operators
 * select nothing, as the API server would have rejected them.
 */
export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector): boolean {
  if (selector.matchLabels && !matchesMap(labels, selector.matchLabels)) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const present = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, expression.key);
    const value = labels?.[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!present || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (present && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

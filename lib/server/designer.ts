import 'server-only';
import { ClusterError, listDestinationRules, listServices, type ServiceSummary } from '@/lib/kube';
import type { K8sDestinationRule } from '@/lib/wire';
import { resolveHost } from '@/lib/split/hosts';

/** A DestinationRule's subsets, keyed by the fully qualified host they apply to. */
export interface SubsetChoice {
  host: string;
  namespace: string;
  rule: string;
  subsets: { name: string; labels: Record<string, string> }[];
}

/** What the destination picker offers: Services of the namespace (with ports) and known subsets. */
export interface PickerData {
  namespace: string;
  services: ServiceSummary[];
  subsets: SubsetChoice[];
}

export async function getPickerData(namespace: string): Promise<PickerData> {
  const [services, rules] = await Promise.all([listServices(namespace), readableRules(namespace)]);
  const subsets = rules
    .map((rule) => {
      const ruleNamespace = rule.metadata?.namespace ?? '';
      const host = typeof rule.spec?.host === 'string' ? resolveHost(rule.spec.host, ruleNamespace) : '';
      const list = Array.isArray(rule.spec?.subsets) ? rule.spec.subsets : [];
      return {
        host,
        namespace: ruleNamespace,
        rule: rule.metadata?.name ?? '',
        subsets: list.filter((s) => typeof s.name === 'string').map((s) => ({ name: s.name ?? '', labels: s.labels ?? {} })),
      };
    })
    .filter((choice) => choice.host && choice.subsets.length > 0);
  return { namespace, services, subsets };
}

/** Every DestinationRule the identity may list; only this namespace's when cluster-wide reads are forbidden. */
async function readableRules(namespace: string): Promise<K8sDestinationRule[]> {
  try {
    return await listDestinationRules({});
  } catch (error) {
    if (error instanceof ClusterError && error.status === 403) return listDestinationRules({ namespace });
    throw error;
  }
}

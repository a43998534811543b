/**
 * The `large` scenario, generated: many namespaces of Services each split by a
 * VirtualService, for benchmarks of the runtime (start time, memory) and of the
 * dashboard's lists. Every Service `svc-<i>` has one Deployment answering
 * `<namespace>/svc-<i>`; its VirtualService sends 90 % to itself and 10 % to the next
 * Service of the namespace, so every route is a real split with distinct answers.
 */

export interface LargeScenarioOptions {
  namespaces?: number;
  servicesPerNamespace?: number;
}

/** The manifests of the large scenario (20 namespaces × 50 Services by default). */
export function generateLargeScenario(options: LargeScenarioOptions = {}): Record<string, unknown>[] {
  const namespaces = options.namespaces ?? 20;
  const services = options.servicesPerNamespace ?? 50;
  const out: Record<string, unknown>[] = [];
  for (let n = 0; n < namespaces; n += 1) {
    const namespace = `team-${String(n).padStart(2, '0')}`;
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } } });
    for (let s = 0; s < services; s += 1) {
      const name = `svc-${String(s).padStart(2, '0')}`;
      const next = `svc-${String((s + 1) % services).padStart(2, '0')}`;
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { app: name } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name, version: 'v1' }, annotations: { 'splitscope.dev/answer': `${namespace}/${name}\n` } },
            spec: { containers: [{ name: 'app', image: 'httpd:alpine', ports: [{ containerPort: 8080, name: 'http' }] }] },
          },
        },
      });
      out.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace, labels: { app: name } },
        spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
      });
      out.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name, namespace },
        spec: {
          hosts: [name],
          http: [
            {
              route: [
                { destination: { host: name, port: { number: 80 } }, weight: 90 },
                { destination: { host: next, port: { number: 80 } }, weight: 10 },
              ],
            },
          ],
        },
      });
    }
  }
  return out;
}

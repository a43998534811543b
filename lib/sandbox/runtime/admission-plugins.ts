/**
 * The runtime's admission plugins, registered on the REST layer's chain at start-up:
 * Istio's sidecar injector (mutating, pods), Istio's validation webhook (validating,
 * VirtualServices) and the Service cluster-IP allocator (what the API server's Service
 * registry does on create). The chain cannot unregister, so each plugin goes inert once
 * its runtime stops.
 */
import { AdmissionDeniedError, type AdmissionChain } from '../admission';
import { RESOURCES, type Informers } from './controllers/context';
import { injectSidecar, injectionDecision } from './istio/injection';
import { VALIDATION_WEBHOOK, denialMessage, virtualServiceErrors } from './istio/validation';
import { istioRevisions } from './istio/version';
import { isRecord } from './util';

/** Service IPs come from 10.96.0.0/16 as on a kubeadm cluster; traffic to them only ever reaches the mesh proxy. */
function allocateClusterIp(used: Set<string>): string {
  for (let n = 10; n < 65_534; n += 1) {
    const ip = `10.96.${n >> 8}.${n & 255}`;
    if ((n & 255) !== 0 && (n & 255) !== 255 && !used.has(ip)) return ip;
  }
  throw new AdmissionDeniedError('service-ip-allocator', 'Internal error occurred: failed to allocate a serviceIP: range is full', 500);
}

export function registerAdmissionPlugins(
  admission: AdmissionChain,
  informers: Informers,
  istioVersion: () => string,
): { disable(): void } {
  let enabled = true;

  admission.register('sidecar-injector.istio.io', [RESOURCES.pods], (request) => {
    if (!enabled || request.operation !== 'CREATE') return request.object;
    const pod = request.object;
    const namespace = request.namespace ?? pod.metadata?.namespace ?? 'default';
    const spec = isRecord(pod.spec) ? pod.spec : {};
    const decision = injectionDecision({
      namespace,
      namespaceLabels: informers.namespaces.get(undefined, namespace)?.metadata.labels ?? {},
      podLabels: pod.metadata?.labels ?? {},
      podAnnotations: pod.metadata?.annotations ?? {},
      hostNetwork: spec.hostNetwork === true,
      revisions: istioRevisions(informers.deployments),
    });
    return decision.inject ? injectSidecar(pod, istioVersion(), decision.revision) : pod;
  });

  admission.register(VALIDATION_WEBHOOK, [RESOURCES.virtualservices], (request) => {
    if (!enabled) return request.object;
    const errors = virtualServiceErrors(request.object.spec, istioVersion());
    if (errors.length > 0) throw new AdmissionDeniedError(VALIDATION_WEBHOOK, denialMessage(errors));
    return request.object;
  });

  admission.register('service-ip-allocator', [RESOURCES.services], (request) => {
    if (!enabled || request.operation !== 'CREATE') return request.object;
    const service = structuredClone(request.object);
    const spec = isRecord(service.spec) ? service.spec : {};
    service.spec = spec;
    spec.type ??= 'ClusterIP';
    if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
      const used = new Set(informers.services.list().map((s) => s.spec?.clusterIP).filter((ip): ip is string => ip !== undefined));
      spec.clusterIP = allocateClusterIp(used);
    }
    if (typeof spec.clusterIP === 'string') spec.clusterIPs ??= [spec.clusterIP];
    spec.sessionAffinity ??= 'None';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
    if (Array.isArray(spec.ports)) {
      spec.ports = spec.ports.map((port) =>
        isRecord(port) ? { protocol: 'TCP', ...port, targetPort: port.targetPort ?? port.port } : port,
      );
    }
    return service;
  });

  return {
    disable() {
      enabled = false;
    },
  };
}

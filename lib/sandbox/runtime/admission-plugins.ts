/**
 * The runtime's admission plugins, registered on the REST layer's chain at start-up:
 * Istio's sidecar injector (mutating, pods) and Istio's validation webhook (validating,
 * VirtualServices). (Service cluster IPs are the store defaulter's, lib/sandbox/api/defaults.ts;
 * the API server's own plugins, such as ServiceAccount, lib/sandbox/api/builtin-admission.ts.)
 * The chain cannot unregister, so each plugin goes inert once its runtime stops.
 */
import { AdmissionDeniedError, type AdmissionChain } from '../admission';
import { RESOURCES, type Informers } from './controllers/context';
import { injectSidecar, injectionDecision } from './istio/injection';
import { VALIDATION_WEBHOOK, denialMessage, virtualServiceErrors } from './istio/validation';
import { istioRevisions } from './istio/version';
import { isRecord } from './util';

/** Registers the runtime's plugins on `admission`; `disable` makes them pass everything through. */
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
  }, 'validating');

  return {
    disable() {
      enabled = false;
    },
  };
}

/**
 * Admission in the sandbox: what admission plugins and webhooks are to a real API
 * server. The REST layer runs every registered plugin on each create and update
 * (including dry runs), in the real server's order: the mutating ones (built-in plugins
 * such as ServiceAccount first, then webhooks such as Istio's sidecar injector) before
 * its own validation, the validating ones after it, each phase in registration order. A
 * plugin returns the object to store (possibly changed, as the sidecar injector does) or
 * throws an AdmissionDeniedError, which the REST layer turns into a Kubernetes `Status`
 * with the plugin's code and message, exactly as a webhook denial reads.
 */
import type { K8sObject } from '../wire';
import type { ResourceName } from './store';

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE';
  resource: ResourceName;
  /** The API version the client used, e.g. `v1alpha3` for a VirtualService. */
  version: string;
  namespace: string | undefined;
  object: K8sObject;
  oldObject?: K8sObject;
  dryRun: boolean;
}

export class AdmissionDeniedError extends Error {
  constructor(
    /** Name of the denying plugin, shown as a webhook name would be. */
    readonly plugin: string,
    message: string,
    /** HTTP status of the denial; webhooks answer 400 unless they say otherwise. */
    readonly code = 400,
  ) {
    super(message);
    this.name = 'AdmissionDeniedError';
  }
}

export type AdmissionPlugin = (request: AdmissionRequest) => K8sObject;

/** Mutating plugins may change the object and run before validation; validating ones after it. */
export type AdmissionPhase = 'mutating' | 'validating';

/** The chain the REST layer runs; the API server and the runtime register their plugins at start-up. */
export class AdmissionChain {
  private readonly plugins: { name: string; resources: ResourceName[]; run: AdmissionPlugin; phase: AdmissionPhase }[] = [];

  register(name: string, resources: ResourceName[], run: AdmissionPlugin, phase: AdmissionPhase = 'mutating'): void {
    this.plugins.push({ name, resources, run, phase });
  }

  /** Runs the plugins of one phase, or of both (mutating first) when none is named. */
  admit(request: AdmissionRequest, phase?: AdmissionPhase): K8sObject {
    let object = request.object;
    for (const current of phase ? [phase] : (['mutating', 'validating'] as const)) {
      for (const plugin of this.plugins) {
        if (plugin.phase !== current || !plugin.resources.includes(request.resource)) continue;
        object = plugin.run({ ...request, object });
      }
    }
    return object;
  }
}

/**
 * Admission in the sandbox: what mutating and validating webhooks are to a real API
 * server. The REST layer runs every registered plugin, in order, on each create and
 * update (including dry runs) after its own validation and before storing. A plugin
 * returns the object to store (possibly changed, as the sidecar injector does) or
 * throws an AdmissionDeniedError, which the REST layer turns into a Kubernetes
 * `Status` with the plugin's code and message, exactly as a webhook denial reads.
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

/** The chain the REST layer runs; controllers register their plugins at start-up. */
export class AdmissionChain {
  private readonly plugins: { name: string; resources: ResourceName[]; run: AdmissionPlugin }[] = [];

  register(name: string, resources: ResourceName[], run: AdmissionPlugin): void {
    this.plugins.push({ name, resources, run });
  }

  admit(request: AdmissionRequest): K8sObject {
    let object = request.object;
    for (const plugin of this.plugins) {
      if (!plugin.resources.includes(request.resource)) continue;
      object = plugin.run({ ...request, object });
    }
    return object;
  }
}

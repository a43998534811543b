/**
 * Istio's sidecar injector, as a mutating admission plugin on pod CREATE.
 *
 * Whether a pod gets a sidecar is decided in two stages, both reproduced here:
 * 1. the API server calls the webhook only when one of the four entries of Istio's
 *    MutatingWebhookConfiguration matches (namespace and object selectors on the labels
 *    `istio-injection`, `istio.io/rev` and `sidecar.istio.io/inject`);
 * 2. the webhook's own policy (`injectRequired`, policy `enabled`) then skips
 *    hostNetwork pods and system namespaces, and reads `sidecar.istio.io/inject` from
 *    the pod's label, or else its legacy annotation: y/yes/true/on inject, any other
 *    non-empty value does not, absent means inject.
 * So a namespace labelled `istio-injection=disabled` wins over a pod's `inject: "true"`
 * (no entry matches), and the legacy annotation alone can only opt out, never in.
 *
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 * @see https://github.com/istio/istio/blob/master/pkg/kube/inject/inject.go (injectRequired)
 * @see https://github.com/istio/istio/blob/master/manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml
 */
import type { K8sObject } from '../../../wire';
import { isRecord } from '../util';

/** The pod label (and legacy annotation) that asks for or refuses a sidecar. */
export const INJECT_LABEL = 'sidecar.istio.io/inject';
/** The annotation a real injection leaves on the pod; tools read it to tell injected pods. */
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
/** Asks for istio-proxy as a Kubernetes native sidecar (an init container with restartPolicy Always). */
export const NATIVE_SIDECAR_ANNOTATION = 'sidecar.istio.io/nativeSidecar';
const NAMESPACE_INJECTION = 'istio-injection';
const REVISION = 'istio.io/rev';

/**
 * Namespaces the injector never touches: Istio's own ignore list, plus `istio-system`,
 * which in a real cluster stays uninjected because it carries no injection label and
 * istiod's pods opt out; the sandbox makes that a rule so no scenario can get it wrong.
 */
export const NEVER_INJECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'istio-system'];

/** What the injection decision reads about a pod and its namespace. */
export interface InjectionInput {
  namespace: string;
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  hostNetwork: boolean;
  /** Revisions with a control plane (`default` and any `istio.io/rev` of an istiod). */
  revisions: Set<string>;
}

/** Whether a pod gets a sidecar, and why. */
export interface InjectionDecision {
  inject: boolean;
  /** The webhook entry that matched, or why none did / the policy said no. */
  reason: string;
  revision: string;
}

/** Stage 1: which webhook entry the API server calls, if any. */
function matchingWebhook(input: InjectionInput): { name: string; revision: string } | undefined {
  const nsInjection = input.namespaceLabels[NAMESPACE_INJECTION];
  const nsRevision = input.namespaceLabels[REVISION];
  const podInject = input.podLabels[INJECT_LABEL];
  const podRevision = input.podLabels[REVISION];
  const notFalse = podInject !== 'false';
  if (nsRevision !== undefined && input.revisions.has(nsRevision) && nsInjection === undefined && notFalse) {
    return { name: 'rev.namespace.sidecar-injector.istio.io', revision: nsRevision };
  }
  if (nsRevision === undefined && nsInjection === undefined && notFalse && podRevision !== undefined && input.revisions.has(podRevision)) {
    return { name: 'rev.object.sidecar-injector.istio.io', revision: podRevision };
  }
  if (nsInjection === 'enabled' && notFalse) return { name: 'namespace.sidecar-injector.istio.io', revision: 'default' };
  if (nsInjection === undefined && nsRevision === undefined && podInject === 'true' && podRevision === undefined) {
    return { name: 'object.sidecar-injector.istio.io', revision: 'default' };
  }
  return undefined;
}

/** Whether Istio would inject a sidecar into the pod described by `input`, and why. */
export function injectionDecision(input: InjectionInput): InjectionDecision {
  const webhook = matchingWebhook(input);
  if (!webhook) return { inject: false, reason: 'no injection webhook selects this pod and namespace', revision: '' };
  if (input.hostNetwork) return { inject: false, reason: 'hostNetwork pods are never injected', revision: webhook.revision };
  if (NEVER_INJECTED_NAMESPACES.includes(input.namespace)) {
    return { inject: false, reason: `namespace ${input.namespace} is never injected`, revision: webhook.revision };
  }
  // The label is the current API; when both are present the label wins.
  const selector = input.podLabels[INJECT_LABEL] ?? input.podAnnotations[INJECT_LABEL] ?? '';
  const value = selector.toLowerCase();
  if (value === '' || ['y', 'yes', 'true', 'on'].includes(value)) {
    return { inject: true, reason: webhook.name, revision: webhook.revision };
  }
  return { inject: false, reason: `${INJECT_LABEL}: "${selector}"`, revision: webhook.revision };
}

function holdsApplication(annotations: Record<string, string>): boolean {
  return /"?holdApplicationUntilProxyStarts"?\s*:\s*true/.test(annotations['proxy.istio.io/config'] ?? '');
}

function proxyContainer(version: string, native: boolean): Record<string, unknown> {
  return {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${version}`,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istio' },
      { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
      { name: 'INSTANCE_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 },
    securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    ...(native ? { restartPolicy: 'Always' } : {}),
  };
}

function initContainer(version: string): Record<string, unknown> {
  return {
    name: 'istio-init',
    image: `docker.io/istio/proxyv2:${version}`,
    args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'],
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, runAsUser: 0, runAsNonRoot: false },
  };
}

/**
 * `pod` with the sidecar Istio `version` injects: the `istio-init` init container, the
 * `istio-proxy` container (or, with `sidecar.istio.io/nativeSidecar: "true"`, a native
 * sidecar init container), and the labels and annotations a real injection adds, above
 * all `sidecar.istio.io/status`, which is how tools tell an injected pod.
 */
export function injectSidecar(pod: K8sObject, version: string, revision: string): K8sObject {
  const out = structuredClone(pod);
  const spec = isRecord(out.spec) ? out.spec : {};
  out.spec = spec;
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isRecord) : [];
  const initContainers = Array.isArray(spec.initContainers) ? spec.initContainers.filter(isRecord) : [];
  if ([...containers, ...initContainers].some((c) => c.name === 'istio-proxy')) return pod; // injected already
  const metadata = out.metadata ?? {};
  out.metadata = metadata;
  const labels = { ...(metadata.labels ?? {}) };
  const annotations = { ...(metadata.annotations ?? {}) };
  const native = annotations[NATIVE_SIDECAR_ANNOTATION] === 'true';
  const appContainer = containers.find((c) => typeof c.name === 'string')?.name;
  const proxy = proxyContainer(version, native);
  spec.initContainers = native ? [...initContainers, initContainer(version), proxy] : [...initContainers, initContainer(version)];
  if (!native) spec.containers = holdsApplication(annotations) ? [proxy, ...containers] : [...containers, proxy];
  const volumes = ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'];
  annotations[STATUS_ANNOTATION] = JSON.stringify({
    initContainers: native ? ['istio-init', 'istio-proxy'] : ['istio-init'],
    containers: native ? null : ['istio-proxy'],
    volumes,
    imagePullSecrets: null,
    revision,
  });
  if (typeof appContainer === 'string') {
    annotations['kubectl.kubernetes.io/default-container'] = appContainer;
    annotations['kubectl.kubernetes.io/default-logs-container'] = appContainer;
  }
  annotations['istio.io/rev'] = revision;
  annotations['prometheus.io/path'] = '/stats/prometheus';
  annotations['prometheus.io/port'] = '15020';
  annotations['prometheus.io/scrape'] = 'true';
  const workload = labels['app.kubernetes.io/name'] ?? labels.app ?? metadata.generateName?.replace(/-[a-z0-9]+-$/, '') ?? metadata.name ?? '';
  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] = labels['service.istio.io/canonical-name'] ?? workload;
  labels['service.istio.io/canonical-revision'] =
    labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  metadata.labels = labels;
  metadata.annotations = annotations;
  const existingVolumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  spec.volumes = [...existingVolumes, ...volumes.map((name) => ({ name, emptyDir: {} }))];
  return out;
}

/** True when a pod (as stored) carries an Istio sidecar, read as tools read it. */
export function hasSidecar(pod: K8sObject): boolean {
  return pod.metadata?.annotations?.[STATUS_ANNOTATION] !== undefined;
}

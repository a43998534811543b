/**
 * The kube-apiserver's own mutating admission plugins that change what a pod looks like
 * once stored (plugin/pkg/admission in kubernetes): ServiceAccount, Priority and
 * DefaultTolerationSeconds, with the real defaults. Registered first on the sandbox's
 * admission chain, so they run before webhooks (Istio's sidecar injector) for pods from
 * the REST API and from the runtime's controllers alike.
 *
 * Known debt:
 * - the sandbox serves no ServiceAccounts: the pod's account is not looked up (a real
 *   server refuses a pod whose account does not exist), its `automountServiceAccountToken`
 *   and `imagePullSecrets` are taken as unset.
 * - the sandbox serves no PriorityClasses: only the two system classes are known; any
 *   other `priorityClassName` is refused, as on a cluster where nobody created it.
 */
import { randomInt } from 'node:crypto';
import type { K8sObject } from '../../wire';
import type { AdmissionChain, AdmissionRequest } from '../admission';
import { forbidden } from './status';

const PODS = 'pods';

/** Where the ServiceAccount plugin mounts the API token (`DefaultAPITokenMountPath`). */
export const SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The token volume's name prefix (`ServiceAccountVolumeName`). */
const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
/** `utilrand.String`'s alphabet, which names the token volume. */
const RANDOM_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The system PriorityClasses every cluster has, with their values. */
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/** The taints a pod tolerates for 300 s unless it says otherwise (DefaultTolerationSeconds). */
const DEFAULT_TOLERATION_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];
const DEFAULT_TOLERATION_SECONDS = 300;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i += 1) out += RANDOM_ALPHABET[randomInt(RANDOM_ALPHABET.length)];
  return out;
}

/** The projected volume of `TokenVolumeSource()`, with the API's defaultMode. */
function tokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  };
}

/**
 * ServiceAccount (on create): `default` when no account is named, and the API token
 * mounted into every container and init container that has nothing at the token path,
 * unless `automountServiceAccountToken: false`.
 */
function admitServiceAccount(pod: K8sObject): void {
  const spec = isRecord(pod.spec) ? pod.spec : undefined;
  if (!spec || (isRecord(pod.metadata?.annotations) && 'kubernetes.io/config.mirror' in pod.metadata.annotations)) return;
  if (typeof spec.serviceAccountName !== 'string' || spec.serviceAccountName === '') {
    spec.serviceAccountName = 'default';
    spec.serviceAccount = 'default';
  }
  if (spec.automountServiceAccountToken === false) return;
  const volumes = records(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX));
  const volumeName = typeof existing?.name === 'string' ? existing.name : `${TOKEN_VOLUME_PREFIX}${randomSuffix()}`;
  let mounted = false;
  for (const list of ['initContainers', 'containers']) {
    for (const container of records(spec[list])) {
      const mounts = records(container.volumeMounts);
      if (mounts.some((m) => m.mountPath === SERVICE_ACCOUNT_TOKEN_PATH)) continue;
      container.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_TOKEN_PATH }];
      mounted = true;
    }
  }
  if (mounted && !existing) spec.volumes = [...(Array.isArray(spec.volumes) ? spec.volumes : []), tokenVolume(volumeName)];
}

/**
 * Priority: on create, the priority of the pod's class (0 without one, there being no
 * default class) and `PreemptLowerPriority`; on update, what the stored pod had.
 */
function admitPriority(request: AdmissionRequest, pod: K8sObject): void {
  const spec = isRecord(pod.spec) ? pod.spec : undefined;
  if (!spec) return;
  const name = pod.metadata?.name ?? '';
  if (request.operation === 'UPDATE') {
    const before = isRecord(request.oldObject?.spec) ? request.oldObject.spec : {};
    if (spec.priority === undefined && before.priority !== undefined) spec.priority = before.priority;
    if (spec.preemptionPolicy === undefined && before.preemptionPolicy !== undefined) spec.preemptionPolicy = before.preemptionPolicy;
    return;
  }
  const className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
  const priority = className === '' ? 0 : SYSTEM_PRIORITY_CLASSES[className];
  if (priority === undefined) throw forbidden({ group: '', resource: PODS }, name, `no PriorityClass with name ${className} was found`);
  if (spec.priority !== undefined && spec.priority !== priority) {
    throw forbidden(
      { group: '', resource: PODS },
      name,
      `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  spec.priority = priority;
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== 'PreemptLowerPriority') {
    throw forbidden(
      { group: '', resource: PODS },
      name,
      `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`,
    );
  }
  spec.preemptionPolicy = 'PreemptLowerPriority';
}

/** DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for 300 s, unless some toleration covers them. */
function admitDefaultTolerations(pod: K8sObject): void {
  const spec = isRecord(pod.spec) ? pod.spec : undefined;
  if (!spec) return;
  const tolerations = records(spec.tolerations);
  const added = DEFAULT_TOLERATION_TAINTS.filter(
    (taint) => !tolerations.some((t) => (t.key === taint || !t.key) && (t.effect === 'NoExecute' || !t.effect)),
  ).map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
  if (added.length > 0) spec.tolerations = [...(Array.isArray(spec.tolerations) ? spec.tolerations : []), ...added];
}

/** Registers the API server's built-in plugins on `admission`; call before anything else registers. */
export function registerBuiltinAdmission(admission: AdmissionChain): void {
  admission.register('ServiceAccount', [PODS], (request) => {
    if (request.operation !== 'CREATE') return request.object;
    const pod = structuredClone(request.object);
    admitServiceAccount(pod);
    return pod;
  });
  admission.register('Priority', [PODS], (request) => {
    const pod = structuredClone(request.object);
    admitPriority(request, pod);
    return pod;
  });
  admission.register('DefaultTolerationSeconds', [PODS], (request) => {
    const pod = structuredClone(request.object);
    admitDefaultTolerations(pod);
    return pod;
  });
}

/**
 * The prober pod: a stock image running the prober script (script.ts), labelled so that
 * Splitscope can find and clean up its pods, with a deadline, small resources and no
 * privileges.
 */
import type { K8sPod } from '../wire';
import { PROBE_SCRIPT, probeEnv } from './script';
import { checkProbeSpec, PROBE_IMAGE, PROBE_IMAGE_GID, PROBE_IMAGE_UID, ProbeSpecError, type ProbeSpec } from './spec';

/** Label on everything Splitscope creates. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'splitscope';
/** Label carrying the probe id: selects a probe's pod, and all probe pods (exists). */
export const PROBE_LABEL = 'splitscope.dev/probe';
/**
 * Pod label asking Istio's injector for a sidecar ("true") or for none ("false"). A label,
 * not the older annotation, since Istio 1.10; it cannot override a namespace labelled
 * istio-injection=disabled.
 * @see https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 */
export const SIDECAR_INJECT_LABEL = 'sidecar.istio.io/inject';
/**
 * Holds the prober until its proxy is ready, so that the first requests already go through it.
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig
 */
export const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';
export const PROBE_CONTAINER = 'probe';

/** Name of a probe's pod. */
export function probePodName(id: string): string {
  return `splitscope-probe-${id}`;
}

/**
 * The pod for a probe. Throws ProbeSpecError when the spec is out of bounds.
 *
 * Security settings are on the container, not the pod: a pod-level runAsNonRoot would also
 * bind the istio-init container the injector adds, which runs as root to set up iptables.
 */
export function buildProbePod(spec: ProbeSpec): K8sPod {
  const problems = checkProbeSpec(spec);
  if (problems.length > 0) throw new ProbeSpecError(problems);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: probePodName(spec.id),
      namespace: spec.namespace,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY,
        'app.kubernetes.io/name': 'splitscope-probe',
        [PROBE_LABEL]: spec.id,
        [SIDECAR_INJECT_LABEL]: spec.sidecar ? 'true' : 'false',
      },
      ...(spec.sidecar ? { annotations: { [PROXY_CONFIG_ANNOTATION]: JSON.stringify({ holdApplicationUntilProxyStarts: true }) } } : {}),
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: spec.deadlineSeconds,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: PROBE_CONTAINER,
          image: spec.image ?? PROBE_IMAGE,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', PROBE_SCRIPT],
          env: probeEnv(spec),
          resources: {
            requests: { cpu: '50m', memory: '16Mi' },
            limits: { cpu: '500m', memory: '64Mi' },
          },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: PROBE_IMAGE_UID,
            runAsGroup: PROBE_IMAGE_GID,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
        },
      ],
    },
  };
}

/**
 * A pod's status as the kubelet reports it, computed from what the sandbox's kubelet
 * knows of its containers (pure). Phase, conditions and container statuses follow the
 * kubelet's rules closely enough that `kubectl get pods` reads the same as on a node.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
 */
import { isRecord, nowIso } from '../util';

/** A container's state, as containerStatuses[].state reads. */
export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | {
      terminated: {
        exitCode: number;
        reason: string;
        message?: string;
        startedAt?: string;
        finishedAt: string;
        containerID?: string;
        signal?: number;
      };
    };

/** What the status needs to know of a container. */
export interface ContainerView {
  name: string;
  image: string;
  /** Listed under initContainerStatuses (istio-init, a native istio-proxy). */
  init: boolean;
  /** A native sidecar (init container with restartPolicy Always): its exit code does not decide the phase. */
  sidecar: boolean;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  restartCount: number;
  containerId: string;
  /** Terminated and never to run again. */
  finished: boolean;
  /** Has run at least once (a waiting container that never started keeps the pod Pending). */
  started: boolean;
}

/** What the status needs to know of a pod. */
export interface PodView {
  ip: string;
  startTime: string;
  containers: ContainerView[];
  /** A pod-level failure (DeadlineExceeded, the node restarted). */
  failure?: { reason: string; message: string };
}

/** A pod's phase. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

function exitCodeOf(state: ContainerState): number | undefined {
  return 'terminated' in state ? state.terminated.exitCode : undefined;
}

/**
 * Pending until every container has started once; then Running until every regular
 * container (and every native sidecar) has finished for good: Succeeded when the regular
 * ones all exited 0, else Failed. A classic istio-proxy is a regular container, so a pod
 * with one runs on after its app exits until the proxy is told to quit.
 */
export function podPhase(view: PodView): PodPhase {
  if (view.failure) return 'Failed';
  if (view.containers.some((c) => !c.started && !c.finished)) return 'Pending';
  const regular = view.containers.filter((c) => !c.init);
  const sidecars = view.containers.filter((c) => c.sidecar);
  if (regular.every((c) => c.finished) && sidecars.every((c) => c.finished)) {
    return regular.every((c) => exitCodeOf(c.state) === 0) ? 'Succeeded' : 'Failed';
  }
  return 'Running';
}

function previousConditionTime(previous: unknown, type: string, status: string): string | undefined {
  if (!isRecord(previous) || !Array.isArray(previous.conditions)) return undefined;
  const old = previous.conditions.filter(isRecord).find((c) => c.type === type);
  return old && old.status === status && typeof old.lastTransitionTime === 'string' ? old.lastTransitionTime : undefined;
}

function containerStatus(c: ContainerView): Record<string, unknown> {
  return {
    name: c.name,
    state: c.state,
    lastState: c.lastState ?? {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: '',
    containerID: `containerd://${c.containerId}`,
    started: 'running' in c.state,
  };
}

/** The full `status` of a pod; `previous` (the stored status) keeps transition times stable. */
export function renderPodStatus(view: PodView, previous: unknown): Record<string, unknown> {
  const phase = podPhase(view);
  const app = view.containers.filter((c) => !c.init || c.sidecar);
  const allReady = phase === 'Running' && app.every((c) => c.ready);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const condition = (type: string, ok: boolean, reason?: string) => {
    const status = ok ? 'True' : 'False';
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: previousConditionTime(previous, type, status) ?? nowIso(),
      ...(reason && !ok ? { reason } : {}),
    };
  };
  const notReadyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const status: Record<string, unknown> = {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', !completed),
      condition('Initialized', true),
      condition('Ready', allReady, notReadyReason),
      condition('ContainersReady', allReady, notReadyReason),
      condition('PodScheduled', true),
    ],
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: view.ip,
    podIPs: [{ ip: view.ip }],
    startTime: view.startTime,
    qosClass: 'BestEffort',
    containerStatuses: view.containers.filter((c) => !c.init).map(containerStatus),
  };
  const init = view.containers.filter((c) => c.init);
  if (init.length > 0) status.initContainerStatuses = init.map(containerStatus);
  if (view.failure) {
    status.reason = view.failure.reason;
    status.message = view.failure.message;
  }
  return status;
}

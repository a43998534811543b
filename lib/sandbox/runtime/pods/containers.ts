/**
 * What the kubelet keeps about a pod and its containers while it runs them, and the pure
 * decisions about them: what kind of thing a container is (a command, an answer server,
 * the mesh's proxy, nothing), its initial state, and how a pod's containers come back
 * after the sandbox restarts.
 */
import { randomBytes } from 'node:crypto';
import type { Container, Pod } from '../shapes';
import { isRecord, nowIso } from '../util';
import type { AnswerServer } from './answer-server';
import { answerFor } from './answers';
import { commandLineFor, type RunningCommand } from './command';
import type { ContainerState, ContainerView, PodView } from './pod-status';

/** The name of the container Istio injects, which the mesh proxy stands in for. */
export const PROXY_CONTAINER = 'istio-proxy';

/** Reason and message of a command pod the sandbox's restart cut short. */
export const NODE_RESTART = {
  reason: 'NodeRestart',
  message: 'The sandbox (this pod\'s node) restarted while the pod was running its command; the process did not survive.',
};

/** Images the runtime itself stands in for (istiod, Envoy): their containers run nothing. */
const SIMULATED_IMAGES = /(^|\/)istio\/(pilot|proxyv2)(:|@|$)/;

/** How the kubelet runs a container; `done` is an init container that has nothing to do. */
export type Kind = 'command' | 'answer' | 'idle' | 'mesh' | 'done';

/** A container as the kubelet runs it. */
export interface ContainerRun extends ContainerView {
  kind: Kind;
  spec: Container;
  process?: RunningCommand;
  servers: AnswerServer[];
  restartTimer?: NodeJS.Timeout;
}

/** A pod as the kubelet runs it. */
export interface PodRun extends PodView {
  key: string;
  uid: string;
  namespace: string;
  name: string;
  restartPolicy: string;
  cwd: string;
  containers: ContainerRun[];
  deadlineTimer?: NodeJS.Timeout;
  torn: boolean;
  released: boolean;
  /** When the pod started, to the millisecond (startTime is only to the second). */
  startedMs: number;
}

/** A new container id, as a runtime's 64 hex characters. */
export function containerId(): string {
  return randomBytes(32).toString('hex');
}

/** Back-off before restarting a container that exited, as the kubelet grows it: 10 s doubling to 5 min. */
export function restartBackoffMs(restartCount: number): number {
  return Math.min(10_000 * 2 ** restartCount, 300_000);
}

/** What kind of container `spec` is in `pod`; `first` marks the pod's first application container. */
export function containerKind(pod: Pod, spec: Container, first: boolean): Kind {
  if (spec.name === PROXY_CONTAINER) return 'mesh';
  // Istio's own control plane is simulated by the runtime, never run.
  if (SIMULATED_IMAGES.test(spec.image ?? '')) return 'idle';
  if (commandLineFor(pod, spec, {})) return 'command';
  if (answerFor(pod.metadata.annotations, spec, first)) return 'answer';
  return 'idle';
}


/** A container's run record before it starts (an init container without a job is done at once). */
export function newContainer(spec: Container, init: boolean, sidecar: boolean, kind: Kind): ContainerRun {
  const done = kind === 'done';
  const now = nowIso();
  return {
    name: spec.name,
    image: spec.image ?? '',
    init,
    sidecar,
    kind,
    spec,
    state: done
      ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } }
      : { waiting: { reason: 'ContainerCreating' } },
    ready: false,
    restartCount: 0,
    containerId: containerId(),
    finished: done,
    started: done,
    servers: [],
  };
}

/**
 * After a sandbox restart: finished containers stay finished unless their restart policy would
 * rerun them; a command that was running under restartPolicy Never fails the pod.
 */
export function restoreContainers(run: PodRun, previous: Map<string, Record<string, unknown>>): void {
  for (const container of run.containers) {
    const before = previous.get(container.name);
    if (!before) continue;
    container.restartCount = typeof before.restartCount === 'number' ? before.restartCount : 0;
    const t = isRecord(before.state) && isRecord(before.state.terminated) ? before.state.terminated : undefined;
    // Servers come back whatever they were; only finished runs of commands and proxies stay finished.
    if (!t || container.kind === 'answer' || container.kind === 'idle') continue;
    const exitCode = typeof t.exitCode === 'number' ? t.exitCode : 0;
    const policy = container.sidecar ? 'Always' : run.restartPolicy;
    if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)) continue; // it would have been restarted
    const state: ContainerState = {
      terminated: {
        exitCode,
        reason: typeof t.reason === 'string' ? t.reason : 'Completed',
        finishedAt: typeof t.finishedAt === 'string' ? t.finishedAt : nowIso(),
      },
    };
    Object.assign(container, { state, finished: true, started: true, ready: false });
  }
  const lost = run.containers.filter((c) => c.kind === 'command' && !c.finished);
  if (lost.length > 0 && run.restartPolicy === 'Never') {
    run.failure = NODE_RESTART;
    for (const container of run.containers) {
      if (container.finished) continue;
      Object.assign(container, {
        state: { terminated: { exitCode: 137, reason: 'Error', message: NODE_RESTART.message, finishedAt: nowIso() } },
        finished: true,
        started: true,
        ready: false,
      });
    }
  } else {
    for (const container of lost) container.restartCount += 1;
  }
}

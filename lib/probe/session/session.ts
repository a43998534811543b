import 'server-only';
import { EventEmitter } from 'node:events';
import { ClusterError, createPod, deletePod, findPod, followPodLog, getVirtualService, patchVirtualService, type LogFollower } from '@/lib/kube';
import { planResponseTagging, planResponseUntagging } from '@/lib/split/tagging';
import { splitsOf } from '@/lib/split/model';
import type { K8sPod } from '@/lib/wire';
import { changeWeights, createAggregate, ingestLines, type AggregateState } from '../aggregate';
import { buildProbePod, PROBE_CONTAINER, probePodName } from '../pod';
import { probeCount, type ProbeSpec } from '../spec';
import type { ProbeDestination } from '../targets';
import { buildProbeView, type ProbeLifecycle, type ProbeView } from '../view';
import { probeDestinations, type RouteRef } from './target';

/**
 * Known debt:
 * - weight changes are noticed by polling the VirtualService every second (a watch would
 *   be quicker; one second is within the chart's bin width).
 */

/** Annotation on a probe pod that lets a restarted dashboard take the probe up again. */
export const SESSION_ANNOTATION = 'splitscope.dev/probe-session';

/** How often live views are pushed, at most. */
const VIEW_INTERVAL_MS = 250;
/** How often the route's weights are read while a probe runs. */
const WEIGHT_POLL_MS = 1_000;
/** How often a pending pod is looked at. */
const POD_POLL_MS = 500;

/** Everything a session needs to run, and to be resumed from its pod after a restart. */
export interface SessionConfig {
  spec: ProbeSpec;
  destinations: ProbeDestination[];
  route?: RouteRef;
  tolerance: number;
  alpha: number;
  /** The response header the route was tagged with for this probe, if any. */
  taggedHeader?: string;
  notes: string[];
  createdAt: number;
}

function sameWeights(a: readonly ProbeDestination[], b: readonly ProbeDestination[]): boolean {
  return a.length === b.length && a.every((d, i) => d.name === b[i]?.name && d.weight === b[i]?.weight);
}

function terminal(pod: K8sPod | undefined): boolean {
  return pod?.status?.phase === 'Succeeded' || pod?.status?.phase === 'Failed';
}

/** The probe container's exit, when it has one: the log is complete then, whatever the sidecar does. */
function probeExit(pod: K8sPod | undefined): { exitCode: number; reason?: string } | undefined {
  const status = pod?.status?.containerStatuses?.find((c) => c.name === PROBE_CONTAINER);
  const terminated = status?.state?.terminated;
  if (!terminated || typeof terminated !== 'object') return undefined;
  const { exitCode, reason } = terminated as { exitCode?: unknown; reason?: unknown };
  return { exitCode: typeof exitCode === 'number' ? exitCode : 0, ...(typeof reason === 'string' ? { reason } : {}) };
}

/** Pause before following a log again, so a stream that keeps ending cannot spin. */
const REFOLLOW_PAUSE_MS = 500;

function podMessage(pod: K8sPod | undefined): string | undefined {
  if (!pod) return 'The probe pod was deleted.';
  const status = pod.status;
  if (status?.reason === 'DeadlineExceeded') return 'The probe pod reached its deadline (activeDeadlineSeconds) and was stopped.';
  if (status?.phase === 'Failed') return `The probe pod failed${status.reason ? ` (${status.reason})` : ''}${status.message ? `: ${status.message}` : ''}.`;
  return undefined;
}

/**
 * One probe: creates (or resumes) its pod, follows the pod's log, aggregates the lines,
 * notices weight changes of the route, and publishes views. It deletes its pod and
 * removes any response tagging when it ends, however it ends.
 */
export class ProbeSession {
  readonly id: string;
  readonly config: SessionConfig;
  private aggregate: AggregateState;
  private state: ProbeLifecycle = 'pending';
  private message: string | undefined;
  private readonly events = new EventEmitter();
  private follower: LogFollower | undefined;
  private partial = '';
  /** The newest kubelet timestamp read, and how many lines carried it (timestamps repeat). */
  private lastTimestamp = '';
  private linesAtLast = 0;
  /** While re-reading after a re-follow: lines up to here were read already. */
  private replay: { stamp: string; skip: number } | undefined;
  private timers: NodeJS.Timeout[] = [];
  private dirty = true;
  private cachedView: ProbeView | undefined;
  private finishing: Promise<void> | undefined;
  /** The route's destinations as last seen: a difference starts a new segment. */
  private routeDestinations: ProbeDestination[];
  endedAt: number | undefined;

  /**
   * @param lastTagUser whether no other live probe still reads this probe's response tag
   * (compare mode shares one tagging of the route between two probes).
   */
  constructor(
    config: SessionConfig,
    private readonly lastTagUser: (session: ProbeSession) => boolean = () => true,
  ) {
    this.id = config.spec.id;
    this.config = config;
    this.aggregate = createAggregate(config.destinations, { tolerance: config.tolerance, alpha: config.alpha, expectedCount: probeCount(config.spec) });
    this.events.setMaxListeners(0);
    this.routeDestinations = config.destinations;
  }

  get lifecycle(): ProbeLifecycle {
    return this.state;
  }

  get namespace(): string {
    return this.config.spec.namespace;
  }

  get podName(): string {
    return probePodName(this.id);
  }

  /** The current view (built at most once per change). */
  view(): ProbeView {
    if (this.dirty || !this.cachedView) {
      this.cachedView = buildProbeView({ id: this.id, state: this.state, aggregate: this.aggregate, message: this.message });
      this.dirty = false;
    }
    return this.cachedView;
  }

  /** Calls `listener` with a fresh view a few times a second while things change; returns the unsubscribe. */
  subscribe(listener: (view: ProbeView) => void): () => void {
    this.events.on('view', listener);
    return () => this.events.off('view', listener);
  }

  /** Creates the pod and starts following it. */
  async start(): Promise<void> {
    const pod = buildProbePod(this.config.spec);
    pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, [SESSION_ANNOTATION]: JSON.stringify(this.config) } };
    await createPod({ namespace: this.namespace, pod });
    this.run();
  }

  /** Takes up a probe whose pod already exists (after a dashboard restart). */
  resume(): void {
    this.run();
  }

  /** Stops the probe now: deletes the pod, removes tagging. */
  async stop(): Promise<void> {
    await this.finish('stopped', 'Stopped by a user.');
  }

  private run(): void {
    this.every(VIEW_INTERVAL_MS, () => this.publish());
    if (this.config.route) this.every(WEIGHT_POLL_MS, () => this.pollWeights());
    void this.waitAndFollow();
  }

  private every(ms: number, task: () => void | Promise<void>): void {
    const timer = setInterval(() => {
      void Promise.resolve(task()).catch(() => undefined);
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private publish(): void {
    if (!this.dirty) return;
    this.events.emit('view', this.view());
  }

  private touch(): void {
    this.dirty = true;
  }

  private async waitAndFollow(): Promise<void> {
    try {
      for (;;) {
        if (this.finishing) return;
        const pod = await findPod({ namespace: this.namespace, name: this.podName });
        if (!pod) return void (await this.finish('failed', podMessage(pod)));
        const phase = pod.status?.phase;
        if (phase === 'Running' || terminal(pod)) break;
        await new Promise((r) => setTimeout(r, POD_POLL_MS));
      }
      if (this.state === 'pending') {
        this.state = 'running';
        this.touch();
      }
      await this.followUntilEnd();
    } catch (error) {
      await this.finish('failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** Follows the log; a stream that ends while the pod still runs is taken up again where it stopped. */
  private async followUntilEnd(): Promise<void> {
    for (;;) {
      if (this.finishing) return;
      this.replay = this.lastTimestamp ? { stamp: this.lastTimestamp, skip: this.linesAtLast } : undefined;
      this.follower = await followPodLog(
        { namespace: this.namespace, name: this.podName, container: PROBE_CONTAINER, timestamps: true, sinceTime: this.lastTimestamp || undefined },
        (text) => this.ingest(text),
      );
      await this.follower.done;
      this.flushPartial();
      const pod = await findPod({ namespace: this.namespace, name: this.podName });
      const exit = probeExit(pod);
      if (!pod || terminal(pod) || exit) {
        const failed = !pod || pod.status?.phase === 'Failed' || (exit !== undefined && exit.exitCode !== 0);
        const message = exit && exit.exitCode !== 0 ? `The prober exited with code ${exit.exitCode}${exit.reason ? ` (${exit.reason})` : ''}.` : podMessage(pod);
        await this.finish(failed ? 'failed' : 'done', failed ? message : undefined);
        return;
      }
      await new Promise((r) => setTimeout(r, REFOLLOW_PAUSE_MS));
    }
  }

  private ingest(text: string): void {
    const chunk = this.partial + text;
    const lines = chunk.split('\n');
    this.partial = lines.pop() ?? '';
    this.ingestTimestamped(lines);
  }

  private flushPartial(): void {
    if (!this.partial) return;
    const rest = this.partial;
    this.partial = '';
    this.ingestTimestamped([rest]);
  }

  /** Strips the kubelet's timestamps, dropping lines a re-follow reads a second time. */
  private ingestTimestamped(lines: string[]): void {
    const fresh: string[] = [];
    for (const line of lines) {
      const space = line.indexOf(' ');
      const stamp = space > 0 ? line.slice(0, space) : '';
      if (this.replay && stamp) {
        if (stamp < this.replay.stamp) continue;
        if (stamp === this.replay.stamp && this.replay.skip > 0) {
          this.replay.skip -= 1;
          continue;
        }
        this.replay = undefined;
      }
      if (stamp > this.lastTimestamp) {
        this.lastTimestamp = stamp;
        this.linesAtLast = 1;
      } else if (stamp === this.lastTimestamp) {
        this.linesAtLast += 1;
      }
      fresh.push(space > 0 ? line.slice(space + 1) : line);
    }
    if (fresh.length === 0) return;
    this.aggregate = ingestLines(this.aggregate, fresh);
    this.touch();
  }

  private async pollWeights(): Promise<void> {
    const route = this.config.route;
    if (!route || this.finishing) return;
    const vs = await getVirtualService({ namespace: route.namespace, name: route.name });
    const split = splitsOf(vs).find((r) => r.kind === 'http' && r.index === route.index);
    if (!split) return;
    const now = probeDestinations(split);
    if (sameWeights(now, this.routeDestinations)) return;
    this.routeDestinations = now;
    this.aggregate = changeWeights(this.aggregate, { time: Date.now(), destinations: now });
    this.touch();
  }

  private finish(state: ProbeLifecycle, message?: string): Promise<void> {
    if (this.finishing) return this.finishing;
    this.finishing = (async () => {
      for (const timer of this.timers) clearInterval(timer);
      this.timers = [];
      this.follower?.stop();
      this.state = state;
      this.message = message;
      this.endedAt = Date.now();
      this.touch();
      const cleanup: string[] = [];
      try {
        await deletePod({ namespace: this.namespace, name: this.podName });
      } catch (error) {
        cleanup.push(`the probe pod could not be deleted (${error instanceof ClusterError ? error.message : String(error)})`);
      }
      if (this.config.taggedHeader && this.config.route && this.lastTagUser(this)) {
        try {
          await untag(this.config.route, this.config.taggedHeader);
        } catch (error) {
          cleanup.push(`the response tag could not be removed (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      if (cleanup.length > 0) this.message = [this.message, `Clean-up: ${cleanup.join('; ')}.`].filter(Boolean).join(' ');
      this.touch();
      this.publish();
      this.events.emit('end');
    })();
    return this.finishing;
  }

  /** Resolves when the probe has ended (for tests and shutdown). */
  ended(): Promise<void> {
    if (this.endedAt !== undefined && this.finishing) return this.finishing;
    return new Promise((resolve) => this.events.once('end', resolve));
  }
}

/** Adds the per-destination response header to the route, through the lossless edit path. */
export async function tag(route: RouteRef, header: string, names: (d: { host: string; subset?: string; port?: number }) => string): Promise<void> {
  const vs = await getVirtualService({ namespace: route.namespace, name: route.name });
  const plan = planResponseTagging(vs, route.index, header, (d) => names(d));
  if (!plan.ok) throw new Error(plan.findings.map((f) => f.message).join(' '));
  await patchVirtualService({
    namespace: route.namespace,
    name: route.name,
    patch: [{ op: 'replace', path: '/metadata/resourceVersion', value: vs.metadata?.resourceVersion ?? '' }, ...plan.patch],
  });
}

/** Removes exactly what {@link tag} added. */
export async function untag(route: RouteRef, header: string): Promise<void> {
  const vs = await getVirtualService({ namespace: route.namespace, name: route.name });
  const plan = planResponseUntagging(vs, route.index, header);
  if (!plan.ok) throw new Error(plan.findings.map((f) => f.message).join(' '));
  await patchVirtualService({
    namespace: route.namespace,
    name: route.name,
    patch: [{ op: 'replace', path: '/metadata/resourceVersion', value: vs.metadata?.resourceVersion ?? '' }, ...plan.patch],
  });
}

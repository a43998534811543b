/**
 * The sandbox's kubelet: runs every pod of the store on this machine. A pod gets its own
 * loopback IP; a container that answers HTTP gets a real server on that IP and its
 * container port; a container with a command runs it with the machine's `sh` and tools,
 * its output going to the pod's log line by line; an injected `istio-proxy` is "run" by
 * the mesh proxy (no process) and stops when told to quit, as pilot-agent does.
 *
 * Lifecycle follows the kubelet: restartPolicy (Always / OnFailure restart with back-off,
 * Never does not), activeDeadlineSeconds (kill, Failed, DeadlineExceeded), deletion kills
 * the process group, and a restart of the sandbox brings answer servers back while a pod
 * that was running a command under restartPolicy Never is Failed (its process is gone).
 *
 * Known debt:
 * - no probes (readiness = running), no resource limits, no graceful termination period;
 * - a back-off never resets after a long successful run.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PodLogs } from '../../logs';
import { RESOURCES, type ControllerContext } from '../controllers/context';
import { isTerminal } from '../controllers/deployments';
import type { Pod } from '../shapes';
import { isRecord, nowIso } from '../util';
import { WorkQueue, objectKey, splitKey, updateStored } from '../work-queue';
import { AnswerServer, type Listening } from './answer-server';
import { answerFor } from './answers';
import { commandLineFor, runCommand } from './command';
import {
  PROXY_CONTAINER,
  containerId,
  containerKind,
  newContainer,
  restartBackoffMs,
  restoreContainers,
  type ContainerRun,
  type PodRun,
} from './containers';
import { PodIpAllocator } from './pod-ips';
import { POD_UID_VARIABLE, ProcessRecords } from './process-records';
import { renderPodStatus, type ContainerState } from './pod-status';

/** What the kubelet is given by the runtime. */
export interface KubeletOptions {
  ctx: ControllerContext;
  logs: PodLogs;
  /** Where pods get their working directories. */
  dir: string;
  /** Command containers allowed to run at once; more wait (Pending, ContainerCreating). */
  maxCommands: number;
  nodeName: string;
  /** Environment every command container gets (the mesh proxy with the pod's credentials). */
  baseEnv(pod: Pod): Record<string, string>;
}

/** The sandbox's one node agent: runs every pod of the store (see the top of this file). */
export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private readonly ips = new PodIpAllocator();
  private readonly addresses = new Map<string, Listening>();
  private readonly waitingForSlot: { run: PodRun; container: ContainerRun }[] = [];
  private runningCommands = 0;
  private readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;
  private readonly records: ProcessRecords;
  private stopped = false;

  constructor(private readonly options: KubeletOptions) {
    const { informers } = options.ctx;
    this.records = new ProcessRecords(options.dir);
    const leftovers = this.records.killLeftovers();
    if (leftovers > 0) console.warn(`[sandbox kubelet] killed ${leftovers} process group(s) a previous run left behind`);
    this.queue = new WorkQueue('kubelet', (key) => this.sync(key));
    // Pods that were running before a restart keep their IPs: reserve them all before any new pod gets one.
    for (const pod of informers.pods.list()) {
      if (!isTerminal(pod) && pod.status?.podIP) this.ips.reserve(pod.status.podIP);
    }
    this.unsubscribe = informers.pods.subscribe(({ current, previous }) => {
      const pod = current ?? previous;
      if (pod) this.queue.add(objectKey(pod.metadata.namespace, pod.metadata.name));
    });
    for (const pod of informers.pods.list()) this.queue.add(objectKey(pod.metadata.namespace, pod.metadata.name));
  }

  /** Where a pod IP and container port really listen (they differ when binding fell back). */
  resolve(ip: string, port: number): { host: string; port: number } | undefined {
    const listening = this.addresses.get(`${ip}:${port}`);
    return listening ? { host: listening.host, port: listening.port } : undefined;
  }

  /** State of the pod's istio-proxy as the mesh sees it. */
  sidecar(namespace: string, name: string): 'none' | 'running' | 'stopped' {
    const run = this.runs.get(objectKey(namespace, name));
    const proxy = run?.containers.find((c) => c.name === PROXY_CONTAINER);
    if (!run || !proxy) return 'none';
    return 'running' in proxy.state ? 'running' : 'stopped';
  }

  /** pilot-agent's /quitquitquit: the pod's istio-proxy exits 0. False when it was not running. */
  quitSidecar(namespace: string, name: string): boolean {
    const run = this.runs.get(objectKey(namespace, name));
    const proxy = run?.containers.find((c) => c.name === PROXY_CONTAINER);
    if (!run || !proxy || !('running' in proxy.state)) return false;
    this.exited(run, proxy, { exitCode: 0 });
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.queue.stop();
    await Promise.all([...this.runs.values()].map((run) => this.teardown(run, false)));
    this.runs.clear();
  }

  private sync(key: string): void {
    if (this.stopped) return;
    const { namespace, name } = splitKey(key);
    const pod = this.options.ctx.informers.pods.get(namespace, name);
    const run = this.runs.get(key);
    if (run && (!pod || pod.metadata.uid !== run.uid)) {
      this.runs.delete(key);
      void this.teardown(run, true);
    }
    if (!pod || this.runs.has(key) || isTerminal(pod)) return;
    this.admit(pod);
  }

  private admit(pod: Pod): void {
    const namespace = pod.metadata.namespace ?? 'default';
    const key = objectKey(namespace, pod.metadata.name);
    const restarted = pod.status?.startTime !== undefined;
    const ip = restarted && pod.status?.podIP ? pod.status.podIP : this.ips.allocate();
    const uid = pod.metadata.uid ?? '';
    // Made when a command first runs: answer-only pods never need one.
    const cwd = join(this.options.dir, 'pods', `${namespace}_${pod.metadata.name}_${uid.slice(0, 8)}`);
    const initStatuses = pod.status?.['initContainerStatuses'];
    const previous = new Map(
      [...(pod.status?.containerStatuses ?? []), ...(Array.isArray(initStatuses) ? initStatuses : [])]
        .filter(isRecord)
        .map((s) => [String(s.name), s] as const),
    );
    const containers: ContainerRun[] = [];
    const firstApp = pod.spec.containers.find((c) => c.name !== PROXY_CONTAINER)?.name;
    for (const spec of pod.spec.initContainers ?? []) {
      const sidecar = spec.restartPolicy === 'Always';
      containers.push(newContainer(spec, true, sidecar, sidecar ? containerKind(pod, spec, false) : 'done'));
    }
    for (const spec of pod.spec.containers) containers.push(newContainer(spec, false, false, containerKind(pod, spec, spec.name === firstApp)));
    const run: PodRun = {
      key,
      uid,
      namespace,
      name: pod.metadata.name,
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      cwd,
      ip,
      startTime: pod.status?.startTime ?? nowIso(),
      containers,
      torn: false,
      released: false,
      startedMs: pod.status?.startTime ? Date.parse(pod.status.startTime) : Date.now(),
    };
    this.runs.set(key, run);

    if (restarted) restoreContainers(run, previous);
    for (const container of run.containers) if (!container.finished) this.start(run, container);
    this.armDeadline(run, pod.spec.activeDeadlineSeconds);
    this.writeStatus(run, pod.spec.nodeName === undefined);
    // A pod the restart left with nothing to run holds no IP.
    if (run.containers.every((c) => c.finished)) void this.release(run);
  }

  private start(run: PodRun, container: ContainerRun): void {
    if (run.torn || run.failure) return;
    container.containerId = containerId();
    switch (container.kind) {
      case 'mesh':
      case 'idle':
        this.running(container);
        return;
      case 'answer':
        void this.startAnswer(run, container);
        return;
      case 'command':
        if (this.runningCommands >= this.options.maxCommands) {
          container.state = {
            waiting: { reason: 'ContainerCreating', message: `waiting for one of the sandbox's ${this.options.maxCommands} command slots` },
          };
          this.waitingForSlot.push({ run, container });
          return;
        }
        this.startCommand(run, container);
        return;
      case 'done':
        return;
    }
  }

  private running(container: ContainerRun): void {
    container.state = { running: { startedAt: nowIso() } };
    container.ready = true;
    container.started = true;
  }

  private async startAnswer(run: PodRun, container: ContainerRun): Promise<void> {
    const pod = this.options.ctx.informers.pods.get(run.namespace, run.name);
    const firstApp = pod?.spec.containers.find((c) => c.name !== PROXY_CONTAINER)?.name;
    const spec = pod && answerFor(pod.metadata.annotations, container.spec, container.name === firstApp);
    if (!spec) return;
    try {
      for (const port of spec.ports) {
        const server = new AnswerServer(spec, { namespace: run.namespace, pod: run.name, container: container.name });
        container.servers.push(server);
        const listening = await server.start(run.ip, port);
        if (run.torn) return;
        // A port two containers of one pod both declare stays the first one's, as on a node.
        if (!this.addresses.has(`${run.ip}:${port}`)) this.addresses.set(`${run.ip}:${port}`, listening);
        if (listening.fallbackReason) {
          this.options.logs.append(
            run.namespace,
            run.name,
            container.name,
            `[splitscope sandbox] could not listen on ${run.ip}:${port} (${listening.fallbackReason}); ` +
              `answering on ${listening.host}:${listening.port} instead, reached through the mesh proxy\n`,
          );
        }
      }
      this.running(container);
    } catch (error) {
      container.state = {
        terminated: { exitCode: 1, reason: 'Error', message: error instanceof Error ? error.message : String(error), finishedAt: nowIso() },
      };
      container.finished = true;
      container.started = true;
    }
    this.writeStatus(run, false);
  }

  private startCommand(run: PodRun, container: ContainerRun): void {
    const pod = this.options.ctx.informers.pods.get(run.namespace, run.name);
    const line = pod && commandLineFor({ ...pod, status: { ...pod.status, podIP: run.ip } }, container.spec, {
      ...this.options.baseEnv(pod),
      [POD_UID_VARIABLE]: run.uid,
    });
    if (!line) return;
    mkdirSync(run.cwd, { recursive: true });
    this.runningCommands += 1;
    const startedAt = nowIso();
    this.running(container);
    const running = runCommand(line, run.cwd, {
      onOutput: (text) => {
        if (!run.torn) this.options.logs.append(run.namespace, run.name, container.name, text);
      },
      onExit: (result) => {
        this.runningCommands -= 1;
        container.process = undefined;
        if (pgid !== undefined) this.records.remove(pgid);
        this.nextWaiting();
        if ('startError' in result) this.exited(run, container, { exitCode: 128, reason: 'StartError', message: result.startError, startedAt });
        else this.exited(run, container, { exitCode: result.exitCode, startedAt });
      },
    });
    // The child leads its own process group (detached), so its pid is the group's id.
    const pgid = running.child.pid;
    if (pgid !== undefined) this.records.add(pgid, run.uid);
    container.process = running;
  }

  private nextWaiting(): void {
    while (this.runningCommands < this.options.maxCommands) {
      const next = this.waitingForSlot.shift();
      if (!next) return;
      if (next.run.torn || next.run.failure) continue;
      this.startCommand(next.run, next.container);
      this.writeStatus(next.run, false);
    }
  }

  /** A container ended: record it, restart it if the policy says so, and settle the pod. */
  private exited(
    run: PodRun,
    container: ContainerRun,
    result: { exitCode: number; reason?: string; message?: string; startedAt?: string },
  ): void {
    if (run.torn || container.finished) return;
    const terminated: ContainerState = {
      terminated: {
        exitCode: result.exitCode,
        reason: result.reason ?? (result.exitCode === 0 ? 'Completed' : 'Error'),
        ...(result.message ? { message: result.message } : {}),
        ...(result.startedAt ? { startedAt: result.startedAt } : {}),
        finishedAt: nowIso(),
        containerID: `containerd://${container.containerId}`,
      },
    };
    container.ready = false;
    const policy = container.sidecar ? 'Always' : run.restartPolicy;
    const restart = !run.failure && (policy === 'Always' || (policy === 'OnFailure' && result.exitCode !== 0));
    if (restart) {
      const delay = restartBackoffMs(container.restartCount);
      container.lastState = terminated;
      container.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${container.name} pod=${run.name}_${run.namespace}(${run.uid})`,
        },
      };
      container.restartTimer = setTimeout(() => {
        container.restartTimer = undefined;
        container.restartCount += 1;
        this.start(run, container);
        this.writeStatus(run, false);
      }, delay);
      container.restartTimer.unref();
    } else {
      container.state = terminated;
      container.finished = true;
      this.options.logs.close(run.namespace, run.name, container.name);
    }
    // Native sidecars are stopped by the kubelet once every regular container is done.
    const regular = run.containers.filter((c) => !c.init);
    if (regular.every((c) => c.finished)) {
      for (const sidecar of run.containers.filter((c) => c.sidecar && !c.finished)) {
        if (sidecar.restartTimer) clearTimeout(sidecar.restartTimer);
        sidecar.state = { terminated: { exitCode: 0, reason: 'Completed', finishedAt: nowIso() } };
        sidecar.ready = false;
        sidecar.finished = true;
      }
    }
    this.writeStatus(run, false);
    if (run.containers.every((c) => c.finished)) void this.release(run);
  }

  private armDeadline(run: PodRun, seconds: number | undefined): void {
    if (seconds === undefined || run.failure) return;
    const remaining = run.startedMs + seconds * 1000 - Date.now();
    run.deadlineTimer = setTimeout(() => this.deadlineExceeded(run), Math.max(0, remaining));
    run.deadlineTimer.unref();
  }

  private deadlineExceeded(run: PodRun): void {
    if (run.torn || run.containers.every((c) => c.finished)) return;
    run.failure = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
    for (const container of run.containers) {
      if (container.finished) continue;
      container.process?.kill('SIGKILL');
      if (container.restartTimer) clearTimeout(container.restartTimer);
      container.state = {
        terminated: { exitCode: 137, reason: 'Error', finishedAt: nowIso(), containerID: `containerd://${container.containerId}` },
      };
      container.ready = false;
      container.finished = true;
      container.started = true;
      this.options.logs.close(run.namespace, run.name, container.name);
    }
    this.writeStatus(run, false);
    void this.release(run);
  }

  /** Frees what a pod that will not run again holds (servers, IP), keeping its status and logs. */
  private async release(run: PodRun): Promise<void> {
    if (run.released) return;
    run.released = true;
    if (run.deadlineTimer) clearTimeout(run.deadlineTimer);
    for (const container of run.containers) {
      for (const server of container.servers) await server.stop();
      container.servers = [];
    }
    for (const key of [...this.addresses.keys()]) if (key.startsWith(`${run.ip}:`)) this.addresses.delete(key);
    this.ips.release(run.ip);
  }

  /** Ends everything a pod runs; `deleted` also forgets its logs and working directory. */
  private async teardown(run: PodRun, deleted: boolean): Promise<void> {
    run.torn = true;
    if (run.deadlineTimer) clearTimeout(run.deadlineTimer);
    const exits: Promise<void>[] = [];
    for (const container of run.containers) {
      if (container.restartTimer) clearTimeout(container.restartTimer);
      const process = container.process;
      if (process) {
        exits.push(new Promise((resolve) => {
          if (process.child.exitCode !== null || process.child.signalCode !== null) resolve();
          else process.child.once('close', () => resolve());
          setTimeout(resolve, 2_000).unref();
        }));
        process.kill('SIGKILL');
      }
    }
    const index = this.waitingForSlot.findIndex((w) => w.run === run);
    if (index >= 0) this.waitingForSlot.splice(index, 1);
    await Promise.all(exits);
    await this.release(run);
    if (deleted) {
      for (const container of run.containers) this.options.logs.remove(run.namespace, run.name, container.name);
      rmSync(run.cwd, { recursive: true, force: true });
    }
  }

  private writeStatus(run: PodRun, bind: boolean): void {
    if (run.torn || this.stopped) return;
    updateStored(
      this.options.ctx.store,
      RESOURCES.pods,
      run.namespace,
      run.name,
      (object) => {
        if (object.metadata?.uid !== run.uid) return false;
        const status = renderPodStatus(run, object.status);
        let changed = JSON.stringify(status) !== JSON.stringify(object.status);
        object.status = status;
        const spec = object.spec;
        if (bind && isRecord(spec) && spec.nodeName === undefined) {
          spec.nodeName = this.options.nodeName;
          changed = true;
        }
        return changed;
      },
      // A binding and a status write are subresource writes: they leave generation alone.
      { keepGeneration: true },
    );
  }
}

/**
 * Container logs in the sandbox: what the kubelet's log files are to a real cluster.
 * The pod runtime appends what a container prints; the REST layer serves
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log` (with follow, tailLines, sinceSeconds,
 * timestamps) from here. Every line keeps the time it was written so that
 * `timestamps=true` and `sinceSeconds` behave as they do on a real kubelet.
 *
 * Logs live in memory, bounded per container (oldest lines dropped first), and are
 * appended to `<dir>/<namespace>_<pod>_<container>.log` when a directory is given, so
 * that a sandbox restart still serves the logs of pods that ran before it.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface LogLine {
  /** RFC 3339 with nanoseconds, as the kubelet writes it. */
  time: string;
  text: string;
}

/** Lines kept per container; the kubelet rotates too, at 10 MiB by default. */
export const MAX_LINES_PER_CONTAINER = 200_000;

interface ContainerLog {
  lines: LogLine[];
  partial: string;
  closed: boolean;
}

function id(namespace: string, pod: string, container: string): string {
  return `${namespace}_${pod}_${container}`;
}

function nowRfc3339Nano(): string {
  const ms = Date.now();
  const base = new Date(ms).toISOString().slice(0, 19);
  const nanos = String((ms % 1000) * 1_000_000).padStart(9, '0');
  return `${base}.${nanos}Z`;
}

export class PodLogs {
  private readonly logs = new Map<string, ContainerLog>();
  private readonly events = new EventEmitter();

  constructor(private readonly dir?: string) {
    this.events.setMaxListeners(0);
    if (dir) mkdirSync(dir, { recursive: true });
  }

  /** Appends raw output; complete lines become visible, a trailing partial line waits. */
  append(namespace: string, pod: string, container: string, chunk: string): void {
    const log = this.entry(namespace, pod, container);
    const text = log.partial + chunk;
    const parts = text.split('\n');
    log.partial = parts.pop() ?? '';
    if (parts.length === 0) return;
    const time = nowRfc3339Nano();
    const added = parts.map((line) => ({ time, text: line }));
    log.lines.push(...added);
    if (log.lines.length > MAX_LINES_PER_CONTAINER) log.lines.splice(0, log.lines.length - MAX_LINES_PER_CONTAINER);
    if (this.dir) {
      appendFileSync(
        join(this.dir, `${id(namespace, pod, container)}.log`),
        added.map((l) => `${l.time} ${l.text}\n`).join(''),
      );
    }
    this.events.emit(id(namespace, pod, container), added);
  }

  /** Marks the container as finished: followers get the rest and then end. */
  close(namespace: string, pod: string, container: string): void {
    const log = this.entry(namespace, pod, container);
    if (log.partial) this.append(namespace, pod, container, '\n');
    log.closed = true;
    this.events.emit(id(namespace, pod, container), []);
  }

  /** Forgets a container's log (its pod was deleted). */
  remove(namespace: string, pod: string, container: string): void {
    const key = id(namespace, pod, container);
    const log = this.logs.get(key);
    if (log) log.closed = true;
    this.events.emit(key, []);
    this.logs.delete(key);
    if (this.dir) rmSync(join(this.dir, `${key}.log`), { force: true });
  }

  lines(namespace: string, pod: string, container: string): LogLine[] {
    return [...this.entry(namespace, pod, container).lines];
  }

  isClosed(namespace: string, pod: string, container: string): boolean {
    return this.entry(namespace, pod, container).closed;
  }

  /**
   * Calls `onLines` with each batch of new lines until the container closes (then
   * `onEnd`) or the returned function is called.
   */
  follow(
    namespace: string,
    pod: string,
    container: string,
    onLines: (lines: LogLine[]) => void,
    onEnd: () => void,
  ): () => void {
    const key = id(namespace, pod, container);
    const listener = (lines: LogLine[]) => {
      if (lines.length > 0) onLines(lines);
      if (this.logs.get(key)?.closed ?? true) {
        this.events.off(key, listener);
        onEnd();
      }
    };
    this.events.on(key, listener);
    return () => this.events.off(key, listener);
  }

  private entry(namespace: string, pod: string, container: string): ContainerLog {
    const key = id(namespace, pod, container);
    let log = this.logs.get(key);
    if (!log) {
      log = { lines: this.load(key), partial: '', closed: false };
      this.logs.set(key, log);
    }
    return log;
  }

  private load(key: string): LogLine[] {
    if (!this.dir) return [];
    const file = join(this.dir, `${key}.log`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => {
        const space = l.indexOf(' ');
        return { time: l.slice(0, space), text: l.slice(space + 1) };
      })
      .slice(-MAX_LINES_PER_CONTAINER);
  }
}

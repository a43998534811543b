/**
 * Running a container's command for real: what the command line is (the container's
 * command and args, or an image's entrypoint), its environment (the container's env with
 * the downward API fields the sandbox knows, plus the mesh proxy), and a child process
 * in its own process group so that killing the pod kills everything it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Container, Pod } from '../shapes';

/** Entrypoints of images commonly given only `args`. Others are taken to have none. */
const ENTRYPOINTS: { pattern: RegExp; entrypoint: string[] }[] = [
  { pattern: /(^|\/)curlimages\/curl(:|@|$)/, entrypoint: ['curl'] },
  { pattern: /(^|\/)(alpine|busybox|debian|ubuntu)\/?[^/]*$/, entrypoint: [] },
];

/** A command to run: executable, arguments and the whole environment. */
export interface CommandLine {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * `$(VAR)` references in command and args are expanded from the container's env; `$$` is
 * a literal `$`; unknown references stay as written, as the kubelet does.
 *
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#use-environment-variables-to-define-arguments
 */
export function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.prototype.hasOwnProperty.call(env, name) ? (env[name] ?? '') : match;
  });
}

function fieldValue(pod: Pod, path: string): string | undefined {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[labelOrAnnotation[2] ?? ''];
  }
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name;
    case 'metadata.namespace':
      return pod.metadata.namespace;
    case 'metadata.uid':
      return pod.metadata.uid;
    case 'status.podIP':
      return pod.status?.podIP;
    case 'status.hostIP':
      return '127.0.0.1';
    case 'spec.nodeName':
      return pod.spec.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    default:
      return undefined;
  }
}

/**
 * The command line of `container`, or undefined when it runs no command (its image's
 * own server, or nothing). `base` is the environment every container gets (PATH, HOME,
 * the mesh proxy variables); the container's env is layered on top, in order, with
 * `$(VAR)` references to earlier variables expanded.
 */
export function commandLineFor(pod: Pod, container: Container, base: Record<string, string>): CommandLine | undefined {
  if (container.command === undefined && container.args === undefined) return undefined;
  const env: Record<string, string> = { ...base, HOSTNAME: pod.metadata.name };
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom?.fieldRef?.fieldPath;
    const value = variable.value !== undefined ? expandReferences(variable.value, env) : from ? fieldValue(pod, from) : undefined;
    if (value !== undefined) env[variable.name] = value;
  }
  const entrypoint =
    container.command ?? ENTRYPOINTS.find((known) => known.pattern.test(container.image ?? ''))?.entrypoint ?? [];
  const argv = [...entrypoint, ...(container.args ?? [])].map((part) => expandReferences(part, env));
  const [file, ...args] = argv;
  if (file === undefined) return undefined;
  return { file, args, env };
}

/** A started command. */
export interface RunningCommand {
  readonly child: ChildProcess;
  /** Signals the whole process group (the command and everything it started). */
  kill(signal: NodeJS.Signals): void;
}

/** What a running command reports. */
export interface CommandCallbacks {
  onOutput(text: string): void;
  /** Exactly once: the exit code, or the spawn error when the command could not start. */
  onExit(result: { exitCode: number; signal?: NodeJS.Signals } | { startError: string }): void;
}

/** Exit code the kubelet reports for a process killed by `signal`: 128 + its number. */
function codeForSignal(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 9);
}

/** Starts `line` in `cwd` as the leader of a new process group. */
export function runCommand(line: CommandLine, cwd: string, callbacks: CommandCallbacks): RunningCommand {
  // Next.js's global types make NODE_ENV required in every ProcessEnv; a pod's environment
  // rightly has none, and Node itself types env as a plain string map.
  const env = line.env as NodeJS.ProcessEnv;
  const child = spawn(line.file, line.args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let done = false;
  const finish = (result: Parameters<CommandCallbacks['onExit']>[0]) => {
    if (done) return;
    done = true;
    callbacks.onExit(result);
  };
  for (const stream of [child.stdout, child.stderr]) {
    const decoder = new StringDecoder('utf8');
    stream?.on('data', (chunk: Buffer) => callbacks.onOutput(decoder.write(chunk)));
    stream?.on('end', () => {
      const rest = decoder.end();
      if (rest) callbacks.onOutput(rest);
    });
  }
  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  let exit: { exitCode: number; signal?: NodeJS.Signals } | undefined;
  child.on('error', (error) => finish({ startError: error.message }));
  child.on('exit', (code, signal) => {
    exit = signal ? { exitCode: codeForSignal(signal), signal } : { exitCode: code ?? 0 };
    // When a container's main process ends, the container ends: whatever it left running goes too.
    killGroup('SIGKILL');
  });
  // 'close' waits for the output streams too, so every line is in before the exit is told.
  child.on('close', (code, signal) =>
    finish(exit ?? (signal ? { exitCode: codeForSignal(signal), signal } : { exitCode: code ?? 0 })),
  );
  return { child, kill: killGroup };
}

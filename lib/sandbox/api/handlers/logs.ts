/**
 * GET .../pods/{name}/log: a container's output from {@link PodLogs}, as the kubelet
 * serves it through the API server: `container` (required when the pod has several),
 * `follow`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps`, `limitBytes`,
 * `previous`; plain text; the same 400 messages for a missing or unknown container.
 */
import type { K8sObject } from '../../../wire';
import type { LogLine } from '../../logs';
import { badRequest, type FieldError, invalid, notFound } from '../status';
import { type Call, groupResource, requireName, storeNamespace } from './context';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.filter(isRecord).map((c) => String(c.name ?? '')) : [];
}

/** `ValidateContainer` of the pod registry: picks the container or explains why it cannot. */
export function resolveContainer(pod: K8sObject, asked: string): string {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const containers = names(spec.containers);
  const init = names(spec.initContainers);
  const name = pod.metadata?.name ?? '';
  if (!asked) {
    if (containers.length === 1) return containers[0] ?? '';
    if (containers.length === 0) throw badRequest(`pod ${name} does not have a container`);
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
    throw badRequest(message);
  }
  if (!containers.includes(asked) && !init.includes(asked)) {
    throw badRequest(`container ${asked} is not valid for pod ${name}`);
  }
  return asked;
}

/** The kubelet refuses logs of a container that has not started. */
function waitingReason(pod: K8sObject, container: string): string | undefined {
  const status = isRecord(pod.status) ? pod.status : {};
  const statuses = [...(Array.isArray(status.containerStatuses) ? status.containerStatuses : []), ...(Array.isArray(status.initContainerStatuses) ? status.initContainerStatuses : [])].filter(isRecord);
  const own = statuses.find((s) => s.name === container);
  if (!own) return status.phase === 'Pending' || status.phase === undefined ? 'ContainerCreating' : undefined;
  const state = isRecord(own.state) ? own.state : {};
  if (isRecord(state.waiting)) return typeof state.waiting.reason === 'string' ? state.waiting.reason : 'ContainerCreating';
  return undefined;
}

interface LogOptions {
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceMs?: number;
  limitBytes?: number;
  previous: boolean;
}

function intParam(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw badRequest(`${name}: Invalid value: ${JSON.stringify(text)}: strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function options(call: Call, name: string): LogOptions {
  const params = call.url.searchParams;
  const tailLines = intParam(params, 'tailLines');
  const sinceSeconds = intParam(params, 'sinceSeconds');
  const limitBytes = intParam(params, 'limitBytes');
  const sinceTime = params.get('sinceTime');
  const errors: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errors.push({ type: 'FieldValueInvalid', field: 'tailLines', value: tailLines, detail: 'must be greater than or equal to 0' });
  if (limitBytes !== undefined && limitBytes < 1) errors.push({ type: 'FieldValueInvalid', field: 'limitBytes', value: limitBytes, detail: 'must be greater than 0' });
  if (sinceSeconds !== undefined && sinceTime) errors.push({ type: 'FieldValueForbidden', field: 'sinceSeconds', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  if (sinceSeconds !== undefined && sinceSeconds < 1) errors.push({ type: 'FieldValueInvalid', field: 'sinceSeconds', value: sinceSeconds, detail: 'must be greater than 0' });
  if (errors.length > 0) throw invalid({ group: '', kind: 'PodLogOptions' }, name, errors);
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = Date.now() - sinceSeconds * 1000;
  if (sinceTime) {
    const parsed = Date.parse(sinceTime);
    if (Number.isNaN(parsed)) throw badRequest(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
    sinceMs = parsed;
  }
  const flag = (n: string) => params.get(n) === 'true' || params.get(n) === '1';
  return { follow: flag('follow'), timestamps: flag('timestamps'), tailLines, sinceMs, limitBytes, previous: flag('previous') };
}

/** Nanosecond RFC 3339 times compare as instants by their millisecond part here. */
function lineMs(line: LogLine): number {
  return Date.parse(line.time);
}

function render(lines: LogLine[], timestamps: boolean): string {
  return lines.map((l) => (timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`)).join('');
}

export function handleLogs(call: Call): void {
  const name = requireName(call);
  const namespace = storeNamespace(call) ?? '';
  const pod = call.ctx.store.get('pods', namespace, name);
  if (!pod) throw notFound(groupResource(call.type), name);
  const opts = options(call, name);
  const container = resolveContainer(pod, call.url.searchParams.get('container') ?? '');
  if (opts.previous) throw badRequest(`previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} not found`);
  const waiting = waitingReason(pod, container);
  if (waiting && call.ctx.logs.lines(namespace, name, container).length === 0) {
    throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: ${waiting}`);
  }
  let lines = call.ctx.logs.lines(namespace, name, container);
  if (opts.sinceMs !== undefined) {
    const since = opts.sinceMs;
    lines = lines.filter((l) => lineMs(l) >= since);
  }
  if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);

  const res = call.res;
  let budget = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  const write = (text: string): boolean => {
    if (budget <= 0) return false;
    const bytes = Buffer.from(text, 'utf8');
    const chunk = bytes.length > budget ? bytes.subarray(0, budget) : bytes;
    budget -= chunk.length;
    res.write(chunk);
    return budget > 0;
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  const more = write(render(lines, opts.timestamps));
  if (!opts.follow || !more || call.ctx.logs.isClosed(namespace, name, container)) {
    res.end();
    return;
  }
  res.flushHeaders();
  let stop = () => {};
  const finish = () => {
    stop();
    if (!res.writableEnded) res.end();
  };
  const unfollow = call.ctx.logs.follow(
    namespace,
    name,
    container,
    (added) => {
      if (!write(render(added, opts.timestamps))) finish();
    },
    finish,
  );
  const onClose = () => finish();
  call.ctx.closing.addEventListener('abort', onClose);
  stop = () => {
    unfollow();
    call.ctx.closing.removeEventListener('abort', onClose);
  };
  call.req.on('close', finish);
}

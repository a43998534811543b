/**
 * What a probe is asked to do, and the bounds that protect the cluster from a probe asking
 * for too much. The API validates requests against these constants; `checkProbeSpec` is the
 * last line of defence before a pod is built.
 */

/** Requests per second: at least one every ten seconds, at most 500 (curl's --rate stops limiting above 1000/s). */
export const MIN_PROBE_RATE = 0.1;
export const MAX_PROBE_RATE = 500;
/** Requests in one probe. */
export const MAX_PROBE_COUNT = 1_000_000;
/** Duration of one probe's sending phase. */
export const MAX_PROBE_SECONDS = 3600;
/** activeDeadlineSeconds: the probe's own time plus room for pulling the image and the sidecar. */
export const MAX_PROBE_DEADLINE_SECONDS = 4200;
/** Destinations whose fingerprint can be learned, and requests to each. */
export const MAX_PROBE_LEARN = 16;
export const MAX_PROBE_LEARN_REPEAT = 10;
/** Parallel curl processes in the pod. */
export const MAX_PROBE_WORKERS = 8;
/** Per-request timeout, seconds. */
export const MAX_PROBE_TIMEOUT_SECONDS = 60;

/** A stock public image with busybox sh, awk and curl; pinned. Runs as uid 100 (curl_user), gid 101. */
export const PROBE_IMAGE = 'curlimages/curl:8.11.1';
export const PROBE_IMAGE_UID = 100;
export const PROBE_IMAGE_GID = 101;

/** The response header Splitscope sets per destination when tagging is on. */
export const DEFAULT_TAG_HEADER = 'x-splitscope-destination';

export interface ProbeLearnTarget {
  /** Destination name (the same key as the route's destinations). */
  name: string;
  /** URL that reaches only that destination (its own Service, say). */
  url: string;
}

export interface ProbeSpec {
  /** Lower-case DNS label, at most 40 characters: names the pod. */
  id: string;
  namespace: string;
  url: string;
  /** Requests per second. */
  rate: number;
  /** Requests to send; with `seconds` only, rate × seconds. */
  count?: number;
  /** Stop sending after this many seconds. */
  seconds?: number;
  /** true: with an Istio sidecar (the mesh's split); false: without (kube-proxy's). */
  sidecar: boolean;
  learn?: ProbeLearnTarget[];
  /** Header naming the destination, when the route sets one. */
  tagHeader?: string;
  deadlineSeconds: number;
  image?: string;
  /** Parallel workers; `probeWorkers(rate)` when absent. */
  workers?: number;
  /** Per-request timeout (default 5 s). */
  timeoutSeconds?: number;
  /** Requests to each learn URL (default 3). */
  learnRepeat?: number;
}

export interface ProbeSpecProblem {
  field: string;
  message: string;
}

/** Thrown by buildProbePod for a spec that checkProbeSpec rejects. */
export class ProbeSpecError extends Error {
  constructor(readonly problems: readonly ProbeSpecProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'ProbeSpecError';
  }
}

/**
 * Workers for a rate: one curl per 50 requests/s, so that each worker has 20 ms per request
 * (a sequential curl cannot go faster than its latency allows; see docs/probe-line-format.md).
 */
export function probeWorkers(rate: number): number {
  return Math.min(MAX_PROBE_WORKERS, Math.max(1, Math.ceil(rate / 50)));
}

/** Requests the probe sends. */
export function probeCount(spec: Pick<ProbeSpec, 'rate' | 'count' | 'seconds'>): number {
  if (spec.count !== undefined) return spec.count;
  return Math.ceil(spec.rate * (spec.seconds ?? 0));
}

/** Default per-request timeout, seconds. */
export const DEFAULT_PROBE_TIMEOUT_SECONDS = 5;
/** Default requests to each learn URL. */
export const DEFAULT_LEARN_REPEAT = 3;

/**
 * A deadline that leaves the probe room to finish: its sending time with 25 % slack, plus a
 * minute for the image, the sidecar and the learn phase; capped by MAX_PROBE_DEADLINE_SECONDS.
 */
export function suggestDeadlineSeconds(spec: Pick<ProbeSpec, 'rate' | 'count' | 'seconds'>): number {
  const sending = spec.seconds ?? probeCount(spec) / spec.rate;
  return Math.min(MAX_PROBE_DEADLINE_SECONDS, Math.ceil(sending * 1.25) + 60);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Quotes, backslashes and whitespace would break the curl config lines the script writes.
const SAFE_URL = /^https?:\/\/[^\s"'\\]+$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
const NAME = /^[^\x00-\x1f\x7f]{1,128}$/;

function integerIn(value: number | undefined, min: number, max: number): boolean {
  return value === undefined || (Number.isInteger(value) && value >= min && value <= max);
}

/** Everything wrong with a spec, or nothing. */
export function checkProbeSpec(spec: ProbeSpec): ProbeSpecProblem[] {
  const problems: ProbeSpecProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (!DNS_LABEL.test(spec.id) || spec.id.length > 40) add('id', 'must be a lower-case DNS label of at most 40 characters');
  if (!DNS_LABEL.test(spec.namespace) || spec.namespace.length > 63) add('namespace', 'must be a namespace name');
  if (!SAFE_URL.test(spec.url) || spec.url.length > 2048) add('url', 'must be an http(s) URL without spaces, quotes or backslashes');
  if (!(Number.isFinite(spec.rate) && spec.rate >= MIN_PROBE_RATE && spec.rate <= MAX_PROBE_RATE)) {
    add('rate', `must be between ${MIN_PROBE_RATE} and ${MAX_PROBE_RATE} requests per second`);
  }
  if (spec.count === undefined && spec.seconds === undefined) add('count', 'give a count or a number of seconds');
  if (!integerIn(spec.count, 1, MAX_PROBE_COUNT)) add('count', `must be a whole number from 1 to ${MAX_PROBE_COUNT}`);
  if (!integerIn(spec.seconds, 1, MAX_PROBE_SECONDS)) add('seconds', `must be a whole number from 1 to ${MAX_PROBE_SECONDS}`);
  if (spec.count === undefined && spec.seconds !== undefined && Number.isFinite(spec.rate) && probeCount(spec) > MAX_PROBE_COUNT) {
    add('seconds', `rate × seconds exceeds ${MAX_PROBE_COUNT} requests`);
  }
  if (!integerIn(spec.deadlineSeconds, 1, MAX_PROBE_DEADLINE_SECONDS)) {
    add('deadlineSeconds', `must be a whole number from 1 to ${MAX_PROBE_DEADLINE_SECONDS}`);
  }
  if (!integerIn(spec.workers, 1, MAX_PROBE_WORKERS)) add('workers', `must be a whole number from 1 to ${MAX_PROBE_WORKERS}`);
  if (!integerIn(spec.timeoutSeconds, 1, MAX_PROBE_TIMEOUT_SECONDS)) {
    add('timeoutSeconds', `must be a whole number from 1 to ${MAX_PROBE_TIMEOUT_SECONDS}`);
  }
  if (!integerIn(spec.learnRepeat, 1, MAX_PROBE_LEARN_REPEAT)) add('learnRepeat', `must be a whole number from 1 to ${MAX_PROBE_LEARN_REPEAT}`);
  if (spec.tagHeader !== undefined && !HEADER_NAME.test(spec.tagHeader)) add('tagHeader', 'must be a header name (letters, digits, dashes)');
  if (spec.image !== undefined && !/^[^\s]{1,256}$/.test(spec.image)) add('image', 'must be an image reference');
  const learn = spec.learn ?? [];
  if (learn.length > MAX_PROBE_LEARN) add('learn', `at most ${MAX_PROBE_LEARN} destinations`);
  learn.forEach((target, i) => {
    if (!NAME.test(target.name)) add(`learn[${i}].name`, 'must be 1 to 128 printable characters');
    if (!SAFE_URL.test(target.url) || target.url.length > 2048) add(`learn[${i}].url`, 'must be an http(s) URL without spaces, quotes or backslashes');
  });
  return problems;
}

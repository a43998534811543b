/**
 * The prober's line format, version 1 (docs/probe-line-format.md): one line per event,
 * `ssp/1 <kind> key=value …`, values percent-encoded where they could hold a space.
 * The prober script (script.ts) writes it with awk; this module parses it (and formats
 * it, for tests and for anything that wants to replay a probe).
 *
 * Parsing never throws: a line that is not ours, of another version, or with a missing or
 * bad field comes back as a typed problem so that the aggregator can count it.
 */

/** Version of the line format; the first token of each line is `ssp/<version>`. */
export const PROBE_FORMAT_VERSION = 1;

/** The first token of every version-1 line. */
export const PROBE_LINE_PREFIX = `ssp/${PROBE_FORMAT_VERSION}`;

/** The probe started: parameters as the pod saw them. */
export interface ProbeStartRecord {
  kind: 'start';
  /** Milliseconds since the epoch (the script prints whole seconds). */
  time: number;
  id: string;
  count: number;
  /** Requested requests per second. */
  rate: number;
  workers: number;
  sidecar: boolean;
  /**
   * HTTP status of the Istio sidecar's readiness endpoint (127.0.0.1:15021/healthz/ready)
   * at start, 0 when nothing answered: no sidecar was injected (or the sandbox, which has none).
   */
  proxyStatus: number;
  /** Number of learn URLs that follow. */
  learn: number;
}

/** Fields shared by learn and response lines: one HTTP exchange. */
export interface ProbeExchange {
  /** Milliseconds since the epoch (whole seconds from the script). */
  time: number;
  /** Sequence number within the worker (response) or within the learn URL (learn). */
  index: number;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** Total time of the exchange in milliseconds. */
  latencyMs: number;
  /** curl's exit code for this transfer: 0 ok, 28 timeout, 7 connection refused, … */
  exitCode: number;
  /** New connections opened for this transfer (1 per request when each uses its own). */
  connects: number;
  /** Body size in bytes. */
  size: number;
  /** Hex digest of (the first 16 KiB of) the body; see docs/probe-line-format.md. */
  digest: string;
  /** Value of the destination tag header, when the response carried one. */
  tag?: string;
}

/** A response from a destination's own URL, to learn its body fingerprint. */
export interface ProbeLearnRecord extends ProbeExchange {
  kind: 'learn';
  /** The destination name the URL belongs to. */
  name: string;
}

/** A response through the probed host: one sample of the split. */
export interface ProbeResponseRecord extends ProbeExchange {
  kind: 'response';
  /** Which of the prober's parallel workers sent it. */
  worker: number;
}

/** The probe finished sending. */
export interface ProbeEndRecord {
  kind: 'end';
  time: number;
  /** Why it ended: `done`, or what was missing (`no-curl`). */
  reason?: string;
}

export type ProbeRecord = ProbeStartRecord | ProbeLearnRecord | ProbeResponseRecord | ProbeEndRecord;

/** Why a line could not be read. */
export type ProbeLineProblemReason =
  | 'blank'
  | 'foreign'
  | 'unsupported-version'
  | 'unknown-kind'
  | 'missing-field'
  | 'bad-field';

export interface ProbeLineProblem {
  reason: ProbeLineProblemReason;
  /** The field at fault, for missing-field and bad-field. */
  field?: string;
  /** The start of the offending line (at most 200 characters). */
  excerpt: string;
}

export type ParsedProbeLine = { ok: true; record: ProbeRecord } | { ok: false; problem: ProbeLineProblem };

const WIRE_KIND = { start: 'start', learn: 'learn', resp: 'response', end: 'end' } as const;
type WireKind = keyof typeof WIRE_KIND;

function isWireKind(kind: string): kind is WireKind {
  return Object.hasOwn(WIRE_KIND, kind);
}

class FieldError {
  constructor(
    readonly reason: 'missing-field' | 'bad-field',
    readonly field: string,
  ) {}
}

/** Decodes `%XX` for ASCII only: the script encodes only `%`, space, tab and CR. */
function decodeValue(value: string): string {
  return value.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Encodes what would break a line or a token: `%`, whitespace and control characters. */
function encodeValue(value: string): string {
  return value.replace(/[%\s\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

class Fields {
  constructor(private readonly map: Map<string, string>) {}

  text(key: string): string {
    const value = this.map.get(key);
    if (value === undefined) throw new FieldError('missing-field', key);
    return decodeValue(value);
  }

  optionalText(key: string): string | undefined {
    const value = this.map.get(key);
    return value === undefined || value === '' ? undefined : decodeValue(value);
  }

  integer(key: string): number {
    const raw = this.text(key);
    if (!/^\d{1,15}$/.test(raw)) throw new FieldError('bad-field', key);
    return Number(raw);
  }

  decimal(key: string): number {
    const raw = this.text(key);
    if (!/^\d{1,15}(\.\d{1,20})?$/.test(raw)) throw new FieldError('bad-field', key);
    return Number(raw);
  }

  /** Seconds since the epoch on the wire, milliseconds in the record. */
  time(key: string): number {
    return Math.round(this.decimal(key) * 1000);
  }

  flag(key: string): boolean {
    const raw = this.text(key);
    if (raw !== '0' && raw !== '1') throw new FieldError('bad-field', key);
    return raw === '1';
  }

  digest(key: string): string {
    const raw = this.text(key);
    if (!/^[0-9a-f]{1,16}$/.test(raw)) throw new FieldError('bad-field', key);
    return raw;
  }
}

function exchange(fields: Fields): ProbeExchange {
  const tag = fields.optionalText('tag');
  return {
    time: fields.time('t'),
    index: fields.integer('i'),
    status: fields.integer('code'),
    latencyMs: fields.decimal('ms'),
    exitCode: fields.integer('exit'),
    connects: fields.integer('conn'),
    size: fields.integer('len'),
    digest: fields.digest('digest'),
    ...(tag === undefined ? {} : { tag }),
  };
}

function recordOf(kind: WireKind, fields: Fields): ProbeRecord {
  switch (kind) {
    case 'start':
      return {
        kind: 'start',
        time: fields.time('t'),
        id: fields.text('id'),
        count: fields.integer('count'),
        rate: fields.decimal('rate'),
        workers: fields.integer('workers'),
        sidecar: fields.flag('sidecar'),
        proxyStatus: fields.integer('proxy'),
        learn: fields.integer('learn'),
      };
    case 'learn':
      return { kind: 'learn', name: fields.text('name'), ...exchange(fields) };
    case 'resp':
      return { kind: 'response', worker: fields.integer('w'), ...exchange(fields) };
    case 'end': {
      const reason = fields.optionalText('reason');
      return { kind: 'end', time: fields.time('t'), ...(reason === undefined ? {} : { reason }) };
    }
  }
}

function problem(reason: ProbeLineProblemReason, line: string, field?: string): ParsedProbeLine {
  return { ok: false, problem: { reason, excerpt: line.slice(0, 200), ...(field === undefined ? {} : { field }) } };
}

/**
 * Reads one line of prober output. Unknown keys are ignored (a later minor change may add
 * some); a repeated key is a bad field. Never throws.
 */
export function parseProbeLine(line: string): ParsedProbeLine {
  const text = line.replace(/\r?\n?$/, '').trim();
  if (text === '') return problem('blank', text);
  const tokens = text.split(/ +/);
  const [head = '', kind = '', ...pairs] = tokens;
  const version = /^ssp\/(\d+)$/.exec(head);
  if (!version) return problem('foreign', text);
  if (Number(version[1]) !== PROBE_FORMAT_VERSION) return problem('unsupported-version', text);
  if (!isWireKind(kind)) return problem('unknown-kind', text);
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq <= 0 || map.has(key)) return problem('bad-field', text, key);
    map.set(key, pair.slice(eq + 1));
  }
  try {
    return { ok: true, record: recordOf(kind, new Fields(map)) };
  } catch (error) {
    if (error instanceof FieldError) return problem(error.reason, text, error.field);
    throw error;
  }
}

function seconds(ms: number): string {
  return String(ms / 1000);
}

function exchangePairs(record: ProbeExchange): string[] {
  const pairs = [
    `t=${seconds(record.time)}`,
    `i=${record.index}`,
    `code=${String(record.status).padStart(3, '0')}`,
    `ms=${record.latencyMs}`,
    `exit=${record.exitCode}`,
    `conn=${record.connects}`,
    `len=${record.size}`,
    `digest=${record.digest}`,
  ];
  if (record.tag !== undefined && record.tag !== '') pairs.push(`tag=${encodeValue(record.tag)}`);
  return pairs;
}

/**
 * Writes a record as the script would (same keys and order; numbers in their shortest
 * round-trip form). `parseProbeLine(formatProbeLine(r))` gives `r` back for any record whose
 * numbers are non-negative and finite.
 */
export function formatProbeLine(record: ProbeRecord): string {
  switch (record.kind) {
    case 'start':
      return [
        PROBE_LINE_PREFIX,
        'start',
        `t=${seconds(record.time)}`,
        `id=${encodeValue(record.id)}`,
        `count=${record.count}`,
        `rate=${record.rate}`,
        `workers=${record.workers}`,
        `sidecar=${record.sidecar ? 1 : 0}`,
        `proxy=${String(record.proxyStatus).padStart(3, '0')}`,
        `learn=${record.learn}`,
      ].join(' ');
    case 'learn':
      return [PROBE_LINE_PREFIX, 'learn', `name=${encodeValue(record.name)}`, ...exchangePairs(record)].join(' ');
    case 'response':
      return [PROBE_LINE_PREFIX, 'resp', `w=${record.worker}`, ...exchangePairs(record)].join(' ');
    case 'end':
      return [PROBE_LINE_PREFIX, 'end', `t=${seconds(record.time)}`, ...(record.reason ? [`reason=${encodeValue(record.reason)}`] : [])].join(' ');
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from '@/lib/wire';
import { kubeRequest, type KubeRequest, type KubeResponse } from './kube-http';
import type { KubeConnection } from './kubeconfig';

/** Where recorded exchanges go; the lead diffs the sandbox against them. */
export const REAL_FIXTURES_DIR = join(process.cwd(), 'tests', 'contract', 'fixtures', 'real');

/** One request and the answer, as stored in a fixture. */
export interface RecordedExchange {
  step: string;
  identity: 'admin' | 'restricted';
  request: { method: string; path: string; query?: Record<string, string>; body?: Json };
  response: { status: number; contentType?: string; warning?: string; body?: Json; text?: string };
}

// Values that differ on every run; replaced so that a re-recording diffs only on behaviour.
const VOLATILE_KEYS: Record<string, string> = {
  uid: '<uid>',
  resourceVersion: '<resourceVersion>',
  creationTimestamp: '<timestamp>',
  deletionTimestamp: '<timestamp>',
  time: '<timestamp>',
};

function byName(a: Json, b: Json): number {
  const name = (v: Json) => (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' ? v.name : '');
  return name(a).localeCompare(name(b));
}

function normalise(value: Json, key = ''): Json {
  // A group's resources come in the order its CRDs happened to be registered: sorted, so that recordings compare.
  if (Array.isArray(value) && key === 'resources') return [...value].sort(byName).map((v) => normalise(v));
  if (Array.isArray(value)) return value.map((v) => normalise(v));
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v, k);
    return out;
  }
  if (typeof value === 'string') {
    const placeholder = VOLATILE_KEYS[key];
    if (placeholder !== undefined && value !== '') return placeholder;
    // The ServiceAccount admission plugin names its projected token volume with a random suffix.
    return value.replace(/^kube-api-access-[a-z0-9]{5}$/, 'kube-api-access-<random>');
  }
  return value;
}

/**
 * Sends requests for one test case and keeps every exchange, normalised. With
 * SPLITSCOPE_CONTRACT_RECORD=1, `save` writes them to `fixtures/real/<case>.json`;
 * otherwise it writes nothing, so an ordinary run leaves the repository alone.
 */
export class CaseRecorder {
  private readonly exchanges: RecordedExchange[] = [];

  constructor(
    readonly caseName: string,
    readonly description: string,
  ) {}

  async send(step: string, identity: RecordedExchange['identity'], conn: KubeConnection, req: KubeRequest): Promise<KubeResponse> {
    const res = await kubeRequest(conn, req);
    const warning = res.headers.warning;
    this.exchanges.push({
      step,
      identity,
      request: { method: req.method ?? 'GET', path: req.path, query: req.query, body: req.body === undefined ? undefined : normalise(req.body) },
      response: {
        status: res.status,
        contentType: res.headers['content-type'],
        warning: Array.isArray(warning) ? warning.join('\n') : warning,
        ...(res.body !== undefined ? { body: normalise(res.body) } : { text: res.text }),
      },
    });
    return res;
  }

  save(serverVersion: string): void {
    if (process.env.SPLITSCOPE_CONTRACT_RECORD !== '1') return;
    mkdirSync(REAL_FIXTURES_DIR, { recursive: true });
    const fixture = { case: this.caseName, description: this.description, server: serverVersion, exchanges: this.exchanges };
    writeFileSync(join(REAL_FIXTURES_DIR, `${this.caseName}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  }
}

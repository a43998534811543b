/**
 * The real prober script, run with this machine's `sh` and `curl` (and busybox's sh and awk
 * when installed, as in curlimages/curl) against a local Node HTTP server: two handlers answer
 * different bodies, one of them with the destination tag header, a few answers are 503s. The
 * parsed lines must classify exactly as the server says it answered.
 *
 * Needs nothing from the integration project's global setup (no app, no sandbox).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregate, currentSegment, ingestLines } from '@/lib/probe/aggregate';
import { parseProbeLine, type ProbeRecord } from '@/lib/probe/format';
import { PROBE_SCRIPT, probeEnv } from '@/lib/probe/script';
import type { ProbeSpec } from '@/lib/probe/spec';

const BODY_1 = '<html><body><h1>test1</h1></body></html>';
const BODY_2 = '<html><body><h1>test2</h1></body></html>\n';
const TAG = 'x-splitscope-destination';

interface Served {
  one: number;
  two: number;
  errors: number;
  closeRequested: number;
  sockets: number;
}

let server: Server;
let base = '';
const served: Served = { one: 0, two: 0, errors: 0, closeRequested: 0, sockets: 0 };

function answerOne(res: import('node:http').ServerResponse) {
  res.end(BODY_1);
}
function answerTwo(res: import('node:http').ServerResponse) {
  res.setHeader(TAG, 'my-apache-2');
  res.end(BODY_2);
}

beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    if (req.url === '/one') return answerOne(res);
    if (req.url === '/two') return answerTwo(res);
    n += 1;
    if (req.headers.connection === 'close') served.closeRequested += 1;
    if (n % 25 === 0) {
      served.errors += 1;
      res.statusCode = 503;
      res.end('no healthy upstream');
      return;
    }
    // A fixed pattern with 30 % to the first destination.
    if (n % 10 < 3) {
      served.one += 1;
      answerOne(res);
    } else {
      served.two += 1;
      answerTwo(res);
    }
  });
  server.on('connection', () => (served.sockets += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function reset() {
  Object.assign(served, { one: 0, two: 0, errors: 0, closeRequested: 0, sockets: 0 });
}

/** Runs the script as the pod would, with only PATH and the probe's environment. */
function runScript(spec: ProbeSpec, path = process.env.PATH ?? ''): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  const env = { NODE_ENV: 'test' as const, PATH: path, ...Object.fromEntries(probeEnv(spec).map((e) => [e.name, e.value])) };
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', PROBE_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: out.split('\n').filter((l) => l !== ''), stderr: err }));
  });
}

function spec(over: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    id: 'itest',
    namespace: 'default',
    url: `${base}/split`,
    rate: 200,
    count: 200,
    sidecar: true,
    tagHeader: TAG,
    deadlineSeconds: 60,
    learn: [
      { name: 'my-apache', url: `${base}/one` },
      { name: 'my-apache-2', url: `${base}/two` },
    ],
    ...over,
  };
}

const ROUTE = [
  { name: 'my-apache', host: 'my-apache', weight: 30 },
  { name: 'my-apache-2', host: 'my-apache-2', weight: 70 },
];

async function checkRun(path?: string) {
  reset();
  const { code, lines, stderr } = await runScript(spec(), path);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const records = lines.map(parseProbeLine);
  expect(records.filter((r) => !r.ok)).toEqual([]);
  const kinds = records.flatMap((r) => (r.ok ? [r.record.kind] : []));
  expect(kinds[0]).toBe('start');
  expect(kinds.at(-1)).toBe('end');
  expect(kinds.filter((k) => k === 'learn')).toHaveLength(6);
  expect(kinds.filter((k) => k === 'response')).toHaveLength(200);

  const state = ingestLines(createAggregate(ROUTE), lines);
  const segment = currentSegment(state);
  // Every response classified as the server answered: the first by its body, the second by its tag.
  expect(segment.test.counts).toEqual([served.one, served.two]);
  expect(state.totals).toMatchObject({ responses: 200, errors: served.errors, unclassified: 0, malformed: 0 });
  expect(state.destinations[1]?.statusCodes).toEqual({ '200': served.two });
  const responses = records.flatMap((r) => (r.ok && r.record.kind === 'response' ? [r.record] : ([] as ProbeRecord[])));
  return responses;
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;
const hasBusybox = spawnSync('busybox', ['true']).status === 0;

describe.skipIf(!hasCurl)('prober script with the machine’s sh and curl', () => {
  it('prints lines that classify exactly as the server answered', async () => {
    await checkRun();
  });

  it('uses a new connection per request without a sidecar (kube-proxy balances per connection)', async () => {
    reset();
    const { code, lines } = await runScript(spec({ sidecar: false, learn: [], count: 40 }));
    expect(code).toBe(0);
    const responses = lines.map(parseProbeLine).flatMap((r) => (r.ok && r.record.kind === 'response' ? [r.record] : []));
    expect(responses).toHaveLength(40);
    expect(responses.every((r) => r.connects === 1)).toBe(true);
    expect(served.closeRequested).toBe(40);
    expect(served.sockets).toBeGreaterThanOrEqual(40);
  });

  it('keeps connections with a sidecar', async () => {
    reset();
    const { lines } = await runScript(spec({ learn: [], count: 40, workers: 1 }));
    const responses = lines.map(parseProbeLine).flatMap((r) => (r.ok && r.record.kind === 'response' ? [r.record] : []));
    expect(responses.filter((r) => r.connects === 0).length).toBeGreaterThan(0);
    expect(served.closeRequested).toBe(0);
  });

  it('keeps lines whole when eight workers write at once', async () => {
    reset();
    const { code, lines } = await runScript(spec({ learn: [], rate: 500, count: 2000, workers: 8 }));
    expect(code).toBe(0);
    const parsed = lines.map(parseProbeLine);
    expect(parsed.filter((r) => !r.ok)).toEqual([]);
    expect(parsed.filter((r) => r.ok && r.record.kind === 'response')).toHaveLength(2000);
  });

  it('reports curl failures as errors and still ends', async () => {
    const { code, lines } = await runScript(spec({ url: 'http://127.0.0.1:9/', learn: [], count: 3, timeoutSeconds: 2 }));
    expect(code).toBe(0);
    const responses = lines.map(parseProbeLine).flatMap((r) => (r.ok && r.record.kind === 'response' ? [r.record] : []));
    expect(responses.map((r) => [r.status, r.exitCode])).toEqual([
      [0, 7],
      [0, 7],
      [0, 7],
    ]);
  });

  it.skipIf(!hasBusybox)('works the same with busybox sh and awk (as in curlimages/curl)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssp-busybox-'));
    try {
      for (const applet of ['sh', 'awk']) symlinkSync(spawnSync('sh', ['-c', 'command -v busybox']).stdout.toString().trim(), join(dir, applet));
      await checkRun(`${dir}:${process.env.PATH ?? ''}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The prober script's achieved request rate with this machine's sh and curl against a local
 * Node HTTP server (fast answers, and answers delayed by 20 ms to show why workers matter).
 *
 *   npx tsx tests/bench/probe-rate.ts            (SH=sh by default; PATH decides curl and awk)
 *
 * Prints requested and achieved rate (responses over wall time from the first to the last
 * response line's arrival) and the CPU the probe's processes used per 1,000 responses.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseProbeLine } from '@/lib/probe/format';
import { PROBE_SCRIPT, probeEnv } from '@/lib/probe/script';
import { probeWorkers, type ProbeSpec } from '@/lib/probe/spec';

const server = createServer((req, res) => {
  const answer = () => {
    res.setHeader('x-splitscope-destination', Math.random() < 0.1 ? 'a' : 'b');
    res.end('<html><body><h1>test2</h1></body></html>');
  };
  if (req.url === '/slow') setTimeout(answer, 20);
  else answer();
});

interface Case {
  path: '/fast' | '/slow';
  rate: number;
  count: number;
  sidecar: boolean;
  workers?: number;
}

const CASES: Case[] = [
  { path: '/fast', rate: 150, count: 3000, sidecar: true },
  { path: '/fast', rate: 150, count: 3000, sidecar: false },
  { path: '/fast', rate: 150, count: 3000, sidecar: true, workers: 1 },
  { path: '/fast', rate: 300, count: 3000, sidecar: true },
  { path: '/fast', rate: 500, count: 5000, sidecar: true },
  { path: '/slow', rate: 150, count: 1500, sidecar: true, workers: 1 },
  { path: '/slow', rate: 150, count: 1500, sidecar: true },
];

function run(base: string, c: Case): Promise<{ responses: number; seconds: number; cpuMsPer1000: number }> {
  const spec: ProbeSpec = {
    id: 'bench',
    namespace: 'default',
    url: `${base}${c.path}`,
    rate: c.rate,
    count: c.count,
    sidecar: c.sidecar,
    tagHeader: 'x-splitscope-destination',
    deadlineSeconds: 600,
    ...(c.workers === undefined ? {} : { workers: c.workers }),
  };
  const env = { NODE_ENV: 'production' as const, PATH: process.env.PATH ?? '', ...Object.fromEntries(probeEnv(spec).map((e) => [e.name, e.value])) };
  return new Promise((resolve, reject) => {
    // /usr/bin/time reports the CPU of the script and all its children.
    const child = spawn('/usr/bin/time', ['-f', 'cpu %U %S', process.env.SH ?? 'sh', '-c', PROBE_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    let stderr = '';
    let first = 0;
    let last = 0;
    let responses = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now();
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = parseProbeLine(line);
        if (parsed.ok && parsed.record.kind === 'response') {
          responses += 1;
          if (first === 0) first = now;
          last = now;
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => {
      const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(stderr);
      const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN;
      resolve({ responses, seconds: (last - first) / 1000, cpuMsPer1000: (cpuMs / responses) * 1000 });
    });
  });
}

async function main() {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const c of CASES) {
    const r = await run(base, c);
    const workers = c.workers ?? probeWorkers(c.rate);
    console.log(
      `${c.path.padEnd(5)} latency, rate ${String(c.rate).padStart(3)}/s, ${workers} worker(s), ${c.sidecar ? 'keep-alive       ' : 'Connection: close'}: ` +
        `achieved ${(r.responses / Math.max(r.seconds, 1e-9)).toFixed(1)}/s (${r.responses} responses in ${r.seconds.toFixed(2)} s), CPU ${r.cpuMsPer1000.toFixed(0)} ms per 1,000 responses`,
    );
  }
  server.close();
}

void main();

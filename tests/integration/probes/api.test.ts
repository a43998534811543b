/**
 * The probe API against the running app on the sandbox (issue 4): real prober pods,
 * real traffic through the sandbox's mesh, the verdict from the statistics.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { api, sandboxKubeconfig } from '../../support/app';
import type { ProbeDescription } from '@/lib/probe/session/describe';

const VS_PATH = '/api/virtualservices/default/hujin-virtual-svc';

interface Detail {
  resourceVersion: string;
}

function probePods(): string[] {
  const out = execFileSync('kubectl', ['--kubeconfig', sandboxKubeconfig(), 'get', 'pods', '-A', '-l', 'splitscope.dev/probe', '-o', 'name'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

async function startProbe(body: Record<string, unknown>): Promise<ProbeDescription> {
  const { status, body: probe } = await api<ProbeDescription>('/api/probes', { method: 'POST', body: JSON.stringify(body) });
  expect(status, JSON.stringify(probe)).toBe(201);
  return probe;
}

async function waitForEnd(id: string, timeoutMs = 120_000): Promise<ProbeDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<ProbeDescription>(`/api/probes/${id}`);
    if (body.state !== 'pending' && body.state !== 'running') return body;
    if (Date.now() > deadline) throw new Error(`probe ${id} still ${body.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function setWeights(weights: [number, number]): Promise<void> {
  const { body: detail } = await api<Detail>(VS_PATH);
  const { status, body } = await api(`${VS_PATH}/weights`, {
    method: 'PUT',
    body: JSON.stringify({
      resourceVersion: detail.resourceVersion,
      route: 0,
      destinations: [
        { host: 'my-apache', port: 80, weight: weights[0] },
        { host: 'my-apache-2', port: 80, weight: weights[1] },
      ],
    }),
  });
  expect(status, JSON.stringify(body)).toBe(200);
}

function share(probe: ProbeDescription, name: string): number {
  return probe.destinations.find((d) => d.name === name)?.share ?? Number.NaN;
}

const SEED_PROBE = { namespace: 'default', url: 'http://my-apache-vs/', rate: 150, count: 3000, tolerance: 0.05 };

describe('probes', () => {
  afterAll(async () => {
    await setWeights([10, 90]);
  });

  it('through the sidecar reports about 0.10 for my-apache and a consistent verdict', async () => {
    const started = await startProbe({ ...SEED_PROBE, sidecar: true });
    expect(started.probe.route).toEqual({ namespace: 'default', name: 'hujin-virtual-svc', index: 0 });
    const done = await waitForEnd(started.id);
    expect(done.state).toBe('done');
    expect(done.total).toBe(3000);
    expect(done.errors + done.unclassified).toBe(0);
    expect(Math.abs(share(done, 'my-apache:80') - 0.1)).toBeLessThan(0.025);
    expect(done.verdict).toBe('consistent');
  });

  it('without a sidecar reports about 0.5 and an inconsistent verdict', async () => {
    const done = await waitForEnd((await startProbe({ ...SEED_PROBE, sidecar: false })).id);
    expect(done.state).toBe('done');
    expect(Math.abs(share(done, 'my-apache:80') - 0.5)).toBeLessThan(0.05);
    expect(done.verdict).toBe('inconsistent');
  });

  it('after the weights change to 50/50, a new probe is consistent with them', async () => {
    await setWeights([50, 50]);
    const done = await waitForEnd((await startProbe({ ...SEED_PROBE, sidecar: true })).id);
    expect(done.destinations.map((d) => d.target)).toEqual([0.5, 0.5]);
    expect(Math.abs(share(done, 'my-apache:80') - 0.5)).toBeLessThan(0.05);
    expect(done.verdict).toBe('consistent');
  });

  it('marks a weight change during a probe and restarts the statistics from it', async () => {
    await setWeights([10, 90]);
    const started = await startProbe({ ...SEED_PROBE, sidecar: true, count: 4500 });
    await expect.poll(async () => (await api<ProbeDescription>(`/api/probes/${started.id}`)).body.total, { timeout: 60_000 }).toBeGreaterThan(1000);
    await setWeights([50, 50]);
    const done = await waitForEnd(started.id);
    expect(done.markers.filter((m) => m.kind === 'weights')).toHaveLength(1);
    expect(done.segments).toHaveLength(2);
    expect(done.segments[1]?.destinations.map((d) => d.target)).toEqual([0.5, 0.5]);
    expect(done.destinations.map((d) => d.target)).toEqual([0.5, 0.5]);
  });

  it('stopping a probe deletes its pod at once', async () => {
    const started = await startProbe({ ...SEED_PROBE, sidecar: true, count: 100_000 });
    await expect.poll(() => probePods().length, { timeout: 30_000 }).toBe(1);
    const { status, body } = await api<ProbeDescription>(`/api/probes/${started.id}`, { method: 'DELETE' });
    expect(status).toBe(200);
    expect(body.state).toBe('stopped');
    expect(probePods()).toEqual([]);
  });

  it('leaves no probe pod behind', () => {
    expect(probePods()).toEqual([]);
  });

  it('refuses targets that are not cluster hosts, and bad bounds, writing nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...SEED_PROBE, sidecar: true, url: 'http://10.0.0.1/' }, 400, 'url'],
      [{ ...SEED_PROBE, sidecar: true, url: 'http://example.com/' }, 422, 'url'],
      [{ ...SEED_PROBE, sidecar: true, url: 'ftp://my-apache-vs/' }, 400, 'url'],
      [{ ...SEED_PROBE, sidecar: true, url: 'http://my-apache-vs:8080/' }, 422, 'url'],
      [{ ...SEED_PROBE, sidecar: true, rate: 100_000 }, 400, 'rate'],
      [{ ...SEED_PROBE, sidecar: true, count: undefined }, 400, 'count'],
      [{ namespace: 'Not_A_Namespace', url: 'http://my-apache-vs/', rate: 10, count: 10, sidecar: true }, 400, 'namespace'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await api<{ error: { code: string; message: string; field?: string } }>('/api/probes', { method: 'POST', body: JSON.stringify(body) });
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body.error.field).toBe(field);
      expect(answer.body.error.message.length).toBeGreaterThan(10);
    }
    expect(probePods()).toEqual([]);
  });
});

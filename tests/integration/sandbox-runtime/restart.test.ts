/**
 * A sandbox restarted from its persisted store: answer servers come back on the same pod
 * IPs and the split still holds; a pod that was running a command under restartPolicy
 * Never is Failed (its process did not survive the node's restart); no pod is duplicated.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_RESTART } from '@/lib/sandbox/runtime/pods/containers';
import { POD_UID_VARIABLE, ProcessRecords } from '@/lib/sandbox/runtime/pods/process-records';
import {
  SEED_TEST1,
  SEED_TEST2,
  createPod,
  pod,
  pods,
  runningPod,
  startTestSandbox,
  tally,
  viaMesh,
  waitFor,
  waitForDeployments,
  withinBinomialBand,
  type TestSandbox,
} from './support';

describe('restart from a persisted store', () => {
  let first: TestSandbox;
  let second: TestSandbox;
  let before: Map<string, string | undefined>;

  beforeAll(async () => {
    first = await startTestSandbox();
    await waitForDeployments(first.store, 'default', ['my-nginx', 'my-nginx-2', 'my-nginx-client']);
    createPod(first, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'long-job', namespace: 'default', labels: { 'sidecar.istio.io/inject': 'false' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo started; sleep 100'] }] },
    });
    await waitFor('long-job to print', () => first.logs.lines('default', 'long-job', 'main').length > 0);
    before = new Map(pods(first.store, 'default').map((p) => [p.metadata.name, p.status?.podIP]));
    const snapshot = first.store.snapshot();
    await first.stop({ keepDir: true });
    second = await startTestSandbox({ snapshot, dir: first.dir });
  });

  afterAll(async () => {
    await second?.stop();
  });

  it('brings the answer servers back on the same pod IPs, with the same pods', async () => {
    await waitForDeployments(second.store, 'default', ['my-nginx', 'my-nginx-2', 'my-nginx-client']);
    const after = new Map(pods(second.store, 'default').map((p) => [p.metadata.name, p.status?.podIP]));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, ip] of before) expect(after.get(name)).toBe(ip);
    const client = runningPod(second.store, 'default', 'my-nginx-client');
    const proxy = second.runtime.proxyUrlFor('default', client?.metadata.name ?? '') ?? '';
    const counts = await tally(1000, () => viaMesh(proxy, 'http://my-apache-vs/'), (a) => (a.body === SEED_TEST1 ? 'test1' : a.body === SEED_TEST2 ? 'test2' : 'other'));
    expect(counts.other).toBeUndefined();
    expect(withinBinomialBand(counts.test1 ?? 0, 1000, 0.1)).toBe(true);
  });

  it('fails a command pod whose process the restart ended, saying why, and keeps its log', async () => {
    await waitFor('long-job to fail', () => pod(second.store, 'default', 'long-job')?.status?.phase === 'Failed');
    const status = pod(second.store, 'default', 'long-job')?.status;
    expect(status?.reason).toBe(NODE_RESTART.reason);
    expect(JSON.stringify(status?.containerStatuses)).toContain('"exitCode":137');
    expect(second.logs.lines('default', 'long-job', 'main').map((l) => l.text)).toEqual(['started']);
  });
});

describe('processes a dead sandbox left behind', () => {
  it('are killed at the next start when they carry the recorded pod uid, and only then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'splitscope-orphans-'));
    const spawnGroup = (uid: string) => {
      const child = spawn('sleep', ['100'], { detached: true, stdio: 'ignore', env: { ...process.env, [POD_UID_VARIABLE]: uid } });
      child.unref();
      return child.pid ?? 0;
    };
    const ours = spawnGroup('uid-ours');
    const stranger = spawnGroup('uid-other');
    const records = new ProcessRecords(dir);
    records.add(ours, 'uid-ours');
    records.add(stranger, 'uid-recorded-differently');
    const sandbox = await startTestSandbox({ dir });
    try {
      await waitFor('the leftover to be killed', () => !running(ours), 3_000);
      expect(running(stranger)).toBe(true);
    } finally {
      process.kill(-stranger, 'SIGKILL');
      await sandbox.stop();
    }
  });
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

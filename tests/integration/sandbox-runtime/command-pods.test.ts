/**
 * Pods that run commands: real processes with the machine's sh and curl, their output in
 * the pod's log, phases and exit codes as the kubelet reports them, deadlines, deletion
 * and the cap on command pods running at once.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { K8sObject } from '@/lib/wire';
import { SEED_TEST1, SEED_TEST2, createPod, pod, startTestSandbox, waitFor, waitForDeployments, type TestSandbox } from './support';

function commandPod(name: string, script: string, options: { sidecar?: boolean; deadline?: number; restartPolicy?: string } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name, 'sidecar.istio.io/inject': options.sidecar ? 'true' : 'false' } },
    spec: {
      restartPolicy: options.restartPolicy ?? 'Never',
      ...(options.deadline ? { activeDeadlineSeconds: options.deadline } : {}),
      containers: [{ name: 'main', image: 'curlimages/curl', command: ['sh', '-c', script] }],
    },
  };
}

/** Whether `pid` still runs (a killed process waiting for init to reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function terminated(sandbox: TestSandbox, name: string, container: string): Record<string, unknown> | undefined {
  const status = pod(sandbox.store, 'default', name)?.status?.containerStatuses?.find((c) => c.name === container);
  const state = status?.state?.terminated;
  return typeof state === 'object' && state !== null ? { ...state } : undefined;
}

describe('command pods', () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    await waitForDeployments(sandbox.store, 'default', ['my-nginx', 'my-nginx-2']);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('runs curl through the mesh, logs its output line by line and ends Succeeded', async () => {
    createPod(sandbox, commandPod('curl-once', 'curl -s http://my-apache-vs; echo; echo done'));
    await waitFor('curl-once to finish', () => pod(sandbox.store, 'default', 'curl-once')?.status?.phase === 'Succeeded');
    const lines = sandbox.logs.lines('default', 'curl-once', 'main').map((l) => l.text);
    expect([SEED_TEST1, SEED_TEST2]).toContain(lines[0]);
    expect(lines[1]).toBe('done');
    expect(terminated(sandbox, 'curl-once', 'main')).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(sandbox.logs.isClosed('default', 'curl-once', 'main')).toBe(true);
  });

  it('gives the command the mesh proxy with its pod identity and an empty no_proxy', async () => {
    createPod(sandbox, commandPod('env-check', 'echo "$http_proxy"; echo "[$no_proxy]"; echo "$HOSTNAME"'));
    await waitFor('env-check to finish', () => pod(sandbox.store, 'default', 'env-check')?.status?.phase === 'Succeeded');
    const [proxy, noProxy, hostname] = sandbox.logs.lines('default', 'env-check', 'main').map((l) => l.text);
    expect(proxy).toMatch(/^http:\/\/default\.env-check:[0-9a-f]{32}@127\.0\.0\.1:\d+$/);
    expect(noProxy).toBe('[]');
    expect(hostname).toBe('env-check');
  });

  it('reports a failing command as Failed with its exit code', async () => {
    createPod(sandbox, commandPod('fails', 'echo oops >&2; exit 3'));
    await waitFor('fails to fail', () => pod(sandbox.store, 'default', 'fails')?.status?.phase === 'Failed');
    expect(terminated(sandbox, 'fails', 'main')).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(sandbox.logs.lines('default', 'fails', 'main').map((l) => l.text)).toEqual(['oops']);
  });

  it('keeps a pod with a classic sidecar Running after its app exits, until /quitquitquit', async () => {
    createPod(sandbox, commandPod('sidecar-job', 'curl -s http://my-apache-vs -o /dev/null -w "%{http_code}\\n"'));
    createPod(sandbox, commandPod('sidecar-quits', 'curl -s http://my-apache-vs -o /dev/null -w "%{http_code}\\n"; curl -s -X POST http://localhost:15020/quitquitquit', { sidecar: true }));
    await waitFor('sidecar-quits to finish', () => pod(sandbox.store, 'default', 'sidecar-quits')?.status?.phase === 'Succeeded');
    expect(terminated(sandbox, 'sidecar-quits', 'istio-proxy')).toMatchObject({ exitCode: 0 });
    expect(sandbox.logs.lines('default', 'sidecar-quits', 'main').map((l) => l.text)).toEqual(['200']);

    const kept = commandPod('sidecar-stays', 'echo bye', { sidecar: true });
    createPod(sandbox, kept);
    await waitFor('sidecar-stays app to exit', () => terminated(sandbox, 'sidecar-stays', 'main'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const status = pod(sandbox.store, 'default', 'sidecar-stays')?.status;
    expect(status?.phase).toBe('Running');
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('kills a pod past activeDeadlineSeconds: Failed, DeadlineExceeded, process gone', async () => {
    createPod(sandbox, commandPod('too-slow', 'sleep 100 & echo $!; wait', { deadline: 1 }));
    const pid = Number(await waitFor('the sleep pid', () => sandbox.logs.lines('default', 'too-slow', 'main')[0]?.text));
    expect(alive(pid)).toBe(true);
    await waitFor('too-slow to fail', () => pod(sandbox.store, 'default', 'too-slow')?.status?.phase === 'Failed', 5_000);
    expect(pod(sandbox.store, 'default', 'too-slow')?.status?.reason).toBe('DeadlineExceeded');
    expect(terminated(sandbox, 'too-slow', 'main')).toMatchObject({ exitCode: 137 });
    await waitFor('sleep to be killed', () => !alive(pid), 3_000);
  });

  it('kills the whole process group when the pod is deleted, and forgets its log', async () => {
    createPod(sandbox, commandPod('deleted', 'sleep 100 & echo $!; wait'));
    const pid = Number(await waitFor('the sleep pid', () => sandbox.logs.lines('default', 'deleted', 'main')[0]?.text));
    sandbox.store.delete('pods', 'default', 'deleted');
    await waitFor('sleep to be killed', () => !alive(pid), 3_000);
    await waitFor('its log to be forgotten', () => sandbox.logs.lines('default', 'deleted', 'main').length === 0, 3_000);
  });

  it('restarts a container that exits under restartPolicy Always, backing off', async () => {
    createPod(sandbox, commandPod('crashloop', 'exit 1', { restartPolicy: 'Always' }));
    await waitFor('crash loop back-off', () => {
      const s = pod(sandbox.store, 'default', 'crashloop')?.status?.containerStatuses?.find((c) => c.name === 'main');
      const waiting = s?.state?.waiting;
      return typeof waiting === 'object' && waiting !== null && 'reason' in waiting && waiting.reason === 'CrashLoopBackOff';
    });
    expect(pod(sandbox.store, 'default', 'crashloop')?.status?.phase).toBe('Running');
  });
});

describe('the cap on command pods running at once', () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ maxCommandPods: 1 });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('keeps a second command pod Pending until the first finishes', async () => {
    createPod(sandbox, commandPod('first', 'sleep 0.6'));
    await waitFor('first to run', () => pod(sandbox.store, 'default', 'first')?.status?.phase === 'Running');
    createPod(sandbox, commandPod('second', 'echo second'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waiting = pod(sandbox.store, 'default', 'second')?.status;
    expect(waiting?.phase).toBe('Pending');
    expect(JSON.stringify(waiting?.containerStatuses)).toContain('command slots');
    await waitFor('second to finish', () => pod(sandbox.store, 'default', 'second')?.status?.phase === 'Succeeded', 5_000);
    expect(pod(sandbox.store, 'default', 'first')?.status?.phase).toBe('Succeeded');
  });
});

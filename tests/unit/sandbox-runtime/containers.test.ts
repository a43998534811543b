import { describe, expect, it } from 'vitest';
import { NODE_RESTART, containerKind, newContainer, restartBackoffMs, restoreContainers, type PodRun } from '@/lib/sandbox/runtime/pods/containers';
import type { Pod } from '@/lib/sandbox/runtime/shapes';

const pod: Pod = { metadata: { name: 'p', namespace: 'default', annotations: { 'splitscope.dev/answer': 'hi' } }, spec: { containers: [] } };

function run(restartPolicy: string, kinds: [string, ReturnType<typeof containerKind>][]): PodRun {
  return {
    key: 'default/p',
    uid: 'u',
    namespace: 'default',
    name: 'p',
    restartPolicy,
    cwd: '/tmp/none',
    ip: '127.1.0.1',
    startTime: '2024-01-01T00:00:00Z',
    startedMs: 0,
    torn: false,
    released: false,
    containers: kinds.map(([name, kind]) => newContainer({ name, image: 'x' }, false, false, kind)),
  };
}

const terminated = (exitCode: number): Record<string, unknown> => ({ state: { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', finishedAt: 't' } }, restartCount: 2 });
const runningState: Record<string, unknown> = { state: { running: { startedAt: 't' } }, restartCount: 1 };

describe('kinds of containers', () => {
  it('tells the proxy, Istio images, commands, answer servers and idle containers apart', () => {
    expect(containerKind(pod, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.28.0' }, false)).toBe('mesh');
    expect(containerKind(pod, { name: 'discovery', image: 'docker.io/istio/pilot:1.28.0', args: ['discovery'] }, true)).toBe('idle');
    expect(containerKind(pod, { name: 'c', image: 'alpine', command: ['sh'] }, true)).toBe('command');
    expect(containerKind(pod, { name: 'c', image: 'anything' }, true)).toBe('answer');
    expect(containerKind(pod, { name: 'c', image: 'anything' }, false)).toBe('idle');
  });

  it('backs off restarts 10 s doubling up to 5 min', () => {
    expect([0, 1, 2, 5, 10].map(restartBackoffMs)).toEqual([10_000, 20_000, 40_000, 300_000, 300_000]);
  });
});

describe('containers after a sandbox restart', () => {
  it('fails a pod whose command was running under Never, and keeps finished ones', () => {
    const r = run('Never', [['done', 'command'], ['busy', 'command'], ['istio-proxy', 'mesh']]);
    restoreContainers(r, new Map([['done', terminated(0)], ['busy', runningState], ['istio-proxy', runningState]]));
    expect(r.failure).toEqual(NODE_RESTART);
    expect(r.containers.map((c) => [c.name, c.finished, 'terminated' in c.state ? c.state.terminated.exitCode : undefined])).toEqual([
      ['done', true, 0],
      ['busy', true, 137],
      ['istio-proxy', true, 137],
    ]);
  });

  it('reruns commands that their restart policy would rerun, counting the restart', () => {
    const always = run('Always', [['loop', 'command']]);
    restoreContainers(always, new Map([['loop', runningState]]));
    expect(always.failure).toBeUndefined();
    expect(always.containers[0]).toMatchObject({ finished: false, restartCount: 2 });
    const onFailure = run('OnFailure', [['ok', 'command'], ['bad', 'command']]);
    restoreContainers(onFailure, new Map([['ok', terminated(0)], ['bad', terminated(1)]]));
    expect(onFailure.containers.map((c) => c.finished)).toEqual([true, false]);
  });

  it('brings answer servers back whatever their last state', () => {
    const r = run('Always', [['web', 'answer']]);
    restoreContainers(r, new Map([['web', terminated(137)]]));
    expect(r.containers[0]).toMatchObject({ finished: false, restartCount: 2 });
  });
});

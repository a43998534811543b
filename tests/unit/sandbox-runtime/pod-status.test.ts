import { describe, expect, it } from 'vitest';
import { podPhase, renderPodStatus, type ContainerView, type PodView } from '@/lib/sandbox/runtime/pods/pod-status';

function container(name: string, state: ContainerView['state'], extra: Partial<ContainerView> = {}): ContainerView {
  const finished = 'terminated' in state;
  return { name, image: 'i', init: false, sidecar: false, state, ready: 'running' in state, restartCount: 0, containerId: 'x', finished, started: !('waiting' in state), ...extra };
}
const running = { running: { startedAt: '2024-01-01T00:00:00Z' } };
const done = (exitCode: number) => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: '2024-01-01T00:00:01Z' } });
const view = (...containers: ContainerView[]): PodView => ({ ip: '127.1.0.1', startTime: '2024-01-01T00:00:00Z', containers });

describe('pod phase', () => {
  it('is Pending until every container has started', () => {
    expect(podPhase(view(container('a', { waiting: { reason: 'ContainerCreating' } })))).toBe('Pending');
    expect(podPhase(view(container('a', running)))).toBe('Running');
  });

  it('is Succeeded when every container exited 0, Failed when one did not', () => {
    expect(podPhase(view(container('a', done(0)), container('b', done(0))))).toBe('Succeeded');
    expect(podPhase(view(container('a', done(0)), container('b', done(3))))).toBe('Failed');
  });

  it('stays Running while a classic istio-proxy runs after the app exited', () => {
    expect(podPhase(view(container('app', done(0)), container('istio-proxy', running)))).toBe('Running');
  });

  it('ignores a native sidecar exit code and a restarting container keeps it Running', () => {
    const sidecar = container('istio-proxy', done(137), { init: true, sidecar: true });
    expect(podPhase(view(container('app', done(0)), sidecar))).toBe('Succeeded');
    const crashLooping = container('app', { waiting: { reason: 'CrashLoopBackOff' } }, { started: true, restartCount: 2 });
    expect(podPhase(view(crashLooping))).toBe('Running');
  });

  it('is Failed with the reason of a pod-level failure', () => {
    const status = renderPodStatus({ ...view(container('a', done(137))), failure: { reason: 'DeadlineExceeded', message: 'm' } }, undefined);
    expect(status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded', podIP: '127.1.0.1' });
  });

  it('reports Ready only when every container is ready, keeping transition times across renders', () => {
    const first = renderPodStatus(view(container('a', running)), undefined);
    expect(first.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    const earlier: unknown = JSON.parse(JSON.stringify(first).replace(/"lastTransitionTime":"[^"]*"/g, '"lastTransitionTime":"then"'));
    const again = renderPodStatus(view(container('a', running)), earlier);
    expect(again.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', lastTransitionTime: 'then' }));
    const completed = renderPodStatus(view(container('a', done(0))), undefined);
    expect(completed.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', reason: 'PodCompleted' }));
  });
});

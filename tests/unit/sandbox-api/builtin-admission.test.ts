import { describe, expect, it } from 'vitest';
import { AdmissionChain, type AdmissionRequest } from '@/lib/sandbox/admission';
import { registerBuiltinAdmission, SERVICE_ACCOUNT_TOKEN_PATH } from '@/lib/sandbox/api/builtin-admission';
import { ApiError } from '@/lib/sandbox/api/status';
import type { K8sObject } from '@/lib/wire';

function chain(): AdmissionChain {
  const admission = new AdmissionChain();
  registerBuiltinAdmission(admission);
  return admission;
}

function pod(spec: Record<string, unknown>, annotations?: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd', ...(annotations ? { annotations } : {}) }, spec };
}

function admit(object: K8sObject, extra: Partial<AdmissionRequest> = {}): Record<string, unknown> {
  const out = chain().admit({ operation: 'CREATE', resource: 'pods', version: 'v1', namespace: 'd', object, dryRun: false, ...extra });
  const spec = out.spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error('no spec');
  return { ...spec };
}

const container = (name: string, mounts?: unknown[]) => ({ name, image: 'x', ...(mounts ? { volumeMounts: mounts } : {}) });

describe('ServiceAccount admission', () => {
  it('names the default account and mounts its token into every container and init container', () => {
    const spec = admit(pod({ initContainers: [container('init')], containers: [container('a'), container('b')] }));
    expect(spec).toMatchObject({ serviceAccountName: 'default', serviceAccount: 'default' });
    const volumes = spec.volumes;
    expect(Array.isArray(volumes) && volumes.length).toBe(1);
    const name = Array.isArray(volumes) && typeof volumes[0] === 'object' && volumes[0] !== null && 'name' in volumes[0] ? volumes[0].name : undefined;
    expect(name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const mount = { name, readOnly: true, mountPath: SERVICE_ACCOUNT_TOKEN_PATH };
    expect(spec.initContainers).toEqual([{ ...container('init'), volumeMounts: [mount] }]);
    expect(spec.containers).toEqual([{ ...container('a'), volumeMounts: [mount] }, { ...container('b'), volumeMounts: [mount] }]);
  });

  it('leaves a container that already mounts something at the token path alone', () => {
    const own = { name: 'mine', mountPath: SERVICE_ACCOUNT_TOKEN_PATH };
    const spec = admit(pod({ containers: [container('a', [own])] }));
    expect(spec.containers).toEqual([container('a', [own])]);
    expect(spec.volumes).toBeUndefined();
  });

  it('reuses a token volume the pod already has', () => {
    const spec = admit(pod({ volumes: [{ name: 'kube-api-access-abcde', emptyDir: {} }], containers: [container('a')] }));
    expect(spec.volumes).toEqual([{ name: 'kube-api-access-abcde', emptyDir: {} }]);
    expect(spec.containers).toEqual([container('a', [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: SERVICE_ACCOUNT_TOKEN_PATH }])]);
  });

  it('mounts nothing with automountServiceAccountToken: false, and keeps the account named', () => {
    const spec = admit(pod({ serviceAccountName: 'prober', automountServiceAccountToken: false, containers: [container('a')] }));
    expect(spec.serviceAccountName).toBe('prober');
    expect(spec.volumes).toBeUndefined();
    expect(spec.containers).toEqual([container('a')]);
  });

  it('does not touch a mirror pod, nor a pod on update', () => {
    expect(admit(pod({ containers: [container('a')] }, { 'kubernetes.io/config.mirror': 'x' })).serviceAccountName).toBeUndefined();
    const old = pod({ containers: [container('a')] });
    expect(admit(pod({ containers: [container('a')] }), { operation: 'UPDATE', oldObject: old }).serviceAccountName).toBeUndefined();
  });
});

describe('Priority admission', () => {
  it('gives priority 0 without a class, and the system classes their values', () => {
    expect(admit(pod({ containers: [container('a')] }))).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect(admit(pod({ priorityClassName: 'system-node-critical', containers: [container('a')] })).priority).toBe(2000001000);
  });

  it('refuses a class nobody created, and a priority the class does not give, with 403', () => {
    const refusal = (spec: Record<string, unknown>) => {
      try {
        admit(pod({ containers: [container('a')], ...spec }));
      } catch (error) {
        if (error instanceof ApiError) return error.status;
        throw error;
      }
      return undefined;
    };
    expect(refusal({ priorityClassName: 'gold' })).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods "p" is forbidden: no PriorityClass with name gold was found' });
    expect(refusal({ priority: 7 })?.message).toBe(
      'pods "p" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    );
  });

  it('keeps the stored priority on an update that leaves it out', () => {
    const old = pod({ containers: [container('a')], priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect(admit(pod({ containers: [container('a')] }), { operation: 'UPDATE', oldObject: old })).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  });
});

describe('DefaultTolerationSeconds admission', () => {
  const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

  it('tolerates not-ready and unreachable nodes for 300 s', () => {
    expect(admit(pod({ containers: [container('a')] })).tolerations).toEqual([notReady, unreachable]);
  });

  it('adds only what no toleration of the pod covers', () => {
    const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 10 };
    expect(admit(pod({ containers: [container('a')], tolerations: [own] })).tolerations).toEqual([own, unreachable]);
    expect(admit(pod({ containers: [container('a')], tolerations: [{ operator: 'Exists' }] })).tolerations).toEqual([{ operator: 'Exists' }]);
  });
});

describe('admission phases', () => {
  it('runs mutating plugins before validating ones, and one phase alone when asked', () => {
    const admission = new AdmissionChain();
    const seen: string[] = [];
    const recording = (phase: string) => (r: AdmissionRequest) => {
      seen.push(phase);
      return r.object;
    };
    admission.register('check', ['pods'], recording('validating'), 'validating');
    admission.register('mutate', ['pods'], recording('mutating'));
    const request: AdmissionRequest = { operation: 'CREATE', resource: 'pods', version: 'v1', namespace: 'd', object: pod({}), dryRun: false };
    admission.admit(request);
    admission.admit(request, 'validating');
    expect(seen).toEqual(['mutating', 'validating', 'validating']);
  });
});

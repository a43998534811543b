/**
 * The Deployment and ReplicaSet controllers, as kube-controller-manager runs them: a
 * Deployment owns one ReplicaSet per pod template (named by the template's hash), the
 * current one is scaled to `spec.replicas`, older ones are scaled to zero once the
 * current one is fully ready (a rollout with 100 % surge), and a ReplicaSet keeps the
 * number of its live pods equal to its replicas. Pods are created through the admission
 * chain, so the sidecar injector sees them exactly as Istio's webhook sees pods made by
 * a real ReplicaSet.
 *
 * Known debt:
 * - no maxSurge/maxUnavailable arithmetic, no minReadySeconds, no progressDeadline;
 * - `paused` only stops scaling and rollouts, it records no condition.
 */
import type { K8sObject } from '../../../wire';
import { AdmissionDeniedError } from '../../admission';
import { StoreExistsError } from '../../store';
import type { Deployment, Pod, ReplicaSet } from '../shapes';
import { isRecord, nowIso, recordAt } from '../util';
import { WorkQueue, objectKey, splitKey, updateStored } from '../work-queue';
import { RESOURCES, type Controller, type ControllerContext } from './context';
import { podTemplateHash, randomSuffix } from './names';

/** Old ReplicaSets kept at zero replicas, as `revisionHistoryLimit` defaults to. */
const REVISION_HISTORY_LIMIT = 10;

const POD_TEMPLATE_HASH = 'pod-template-hash';
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** Succeeded or Failed: the pod will not run again. */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The controlling owner of `object`, when it is of `kind`. */
export function controllerOf(
  object: { metadata: { ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[] } },
  kind: string,
): { name: string; uid?: string } | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.kind === kind && ref.controller !== false);
}

function ownedBy(
  object: { metadata: { ownerReferences?: { kind: string; name: string; uid?: string }[] } },
  kind: string,
  owner: { metadata: { name: string; uid?: string } },
): boolean {
  return (
    object.metadata.ownerReferences?.some(
      (ref) => ref.kind === kind && ref.name === owner.metadata.name && (ref.uid === undefined || ref.uid === owner.metadata.uid),
    ) ?? false
  );
}

/** Starts the Deployment and ReplicaSet controllers (see the top of this file). */
export function startDeploymentController(ctx: ControllerContext): Controller {
  const { store, informers } = ctx;
  const deployments = new WorkQueue('deployment-controller', (key) => syncDeployment(key));
  const replicasets = new WorkQueue('replicaset-controller', (key) => syncReplicaSet(key));

  function enqueueOwnerDeployment(rs: ReplicaSet | undefined): void {
    const owner = rs && controllerOf(rs, 'Deployment');
    if (rs && owner) deployments.add(objectKey(rs.metadata.namespace, owner.name));
  }

  const unsubscribe = [
    informers.deployments.subscribe(({ current, previous }) => {
      const d = current ?? previous;
      if (d) deployments.add(objectKey(d.metadata.namespace, d.metadata.name));
    }),
    informers.replicasets.subscribe(({ current, previous }) => {
      const rs = current ?? previous;
      if (!rs) return;
      replicasets.add(objectKey(rs.metadata.namespace, rs.metadata.name));
      enqueueOwnerDeployment(rs);
    }),
    informers.pods.subscribe(({ current, previous }) => {
      for (const pod of [current, previous]) {
        const owner = pod && controllerOf(pod, 'ReplicaSet');
        if (pod && owner) replicasets.add(objectKey(pod.metadata.namespace, owner.name));
      }
    }),
  ];

  // After a restart from a persisted store, everything is re-checked once.
  for (const d of informers.deployments.list()) deployments.add(objectKey(d.metadata.namespace, d.metadata.name));
  for (const rs of informers.replicasets.list()) replicasets.add(objectKey(rs.metadata.namespace, rs.metadata.name));

  function syncDeployment(key: string): void {
    const { namespace, name } = splitKey(key);
    const d = informers.deployments.get(namespace, name);
    if (!d || d.metadata.deletionTimestamp) return; // dependents go with the garbage collector
    const owned = informers.replicasets.list(namespace).filter((rs) => ownedBy(rs, 'Deployment', d));
    const desired = d.spec.replicas ?? 1;
    const hash = podTemplateHash(d.spec.template);
    const rsName = `${name}-${hash}`;
    let current = owned.find((rs) => rs.metadata.name === rsName);
    const revisions = owned.map((rs) => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0));
    const nextRevision = String(Math.max(0, ...revisions) + (current ? 0 : 1));

    if (!current && !d.spec.paused) {
      try {
        store.create(RESOURCES.replicasets, newReplicaSet(d, rsName, hash, desired, nextRevision));
      } catch (error) {
        if (!(error instanceof StoreExistsError)) throw error;
      }
      current = informers.replicasets.get(namespace, rsName);
    } else if (current && (current.spec.replicas ?? 1) !== desired && !d.spec.paused) {
      updateStored(store, RESOURCES.replicasets, namespace, rsName, (object) => {
        recordAt(object, 'spec').replicas = desired;
        return true;
      });
    }

    const currentReady = readyPods(current).length;
    const others = owned.filter((rs) => rs.metadata.name !== rsName);
    if (current && currentReady >= desired && !d.spec.paused) {
      for (const old of others) {
        if ((old.spec.replicas ?? 1) === 0) continue;
        updateStored(store, RESOURCES.replicasets, namespace, old.metadata.name, (object) => {
          recordAt(object, 'spec').replicas = 0;
          return true;
        });
      }
      const retired = others
        .filter((rs) => (rs.spec.replicas ?? 1) === 0 && livePods(rs).length === 0)
        .sort((a, b) => Number(a.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) - Number(b.metadata.annotations?.[REVISION_ANNOTATION] ?? 0));
      for (const rs of retired.slice(0, Math.max(0, retired.length - REVISION_HISTORY_LIMIT))) {
        store.delete(RESOURCES.replicasets, namespace, rs.metadata.name);
      }
    }

    writeDeploymentStatus(d, current, owned);
  }

  function livePods(rs: ReplicaSet | undefined): Pod[] {
    if (!rs) return [];
    return informers.pods
      .list(rs.metadata.namespace)
      .filter((pod) => ownedBy(pod, 'ReplicaSet', rs) && !isTerminal(pod) && !pod.metadata.deletionTimestamp);
  }

  function readyPods(rs: ReplicaSet | undefined): Pod[] {
    return livePods(rs).filter(isPodReady);
  }

  function writeDeploymentStatus(d: Deployment, current: ReplicaSet | undefined, owned: ReplicaSet[]): void {
    const all = owned.flatMap(livePods);
    const ready = all.filter(isPodReady).length;
    const updated = livePods(current).length;
    const desired = d.spec.replicas ?? 1;
    updateStored(store, RESOURCES.deployments, d.metadata.namespace, d.metadata.name, (object) => {
      const before = JSON.stringify(object.status ?? {});
      const previous = isRecord(object.status) ? object.status : {};
      const available = ready >= desired;
      const conditions = [
        condition(previous, 'Available', available, available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
        condition(previous, 'Progressing', true, updated >= desired ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
          `ReplicaSet "${current?.metadata.name ?? ''}" ${updated >= desired ? 'has successfully progressed' : 'is progressing'}.`),
      ];
      const status: Record<string, unknown> = {
        observedGeneration: object.metadata?.generation ?? 1,
        replicas: all.length,
        updatedReplicas: updated,
        readyReplicas: ready,
        availableReplicas: ready,
        conditions,
      };
      if (all.length - ready > 0) status.unavailableReplicas = all.length - ready;
      if (JSON.stringify(status) === before) return false;
      object.status = status;
      return true;
    });
  }

  function syncReplicaSet(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = informers.replicasets.get(namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const live = livePods(rs);
    const desired = rs.spec.replicas ?? 1;
    let failure: string | undefined;
    for (let i = live.length; i < desired; i += 1) {
      try {
        createPod(rs);
      } catch (error) {
        if (!(error instanceof AdmissionDeniedError)) throw error;
        failure = error.message;
        break;
      }
    }
    if (live.length > desired) {
      // Kubernetes removes the least useful pods first: not ready before ready, newest first.
      const ranked = [...live].sort((a, b) => {
        const readiness = Number(isPodReady(a)) - Number(isPodReady(b));
        if (readiness !== 0) return readiness;
        return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
      });
      for (const pod of ranked.slice(0, live.length - desired)) {
        store.delete(RESOURCES.pods, namespace, pod.metadata.name);
      }
    }
    const after = livePods(rs);
    const ready = after.filter(isPodReady).length;
    updateStored(store, RESOURCES.replicasets, namespace, name, (object) => {
      const status: Record<string, unknown> = {
        replicas: after.length,
        fullyLabeledReplicas: after.length,
        readyReplicas: ready,
        availableReplicas: ready,
        observedGeneration: object.metadata?.generation ?? 1,
      };
      if (failure) {
        status.conditions = [
          { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: failure, lastTransitionTime: nowIso() },
        ];
      }
      if (JSON.stringify(status) === JSON.stringify(object.status ?? {})) return false;
      object.status = status;
      return true;
    });
  }

  function createPod(rs: ReplicaSet): void {
    const namespace = rs.metadata.namespace ?? 'default';
    const template = structuredClone(rs.spec.template);
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rs.metadata.name}-${randomSuffix()}`,
        generateName: `${rs.metadata.name}-`,
        namespace,
        labels: template.metadata?.labels ?? {},
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
        ],
      },
      // The store's defaulter fills API defaults; the service account is the admission plugin's.
      spec: { serviceAccountName: 'default', ...template.spec },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    const admitted = ctx.admission.admit({ operation: 'CREATE', resource: RESOURCES.pods, version: 'v1', namespace, object: pod, dryRun: false });
    store.create(RESOURCES.pods, admitted);
  }

  return {
    stop() {
      for (const u of unsubscribe) u();
      deployments.stop();
      replicasets.stop();
    },
  };
}

function newReplicaSet(d: Deployment, name: string, hash: string, replicas: number, revision: string): K8sObject {
  const template = structuredClone(d.spec.template);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      labels,
      annotations: { [REVISION_ANNOTATION]: revision, 'deployment.kubernetes.io/desired-replicas': String(replicas) },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      replicas,
      selector: {
        ...d.spec.selector,
        matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash },
      },
      template: { ...template, metadata: { ...(template.metadata ?? {}), labels } },
    },
  };
}

function condition(
  previous: Record<string, unknown>,
  type: string,
  ok: boolean,
  reason: string,
  message: string,
): Record<string, unknown> {
  const status = ok ? 'True' : 'False';
  const old = Array.isArray(previous.conditions)
    ? previous.conditions.filter(isRecord).find((c) => c.type === type)
    : undefined;
  const unchanged = old?.status === status && old.reason === reason;
  const time = unchanged && typeof old?.lastTransitionTime === 'string' ? old.lastTransitionTime : nowIso();
  return { type, status, reason, message, lastUpdateTime: time, lastTransitionTime: time };
}

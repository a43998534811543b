/**
 * The `scale` subresource of Deployments and ReplicaSets (autoscaling/v1 Scale), as `kubectl scale` and
 * autoscalers use it: get, update and patch `spec.replicas`; `status.replicas` and the
 * selector come from the Deployment.
 */
import type { K8sObject } from '../../../wire';
import { contentTypeOf, negotiate, readBody, writeObject } from '../negotiation';
import { jsonPatch, mergePatch, PatchError } from '../patch';
import { badRequest, conflict, genericServerResponse, invalid, notFound, OPTIMISTIC_LOCK_MESSAGE, unsupportedMediaType } from '../status';
import { type Call, groupResource, isDryRun, requireName, storeNamespace } from './context';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function selectorText(deployment: K8sObject): string {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const selector = isRecord(spec.selector) && isRecord(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
  return Object.entries(selector)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

/** The Scale of a Deployment. */
export function scaleOf(deployment: K8sObject): K8sObject {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const status = isRecord(deployment.status) ? deployment.status : {};
  const meta = deployment.metadata ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, selector: selectorText(deployment) },
  };
}

export async function handleScale(call: Call): Promise<void> {
  const format = negotiate(call.req.headers.accept, false);
  const name = requireName(call);
  const gr = groupResource(call.type);
  const existing = call.ctx.store.get(call.type.storeName, storeNamespace(call), name);
  if (!existing) throw notFound(gr, name);
  const current = scaleOf(existing);
  if (call.info.verb === 'get') {
    writeObject(call.res, 200, current, format);
    return;
  }
  const dryRun = isDryRun(call, call.info.verb === 'patch' ? 'PatchOptions' : 'UpdateOptions');
  const body = await readBody(call.req);
  let wanted: unknown;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (call.info.verb === 'update') wanted = parsed;
    else {
      const type = contentTypeOf(call.req);
      if (type === 'application/json-patch+json') wanted = jsonPatch(current, parsed);
      else if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') wanted = mergePatch(current, parsed);
      else throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']);
    }
  } catch (error) {
    if (error instanceof PatchError) throw error.kind === 'decode' ? badRequest(error.message) : genericServerResponse(422);
    if (error instanceof SyntaxError) throw badRequest(`couldn't get version/kind; json parse error: ${error.message}`);
    throw error;
  }
  const spec = isRecord(wanted) && isRecord(wanted.spec) ? wanted.spec : {};
  const replicas = spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid({ group: 'autoscaling', kind: 'Scale' }, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas ?? null, detail: 'must be greater than or equal to 0' }]);
  }
  const meta = isRecord(wanted) && isRecord(wanted.metadata) ? wanted.metadata : {};
  if (call.info.verb === 'update' && typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '' && meta.resourceVersion !== existing.metadata?.resourceVersion) {
    throw conflict(gr, name, OPTIMISTIC_LOCK_MESSAGE);
  }
  const next: K8sObject = { ...existing, spec: { ...(isRecord(existing.spec) ? existing.spec : {}), replicas } };
  const unchanged = isRecord(existing.spec) && existing.spec.replicas === replicas;
  const stored = dryRun || unchanged ? next : call.ctx.store.update(call.type.storeName, next);
  writeObject(call.res, 200, scaleOf(stored), format);
}

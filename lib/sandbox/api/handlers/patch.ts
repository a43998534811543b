/**
 * PATCH: fetch the stored object, apply the patch in the served version, then store it
 * through the same path as an update (validation, admission, concurrency, dry run).
 * A patch that carries metadata.resourceVersion is conditional on it, as on a real server.
 */
import type { K8sObject } from '../../../wire';
import { contentTypeOf, readBody } from '../negotiation';
import { jsonPatch, mergePatch, PatchError, strategicMerge } from '../patch';
import { badRequest, genericServerResponse, notFound, unsupportedMediaType } from '../status';
import { type Call, fieldValidation, groupResource, isDryRun, requireName, served, storeNamespace } from './context';
import { checkKind } from './prepare';
import { commitUpdate } from './write';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How encoding/json names a JSON value's type in an unmarshal error. */
function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return value === null ? 'null' : typeof value;
}

/** A JSON object whose apiVersion, kind and metadata have the types K8sObject names. */
function isObject(value: unknown): value is K8sObject {
  if (!isRecord(value)) return false;
  const { apiVersion, kind, metadata } = value;
  return (apiVersion === undefined || typeof apiVersion === 'string') && (kind === undefined || typeof kind === 'string') && (metadata === undefined || isRecord(metadata));
}

export async function handlePatch(call: Call): Promise<void> {
  const name = requireName(call);
  const accepted = call.type.custom ? [JSON_PATCH, MERGE_PATCH, APPLY] : [JSON_PATCH, MERGE_PATCH, STRATEGIC, APPLY];
  const type = contentTypeOf(call.req);
  if (!accepted.includes(type) || type === APPLY) {
    if (type === APPLY) throw badRequest('server-side apply (application/apply-patch+yaml) is not supported by the sandbox; use client-side apply or a merge patch');
    throw unsupportedMediaType(accepted);
  }
  const dryRun = isDryRun(call, 'PatchOptions');
  const mode = fieldValidation(call, 'PatchOptions');
  const body = await readBody(call.req);
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch {
    // The handler checks that any patch body is JSON before it looks at the object.
    throw badRequest('invalid JSON patch');
  }
  // With fieldValidation Warn (the default) or Strict, the body is first decoded strictly into its Go type.
  const strictDecoding = mode !== 'Ignore';
  const existing = call.ctx.store.get(call.type.storeName, storeNamespace(call), name);
  if (!existing) throw notFound(groupResource(call.type), name);
  const current = served(call, existing);
  let patched: unknown;
  try {
    if (type === JSON_PATCH) {
      if (strictDecoding && !Array.isArray(patch) && patch !== null) {
        throw badRequest(`error decoding patch: json: cannot unmarshal ${goJsonType(patch)} into Go value of type []handlers.jsonPatchOp`);
      }
      patched = jsonPatch(current, patch);
    } else if (type === MERGE_PATCH) {
      if (!isRecord(patch)) throw badRequest(`${strictDecoding ? 'error decoding patch: ' : ''}json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`);
      patched = mergePatch(current, patch);
    } else {
      if (!isRecord(patch)) throw badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type map[string]interface {}`);
      patched = strategicMerge(current, patch);
    }
  } catch (error) {
    // A patch that cannot be applied (a failed test, a missing path) gets a bare 422: no cause says why.
    if (error instanceof PatchError) throw error.kind === 'decode' ? badRequest(error.message) : genericServerResponse(422);
    throw error;
  }
  if (!isObject(patched)) throw badRequest('the patched object is not a JSON object');
  const object = checkKind(call, patched);
  const meta = object.metadata ?? {};
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  }
  // Without an explicit resourceVersion in the patch, the patch applies to what it read.
  const patchMeta = isRecord(patch) && isRecord(patch.metadata) ? patch.metadata : undefined;
  const conditional = type === JSON_PATCH ? Array.isArray(patch) && patch.some((op) => isRecord(op) && op.path === '/metadata/resourceVersion') : patchMeta?.resourceVersion !== undefined;
  object.metadata = { ...meta, resourceVersion: conditional ? meta.resourceVersion : existing.metadata?.resourceVersion };
  commitUpdate(call, existing, object, dryRun, mode);
}

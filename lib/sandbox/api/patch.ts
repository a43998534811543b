/**
 * The three patch formats of the API server, as pure functions over JSON:
 * - JSON merge patch (RFC 7386, `application/merge-patch+json`);
 * - JSON patch (RFC 6902, `application/json-patch+json`), applied with fast-json-patch;
 *   failures are reported with the messages of evanphx/json-patch, which the server uses;
 * - strategic merge patch (`application/strategic-merge-patch+json`), built-in types only.
 *
 * Known debt (strategic merge patch is an approximation):
 * - lists merge by key only at the paths listed in {@link MERGE_KEYS} (containers, ports,
 *   env, volumes, ...); every other list is replaced, as for an atomic list;
 * - directives supported: `$patch: delete|replace` (maps and list items),
 *   `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`, `$retainKeys`.
 */
import fastJsonPatch, { type Operation as PatchOperation } from 'fast-json-patch';

const { applyPatch, JsonPatchError } = fastJsonPatch;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** Thrown when a patch cannot be applied; `kind` says how the server answers. */
export class PatchError extends Error {
  constructor(
    message: string,
    /** `decode`: 400 BadRequest; `apply`: 422 with the generic "rejected" message. */
    readonly kind: 'decode' | 'apply',
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

interface Operation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** The operation as fast-json-patch types it; an unknown `op` fails as the server's library fails. */
function typed(op: Operation): PatchOperation {
  const value = structuredClone(op.value);
  switch (op.op) {
    case 'add':
    case 'replace':
    case 'test':
      return { op: op.op, path: op.path, value };
    case 'remove':
      return { op: 'remove', path: op.path };
    case 'move':
    case 'copy':
      if (op.from === undefined) throw new PatchError(`${op.op} operation does not apply: doc is missing from path: <nil>`, 'apply');
      return { op: op.op, path: op.path, from: op.from };
    default:
      throw new PatchError(`Unexpected kind: ${op.op}`, 'apply');
  }
}

function toOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 'decode');
  return patch.map((op) => {
    if (!isObject(op) || typeof op.op !== 'string') throw new PatchError('Unexpected kind: <nil>', 'apply');
    if (typeof op.path !== 'string') throw new PatchError(`${op.op} operation does not apply: doc is missing path: <nil>`, 'apply');
    return { op: op.op, path: op.path, value: op.value, from: typeof op.from === 'string' ? op.from : undefined };
  });
}

/** RFC 6902, with the server's error texts for the common failures. */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  const ops = toOperations(patch);
  const document = structuredClone(target);
  for (const op of ops) {
    const operation = typed(op);
    try {
      applyPatch(document, [operation], true, true);
    } catch (error) {
      if (!(error instanceof JsonPatchError)) throw error;
      switch (error.name) {
        case 'TEST_OPERATION_FAILED':
          throw new PatchError(`testing value ${op.path} failed: test failed`, 'apply');
        case 'OPERATION_PATH_UNRESOLVABLE':
          if (op.op === 'remove') throw new PatchError(`Unable to remove nonexistent key: ${op.path.split('/').pop() ?? ''}: missing value`, 'apply');
          if (op.op === 'replace') throw new PatchError(`replace operation does not apply: doc is missing key: ${op.path}: missing value`, 'apply');
          throw new PatchError(`${op.op} operation does not apply: doc is missing path: ${JSON.stringify(op.path)}: missing value`, 'apply');
        case 'OPERATION_OP_INVALID':
          throw new PatchError(`Unexpected kind: ${op.op}`, 'apply');
        default:
          throw new PatchError(`${op.op} operation does not apply: ${error.message.split('\n')[0] ?? ''}`, 'apply');
      }
    }
  }
  return document;
}

/** Lists of built-in types that merge by a key under strategic merge patch (field name → key). */
export const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  ports: 'containerPort',
  conditions: 'type',
  tolerations: 'key',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  finalizers: '',
};

/** Service ports merge by `port`, container ports by `containerPort`. */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  if (field === 'ports') {
    const first = items.find(isObject);
    if (first && 'port' in first && !('containerPort' in first)) return 'port';
  }
  return MERGE_KEYS[field];
}

function strategicList(field: string, current: unknown, patch: unknown[], order: unknown[] | undefined): unknown[] {
  const base = Array.isArray(current) ? structuredClone(current) : [];
  const key = mergeKeyFor(field, [...patch, ...base]);
  if (key === undefined) return patch.filter((p) => !(isObject(p) && p.$patch !== undefined)).map((p) => structuredClone(p));
  if (key === '') {
    // Sets of primitives (finalizers): union.
    const out = [...base];
    for (const p of patch) if (!out.some((b) => b === p)) out.push(p);
    return out;
  }
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
  }
  let out = base;
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = out.findIndex((b) => isObject(b) && b[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMerge(out[index], item);
    else out.push(strategicMerge({}, item));
  }
  if (order) {
    const rank = (v: unknown) => order.findIndex((o) => isObject(o) && isObject(v) && o[key] === v[key]);
    out = [...out].sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      return (ra < 0 ? Number.MAX_SAFE_INTEGER : ra) - (rb < 0 ? Number.MAX_SAFE_INTEGER : rb);
    });
  }
  return out;
}

/** An approximation of strategic merge patch for built-in types; see the debt list above. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  const retain = Array.isArray(patch.$retainKeys) ? patch.$retainKeys.map(String) : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value)) out[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value)) {
      const order = patch[`$setElementOrder/${key}`];
      out[key] = strategicList(key, out[key], value, Array.isArray(order) ? order : undefined);
    } else if (isObject(value)) {
      const merged = strategicMerge(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else {
      out[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = key.slice('$setElementOrder/'.length);
    if (!(field in patch) && Array.isArray(out[field])) out[field] = strategicList(field, out[field], [], order);
  }
  if (retain) for (const key of Object.keys(out)) if (!retain.includes(key)) delete out[key];
  return out;
}

/**
 * JSON plumbing shared by the planners: RFC 6902 patch operations, RFC 6901 pointers,
 * and applying a patch without touching the input (fast-json-patch does the applying,
 * so a plan's `result` is by construction what the API server computes from its patch).
 */
import { applyPatch, deepClone, type Operation } from 'fast-json-patch';

/**
 * The JSON Patch operations Splitscope emits. `test` guards what a patch changes, so a
 * concurrent writer makes the whole patch fail instead of being clobbered.
 * @see https://www.rfc-editor.org/rfc/rfc6902
 */
export type JsonPatchOp =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON pointer from path segments, escaping `~` and `/` (an annotation key such as
 * `splitscope.dev/history` becomes `splitscope.dev~1history`).
 * @see https://www.rfc-editor.org/rfc/rfc6901
 */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * Applies a patch to a deep copy of `document` and returns the copy. Throws (a
 * fast-json-patch error) when a `test` fails or a path does not exist, which for a plan
 * built from the same document is a bug in the planner.
 */
export function applyOps<T>(document: T, ops: readonly JsonPatchOp[]): T {
  // Both are cloned: fast-json-patch inserts operation values by reference.
  const operations: Operation[] = deepClone(ops);
  return applyPatch(deepClone(document), operations, false, true).newDocument;
}

/** `JSON.parse` that returns undefined instead of throwing (for annotations others may have edited). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

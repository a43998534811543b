/**
 * Patch operations on one annotation of an object, for the state Splitscope keeps on the
 * VirtualService itself (weight history, response tagging). Every key lives under
 * {@link ANNOTATION_PREFIX}; the annotations map may not exist yet.
 */
import type { K8sObject } from '../wire';
import { isRecord, pointer, type JsonPatchOp } from './json';

/** Splitscope's annotation prefix. */
export const ANNOTATION_PREFIX = 'splitscope.dev/';

/** The annotation's value, when the object has it as a string. */
export function readAnnotation(obj: K8sObject, key: string): string | undefined {
  const meta: unknown = obj.metadata;
  if (!isRecord(meta) || !isRecord(meta.annotations)) return undefined;
  const value = meta.annotations[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Sets the annotation: `test` + `replace` when it exists (so a concurrent writer of the
 * same annotation makes the patch fail), `add` into the map otherwise, creating the map
 * (or `metadata`) when missing.
 */
export function setAnnotationOps(obj: K8sObject, key: string, value: string): JsonPatchOp[] {
  const meta: unknown = obj.metadata;
  if (!isRecord(meta)) return [{ op: 'add', path: '/metadata', value: { annotations: { [key]: value } } }];
  const annotations = meta.annotations;
  if (!isRecord(annotations)) {
    return [{ op: 'add', path: '/metadata/annotations', value: { [key]: value } }];
  }
  const path = pointer('metadata', 'annotations', key);
  if (key in annotations) {
    return [
      { op: 'test', path, value: annotations[key] },
      { op: 'replace', path, value },
    ];
  }
  return [{ op: 'add', path, value }];
}

/**
 * Removes the annotation (guarded by a `test` of its value); with `dropEmptyMap`, removes
 * the annotations map too when nothing else is left in it (for state that created the map).
 */
export function removeAnnotationOps(obj: K8sObject, key: string, dropEmptyMap: boolean): JsonPatchOp[] {
  const meta: unknown = obj.metadata;
  if (!isRecord(meta) || !isRecord(meta.annotations) || !(key in meta.annotations)) return [];
  const annotations = meta.annotations;
  const path = pointer('metadata', 'annotations', key);
  const test: JsonPatchOp = { op: 'test', path, value: annotations[key] };
  if (dropEmptyMap && Object.keys(annotations).length === 1) {
    return [test, { op: 'remove', path: '/metadata/annotations' }];
  }
  return [test, { op: 'remove', path }];
}

/** Whether the object has an annotations map at all. */
export function hasAnnotationMap(obj: K8sObject): boolean {
  const meta: unknown = obj.metadata;
  return isRecord(meta) && isRecord(meta.annotations);
}

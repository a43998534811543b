/** Narrowing of raw JSON answers, for tests that read objects as the server stored them. */
import type { Json } from '@/lib/wire';

export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** The value as an object, or a failure naming what was expected. */
export function obj(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) throw new Error(`${what} is not an object: ${JSON.stringify(value)?.slice(0, 300)}`);
  return value;
}

export function arr(value: Json | undefined, what: string): Json[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list: ${JSON.stringify(value)?.slice(0, 300)}`);
  return value;
}

export function str(value: Json | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a string: ${JSON.stringify(value)?.slice(0, 300)}`);
  return value;
}

export function clone<T extends Json>(value: T): T {
  const copy: T = structuredClone(value);
  return copy;
}

/** `metadata.<key>` of an object. */
export function meta(value: Json | undefined, key: string): Json | undefined {
  return obj(obj(value, 'object').metadata, 'metadata')[key];
}

/**
 * An object without what the server manages and changes on every write
 * (`resourceVersion`, `generation`, `managedFields`) and without the given annotations
 * (an annotations map left empty goes too), so that two versions of one object compare
 * on what their writers wrote.
 */
export function withoutServerFields(value: Json | undefined, dropAnnotations: readonly string[] = []): JsonObject {
  const copy = clone(obj(value, 'object'));
  const metadata = obj(copy.metadata, 'metadata');
  delete metadata.resourceVersion;
  delete metadata.generation;
  delete metadata.managedFields;
  const annotations = metadata.annotations;
  if (isObject(annotations)) {
    for (const key of dropAnnotations) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return copy;
}

/** Small helpers for reading and writing untyped stored objects without casts. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `object[field]` as a record, created (and attached) when absent or not a record. */
export function recordAt(object: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = object[field];
  if (isRecord(value)) return value;
  const created: Record<string, unknown> = {};
  object[field] = created;
  return created;
}

/** RFC 3339 to the second, as Kubernetes writes timestamps. */
export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

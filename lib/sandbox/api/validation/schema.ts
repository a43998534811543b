/**
 * A small structural-schema engine, as the API server applies a CRD's OpenAPI v3 schema:
 * drops nulls where the schema is not nullable, prunes (or reports) unknown fields, and
 * checks types, required fields, enums and bounds, with the server's messages
 * (`spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"`).
 *
 * Known debt:
 * - `oneOf` constraints (at most one of exact/prefix/regex, ...) are not checked.
 * - CEL rules are limited to the duration rule Istio uses (`duration(self) >= duration('1ms')`).
 */
import type { FieldError } from '../status';

export type Schema =
  | {
      type: 'object';
      properties?: Record<string, Schema>;
      additionalProperties?: Schema;
      required?: string[];
      /** x-kubernetes-preserve-unknown-fields: nothing below is pruned. */
      preserveUnknown?: boolean;
      nullable?: boolean;
    }
  | { type: 'array'; items: Schema; nullable?: boolean }
  | { type: 'string'; enum?: string[]; nullable?: boolean; duration?: boolean }
  | { type: 'integer'; minimum?: number; maximum?: number; nullable?: boolean }
  | { type: 'number'; nullable?: boolean }
  | { type: 'boolean'; nullable?: boolean }
  | { type: 'int-or-string'; nullable?: boolean };

export interface SchemaResult {
  /** The value after pruning and null-dropping. */
  value: unknown;
  errors: FieldError[];
  /** Paths of unknown fields that were pruned (for fieldValidation Warn/Strict). */
  unknown: string[];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DURATION_UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Parses a Go duration (`1.5s`, `1h2m`); undefined when Go's time.ParseDuration would fail. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!match && text !== '0') return undefined;
  if (text === '0') return 0;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNIT_NS[part[2] ?? 's'] ?? 0);
  }
  return text.startsWith('-') ? -total : total;
}

function typeError(path: string, expected: string, value: unknown): FieldError {
  const actual = jsonType(value);
  return { type: 'FieldValueTypeInvalid', field: path, value: actual, detail: `${path} in body must be of type ${expected}: ${JSON.stringify(actual)}` };
}

/**
 * Validates and prunes `value` at `path` against `schema`. The input is not changed.
 */
export function applySchema(schema: Schema, value: unknown, path: string): SchemaResult {
  const errors: FieldError[] = [];
  const unknown: string[] = [];
  const out = walk(schema, value, path, errors, unknown);
  return { value: out, errors, unknown };
}

function walk(schema: Schema, value: unknown, path: string, errors: FieldError[], unknown: string[]): unknown {
  switch (schema.type) {
    case 'object': {
      if (!isRecord(value)) {
        errors.push(typeError(path, 'object', value));
        return value;
      }
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${path}.${key}`;
        const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
        if (child === null && !(childSchema?.nullable ?? false) && !schema.preserveUnknown) continue;
        if (!childSchema) {
          if (schema.preserveUnknown) out[key] = child;
          else unknown.push(childPath);
          continue;
        }
        if (child === null) {
          out[key] = null;
          continue;
        }
        out[key] = walk(childSchema, child, childPath, errors, unknown);
      }
      for (const key of schema.required ?? []) {
        if (!(key in out)) errors.push({ type: 'FieldValueRequired', field: `${path}.${key}`, detail: '' });
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        errors.push(typeError(path, 'array', value));
        return value;
      }
      return value.map((item, index) => {
        if (item === null && !(schema.items.nullable ?? false)) {
          errors.push(typeError(`${path}[${index}]`, schema.items.type === 'int-or-string' ? 'string' : schema.items.type, item));
          return item;
        }
        return walk(schema.items, item, `${path}[${index}]`, errors, unknown);
      });
    }
    case 'string': {
      if (typeof value !== 'string') {
        errors.push(typeError(path, 'string', value));
        return value;
      }
      if (schema.enum && !schema.enum.includes(value)) {
        errors.push({
          type: 'FieldValueNotSupported',
          field: path,
          value,
          detail: `supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
        });
      }
      if (schema.duration) {
        const ns = parseGoDuration(value);
        if (ns === undefined || ns < 1e6) {
          errors.push({ type: 'FieldValueInvalid', field: path, value: 'string', detail: 'must be a valid duration greater than 1ms' });
        }
      }
      return value;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        errors.push(typeError(path, 'integer', value));
        return value;
      }
      if (schema.minimum !== undefined && value < schema.minimum) {
        errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `${path} in body should be greater than or equal to ${schema.minimum}` });
      }
      if (schema.maximum !== undefined && value > schema.maximum) {
        errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `${path} in body should be less than or equal to ${schema.maximum}` });
      }
      return value;
    }
    case 'number':
      if (typeof value !== 'number') errors.push(typeError(path, 'number', value));
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(typeError(path, 'boolean', value));
      return value;
    case 'int-or-string':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
        errors.push(typeError(path, 'integer,string', value));
      }
      return value;
  }
}

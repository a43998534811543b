/**
 * A small structural-schema engine, as the API server applies a CRD's OpenAPI v3 schema:
 * drops nulls where the schema is not nullable, prunes (or reports) unknown fields, and
 * checks types, required fields, enums, bounds and list sizes, with the server's messages
 * (`spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"`);
 * and the CRD's CEL rules, each mirrored as a predicate ({@link Rule}).
 *
 * Known debt:
 * - `oneOf` constraints (at most one of exact/prefix/regex, ...) are not checked.
 * - CEL rules are not interpreted: each rule a schema mirrors is written as a function.
 * - the order of several structural errors follows the object; the real server's follows
 *   Go's map iteration, which is random.
 */
import type { FieldError } from '../status';

/** A CEL rule of the CRD (`x-kubernetes-validations`): its message, and a predicate in its place. */
export interface Rule {
  message: string;
  /** Whether the value (of the node's type, already checked) satisfies the rule. */
  holds: (value: unknown) => boolean;
}

interface Common {
  nullable?: boolean;
  rules?: Rule[];
}

export type Schema = Common &
  (
    | {
        type: 'object';
        properties?: Record<string, Schema>;
        additionalProperties?: Schema;
        required?: string[];
        /** x-kubernetes-preserve-unknown-fields: nothing below is pruned. */
        preserveUnknown?: boolean;
      }
    | { type: 'array'; items: Schema; minItems?: number }
    | { type: 'string'; enum?: string[]; duration?: boolean }
    | { type: 'integer'; minimum?: number; maximum?: number }
    | { type: 'number' }
    | { type: 'boolean' }
    | { type: 'int-or-string' }
  );

export interface SchemaResult {
  /** The value after pruning and null-dropping. */
  value: unknown;
  /** What the structural schema refuses (types, required fields, enums, bounds). */
  errors: FieldError[];
  /**
   * What the schema's CEL rules refuse. The real server evaluates them only when the
   * structural checks found nothing blocking (see {@link isBlockingSchemaError}).
   */
  ruleErrors: FieldError[];
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
  const found: Found = { errors: [], ruleErrors: [], unknown: [] };
  const out = walk(schema, value, path, found);
  return { value: out, ...found };
}

/**
 * Whether an error stops the CEL rules from running (apiextensions' `hasBlockingErr`):
 * a type, required, enum, length or count failure. A bound (`minimum`) is not one.
 */
export function isBlockingSchemaError(error: FieldError): boolean {
  return ['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid'].includes(error.type);
}

interface Found {
  errors: FieldError[];
  ruleErrors: FieldError[];
  unknown: string[];
}

/** The error of a failed rule: a scalar shows its value, an object or a list does not. */
function ruleError(path: string, value: unknown, message: string): FieldError {
  if (typeof value === 'object' && value !== null) return { type: 'FieldValueInvalid', field: path, omitValue: true, detail: message };
  return { type: 'FieldValueInvalid', field: path, value, detail: message };
}

/**
 * `path` names the node as the structural checks do (`spec.ports.http`), `rulePath` as the
 * CEL pass does (`spec.ports[http]`): they differ for map entries.
 */
function walk(schema: Schema, value: unknown, path: string, found: Found, rulePath = path): unknown {
  // The CEL pass checks a node before what is below it; its children come first here.
  const ruleAt = found.ruleErrors.length;
  const out = walkNode(schema, value, path, found, rulePath);
  if (out.typed && schema.rules) {
    const failed = schema.rules.filter((r) => !r.holds(out.value)).map((r) => ruleError(rulePath, out.value, r.message));
    found.ruleErrors.splice(ruleAt, 0, ...failed);
  }
  return out.value;
}

const DURATION_RULE = 'must be a valid duration greater than 1ms';

/** The node checked and pruned; `typed` when it has the schema's type (so its rules apply). */
function walkNode(schema: Schema, value: unknown, path: string, found: Found, rulePath: string): { value: unknown; typed: boolean } {
  const { errors, unknown } = found;
  const wrongType = (expected: string) => {
    errors.push(typeError(path, expected, value));
    return { value, typed: false };
  };
  switch (schema.type) {
    case 'object': {
      if (!isRecord(value)) return wrongType('object');
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const childPath = `${path}.${key}`;
        const declared = schema.properties?.[key];
        const childSchema = declared ?? schema.additionalProperties;
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
        out[key] = walk(childSchema, child, childPath, found, declared ? `${rulePath}.${key}` : `${rulePath}[${key}]`);
      }
      for (const key of schema.required ?? []) {
        if (!(key in out)) errors.push({ type: 'FieldValueRequired', field: `${path}.${key}`, detail: '' });
      }
      return { value: out, typed: true };
    }
    case 'array': {
      if (!Array.isArray(value)) return wrongType('array');
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        errors.push({ type: 'FieldValueInvalid', field: path, value: value.length, detail: `${path} in body should have at least ${schema.minItems} items` });
      }
      const out = value.map((item, index) => {
        if (item === null && !(schema.items.nullable ?? false)) {
          errors.push(typeError(`${path}[${index}]`, schema.items.type === 'int-or-string' ? 'string' : schema.items.type, item));
          return item;
        }
        return walk(schema.items, item, `${path}[${index}]`, found, `${rulePath}[${index}]`);
      });
      return { value: out, typed: true };
    }
    case 'string': {
      if (typeof value !== 'string') return wrongType('string');
      if (schema.enum && !schema.enum.includes(value)) {
        errors.push({
          type: 'FieldValueNotSupported',
          field: path,
          value,
          detail: `supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
        });
      }
      if (schema.duration) {
        // `duration(self) >= duration('1ms')`: a text CEL cannot convert fails the evaluation itself.
        const ns = parseGoDuration(value);
        if (ns === undefined) {
          found.ruleErrors.push({ type: 'FieldValueInvalid', field: rulePath, value: 'string', detail: `type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: ${DURATION_RULE}` });
        } else if (ns < 1e6) {
          found.ruleErrors.push({ type: 'FieldValueInvalid', field: rulePath, value, detail: DURATION_RULE });
        }
      }
      return { value, typed: true };
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType('integer');
      if (schema.minimum !== undefined && value < schema.minimum) {
        errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `${path} in body should be greater than or equal to ${schema.minimum}` });
      }
      if (schema.maximum !== undefined && value > schema.maximum) {
        errors.push({ type: 'FieldValueInvalid', field: path, value, detail: `${path} in body should be less than or equal to ${schema.maximum}` });
      }
      return { value, typed: true };
    }
    case 'number':
      return typeof value === 'number' ? { value, typed: true } : wrongType('number');
    case 'boolean':
      return typeof value === 'boolean' ? { value, typed: true } : wrongType('boolean');
    case 'int-or-string':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? { value, typed: true } : wrongType('integer,string');
  }
}

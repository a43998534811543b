/**
 * Schema pieces the Istio CRDs (istio/api `kubernetes/customresourcedefinitions.gen.yaml`)
 * repeat from type to type.
 */
import type { Rule, Schema } from './schema';

export const STRING: Schema = { type: 'string' };
export const STRING_LIST: Schema = { type: 'array', items: STRING };
export const STRING_MAP: Schema = { type: 'object', additionalProperties: STRING };
export const BOOLEAN: Schema = { type: 'boolean' };
/** A protobuf wrapper (`google.protobuf.BoolValue`): null is kept. */
export const NULLABLE_BOOLEAN: Schema = { type: 'boolean', nullable: true };
/** `type: string` with Istio's CEL rule `duration(self) >= duration('1ms')`. */
export const DURATION: Schema = { type: 'string', duration: true };
/** A protobuf uint32: `minimum: 0, maximum: 4294967295`. */
export const UINT32: Schema = { type: 'integer', minimum: 0, maximum: 4294967295 };
/** `format: int32` (the format's bounds are not checked). */
export const INT32: Schema = { type: 'integer' };
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `0 < self && self <= 65535`. */
export const PORT_RANGE_RULE: Rule = { message: 'port must be between 1-65535', holds: (v) => typeof v === 'number' && v > 0 && v <= 65535 };
/** A uint32 port number with Istio's range rule. */
export const PORT_NUMBER: Schema = { ...UINT32, rules: [PORT_RANGE_RULE] };

/** `has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1`, as the CRDs word it. */
export function atMostOneOf(a: string, b: string, message: string): Rule {
  return { message, holds: (v) => !(isRecord(v) && a in v && b in v) };
}

/** `workloadSelector` of ServiceEntry, Sidecar, EnvoyFilter, ...: labels only, no wildcard in a value. */
export const WORKLOAD_SELECTOR: Schema = {
  type: 'object',
  properties: {
    labels: { type: 'object', additionalProperties: { type: 'string', rules: [{ message: 'wildcard is not supported in selector', holds: (v) => typeof v === 'string' && !v.includes('*') }] } },
  },
};
/** `selector` of ProxyConfig (and the matchLabels form elsewhere). */
export const MATCH_LABELS_SELECTOR: Schema = { type: 'object', properties: { matchLabels: STRING_MAP } };

/**
 * A `Port` (Gateway servers, Sidecar listeners, ServiceEntry ports); `required` differs per
 * type, and only ServiceEntry checks the range of its numbers.
 */
export function portSchema(required: string[] = [], number: Schema = UINT32): Schema {
  return { type: 'object', properties: { name: STRING, number, protocol: STRING, targetPort: number }, ...(required.length > 0 ? { required } : {}) };
}

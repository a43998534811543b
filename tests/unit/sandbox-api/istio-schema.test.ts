import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateKind } from '@/lib/sandbox/api/validation/kinds';
import { RESOURCE_TYPES } from '@/lib/sandbox/api/resources';
import { applySchema, parseGoDuration } from '@/lib/sandbox/api/validation/schema';
import { VIRTUAL_SERVICE_SPEC } from '@/lib/sandbox/api/validation/istio-schema';
import type { K8sObject } from '@/lib/wire';

const CORPUS = join(process.cwd(), 'tests', 'fixtures', 'corpus', 'virtualservices');
const vsType = RESOURCE_TYPES.find((t) => t.kind === 'VirtualService');
const drType = RESOURCE_TYPES.find((t) => t.kind === 'DestinationRule');

function corpusObjects(): { file: string; object: K8sObject }[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(CORPUS, file), 'utf8'))
        .map((d) => d.toJS() as K8sObject | null)
        .filter((o): o is K8sObject => o !== null)
        .map((object) => ({ file, object })),
    );
}

/** Corpus files whose fields today's Istio CRDs no longer declare (a real cluster prunes them). */
const PRUNED: Record<string, string[]> = {
  '04-bookinfo-ratings-abort-legacy-percent.yaml': ['spec.http[0].fault.abort.percent'],
  '10-testns-websocket-route.yaml': ['spec.http[0].websocketUpgrade'],
  '40-kiali-refs-misplaced-destination-weight.yaml': ['spec.http[0].route[2].destination.weight'],
};
/** Corpus files the real CRD refuses (a tls match needs sniHosts). */
const INVALID = new Set(['29-argo-rollouts-unit-mixed-http-tls-tcp.yaml']);

describe('Istio CRD schemas', () => {
  it('finds the VirtualService and DestinationRule types', () => {
    expect(vsType?.custom).toBe(true);
    expect(drType?.custom).toBe(true);
  });

  it.each(corpusObjects().map((c) => [c.file, c.object.kind ?? '', c.object] as const))('%s (%s): keeps every declared field, prunes only undeclared ones', (file, kind, object) => {
    const type = kind === 'VirtualService' ? vsType : drType;
    if (!type) throw new Error('type missing');
    const result = validateKind(type, object, undefined);
    const expectedUnknown = kind === 'VirtualService' ? (PRUNED[file] ?? []) : [];
    expect(result.unknownFields).toEqual(expectedUnknown);
    if (expectedUnknown.length === 0) expect(result.object).toEqual(object);
    if (kind === 'VirtualService') expect(result.errors.length > 0).toBe(INVALID.has(file));
  });

  it('refuses a string weight and a scalar hosts with the apiextensions messages', () => {
    const result = applySchema(VIRTUAL_SERVICE_SPEC, { hosts: 'a', http: [{ route: [{ destination: { host: 'a' }, weight: '10' }] }] }, 'spec');
    expect(result.errors).toEqual([
      { type: 'FieldValueTypeInvalid', field: 'spec.hosts', value: 'string', detail: 'spec.hosts in body must be of type array: "string"' },
      { type: 'FieldValueTypeInvalid', field: 'spec.http[0].route[0].weight', value: 'string', detail: 'spec.http[0].route[0].weight in body must be of type integer: "string"' },
    ]);
  });

  it('requires destination.host, and bounds port numbers', () => {
    const result = applySchema(VIRTUAL_SERVICE_SPEC, { http: [{ route: [{ destination: { port: { number: -1 } } }] }] }, 'spec');
    expect(result.errors.map((e) => `${e.field} ${e.type}`)).toEqual(['spec.http[0].route[0].destination.port.number FieldValueInvalid', 'spec.http[0].route[0].destination.host FieldValueRequired']);
  });

  it('drops nulls where the schema is not nullable', () => {
    expect(applySchema(VIRTUAL_SERVICE_SPEC, { hosts: ['a'], gateways: null }, 'spec').value).toEqual({ hosts: ['a'] });
  });

  it('checks durations as the CEL rule does', () => {
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('1h2m')).toBe(3720e9);
    expect(parseGoDuration('soon')).toBeUndefined();
    const result = applySchema(VIRTUAL_SERVICE_SPEC, { http: [{ timeout: '0.5ms' }, { timeout: 'x' }, { timeout: '10s' }] }, 'spec');
    expect(result.errors).toEqual([]);
    expect(result.ruleErrors.map((e) => e.field)).toEqual(['spec.http[0].timeout', 'spec.http[1].timeout']);
  });
});

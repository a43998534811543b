import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateKind } from '@/lib/sandbox/api/validation/kinds';
import { RESOURCE_TYPES } from '@/lib/sandbox/api/resources';
import { applySchema, parseGoDuration } from '@/lib/sandbox/api/validation/schema';
import { VIRTUAL_SERVICE_SPEC } from '@/lib/sandbox/api/validation/istio-schema';
import { GATEWAY_SPEC, SERVICE_ENTRY_SPEC, WORKLOAD_ENTRY_SPEC } from '@/lib/sandbox/api/validation/istio-schema-mesh';
import { fieldErrorText } from '@/lib/sandbox/api/status';
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

  it('checks durations as the CEL rule does: too short, or not a duration at all', () => {
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('1h2m')).toBe(3720e9);
    expect(parseGoDuration('soon')).toBeUndefined();
    const result = applySchema(VIRTUAL_SERVICE_SPEC, { http: [{ timeout: '0.5ms' }, { timeout: 'x' }, { timeout: '10s' }] }, 'spec');
    expect(result.errors).toEqual([]);
    expect(result.ruleErrors.map(fieldErrorText)).toEqual([
      'spec.http[0].timeout: Invalid value: "0.5ms": must be a valid duration greater than 1ms',
      "spec.http[1].timeout: Invalid value: \"string\": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: must be a valid duration greater than 1ms",
    ]);
  });
});

describe('mirrored CEL rules', () => {
  const ruleTexts = (schema: Parameters<typeof applySchema>[0], value: unknown) => applySchema(schema, value, 'spec').ruleErrors.map(fieldErrorText);

  it("checks a ServiceEntry as the real server words it: the node's rules before those below it", () => {
    const entry = {
      hosts: ['*'],
      ports: [{ number: 80, name: 'a' }, { number: 80, name: 'b' }],
      endpoints: [{ address: '1.1.1.1' }],
      workloadSelector: { labels: { app: 'a*' } },
    };
    expect(ruleTexts(SERVICE_ENTRY_SPEC, entry)).toEqual([
      'spec: Invalid value: only one of WorkloadSelector or Endpoints can be set',
      'spec: Invalid value: NONE mode cannot set endpoints',
      'spec.hosts[0]: Invalid value: "*": hostname cannot be wildcard',
      'spec.ports: Invalid value: port number cannot be duplicated',
      'spec.workloadSelector.labels[app]: Invalid value: "a*": wildcard is not supported in selector',
    ]);
  });

  it('checks resolutions, endpoints and Unix sockets', () => {
    expect(ruleTexts(SERVICE_ENTRY_SPEC, { hosts: ['a'], addresses: ['10.0.0.0/8'], resolution: 'DNS' })).toEqual(['spec: Invalid value: CIDR addresses are allowed only for NONE/STATIC resolution types']);
    expect(ruleTexts(SERVICE_ENTRY_SPEC, { hosts: ['a'], resolution: 'DNS_ROUND_ROBIN', endpoints: [{ address: '1.1.1.1' }, { network: 'n' }, { labels: {} }] })).toEqual([
      'spec: Invalid value: DNS_ROUND_ROBIN mode cannot have multiple endpoints',
      'spec.endpoints[2]: Invalid value: Address is required',
    ]);
    expect(ruleTexts(WORKLOAD_ENTRY_SPEC, { address: 'unix://rel/', ports: { 'bad name': 70000 } })).toEqual([
      'spec: Invalid value: UDS may not include ports',
      'spec.address: Invalid value: "unix://rel/": UDS must be an absolute path or abstract socket',
      'spec.address: Invalid value: "unix://rel/": UDS may not be a dir',
      'spec.ports: Invalid value: port name must be valid',
      'spec.ports[bad name]: Invalid value: 70000: port must be between 1-65535',
    ]);
  });

  it('requires at least one ServiceEntry host, structurally', () => {
    expect(applySchema(SERVICE_ENTRY_SPEC, { hosts: [] }, 'spec').errors.map(fieldErrorText)).toEqual(['spec.hosts: Invalid value: 0: spec.hosts in body should have at least 1 items']);
  });

  it('lets a Gateway server name one kind of TLS credential only', () => {
    const server = { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { credentialName: 'a', credentialNames: ['b'] } };
    expect(ruleTexts(GATEWAY_SPEC, { servers: [server] })).toEqual(['spec.servers[0].tls: Invalid value: only one of credentialName or credentialNames can be set']);
  });

  it('reports rules only where the value has its type', () => {
    expect(ruleTexts(SERVICE_ENTRY_SPEC, { hosts: 'x', ports: 'y' })).toEqual([]);
  });
});

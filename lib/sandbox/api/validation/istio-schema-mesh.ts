/**
 * The schemas of the Istio networking CRDs besides VirtualService and DestinationRule
 * (istio/api `kubernetes/customresourcedefinitions.gen.yaml`, Istio 1.32), as far as the
 * sandbox mirrors them. ServiceEntry and WorkloadEntry are mirrored field for field;
 * Gateway and Sidecar down to their servers and listeners (connection pools are
 * type-checked as objects only); WorkloadGroup, ProxyConfig and EnvoyFilter at the top
 * level, with the parts holding free-form Envoy or probe configuration kept whole.
 * Every served version of a CRD shares one schema, as in the real CRDs.
 *
 * The CEL rules (`x-kubernetes-validations`) of ServiceEntry, WorkloadEntry, the TLS
 * settings and workload selectors are mirrored.
 *
 * Known debt:
 * - the CEL rules of WorkloadGroup probes, Sidecar connection pools, ProxyConfig selectors
 *   and EnvoyFilter matches are not checked, nor the length and count limits (`maxLength`,
 *   `maxItems`) but ServiceEntry's `minItems` on hosts.
 */
import type { Rule, Schema } from './schema';
import {
  atMostOneOf,
  BOOLEAN,
  INT32,
  MATCH_LABELS_SELECTOR,
  NULLABLE_BOOLEAN,
  PORT_NUMBER,
  portSchema,
  STRING,
  STRING_LIST,
  STRING_MAP,
  UINT32,
  WORKLOAD_SELECTOR,
} from './istio-schema-parts';

const PRESERVED: Schema = { type: 'object', preserveUnknown: true };
const TLS_VERSION: Schema = { type: 'string', enum: ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringAt(value: unknown, key: string): string | undefined {
  const found = isRecord(value) ? value[key] : undefined;
  return typeof found === 'string' ? found : undefined;
}

const UDS = 'unix://';
const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** A workload's address: a Unix domain socket must be absolute (or abstract), and not a directory. */
const WORKLOAD_ADDRESS: Schema = {
  type: 'string',
  rules: [
    { message: 'UDS must be an absolute path or abstract socket', holds: (v) => typeof v !== 'string' || !v.startsWith(UDS) || ['/', '@'].includes(v.slice(7, 8)) },
    { message: 'UDS may not be a dir', holds: (v) => typeof v !== 'string' || !v.startsWith(UDS) || !v.endsWith('/') },
  ],
};

/** A workload's `ports`: name → number, names DNS-label-like. */
const WORKLOAD_PORTS: Schema = {
  type: 'object',
  additionalProperties: PORT_NUMBER,
  rules: [{ message: 'port name must be valid', holds: (v) => isRecord(v) && Object.keys(v).every((k) => k.length < 63 && PORT_NAME.test(k)) }],
};

/** A workload with a Unix socket address has no ports. */
const UDS_WITHOUT_PORTS: Rule = { message: 'UDS may not include ports', holds: (v) => !(stringAt(v, 'address') ?? '').startsWith(UDS) || !(isRecord(v) && 'ports' in v) };
const ADDRESS_REQUIRED: Rule = { message: 'Address is required', holds: (v) => isRecord(v) && ('address' in v || 'network' in v) };

/** A WorkloadEntry's fields, also a ServiceEntry's endpoint and a WorkloadGroup's template. */
function workloadEntry(rules: Rule[]): Schema {
  return {
    type: 'object',
    properties: {
      address: WORKLOAD_ADDRESS,
      labels: STRING_MAP,
      locality: STRING,
      network: STRING,
      ports: WORKLOAD_PORTS,
      serviceAccount: STRING,
      weight: UINT32,
    },
    rules,
  };
}

const WORKLOAD_ENTRY = workloadEntry([ADDRESS_REQUIRED, UDS_WITHOUT_PORTS]);

/** `has(self.resolution) ? self.resolution : fallback`. */
function resolutionOf(spec: unknown, fallback: string): string {
  return stringAt(spec, 'resolution') ?? fallback;
}

function listAt(value: unknown, key: string): unknown[] {
  const found = isRecord(value) ? value[key] : undefined;
  return Array.isArray(found) ? found : [];
}

/** `.spec` of ServiceEntry. */
export const SERVICE_ENTRY_SPEC: Schema = {
  type: 'object',
  properties: {
    addresses: STRING_LIST,
    endpoints: { type: 'array', items: WORKLOAD_ENTRY },
    exportTo: STRING_LIST,
    hosts: { type: 'array', items: { type: 'string', rules: [{ message: 'hostname cannot be wildcard', holds: (v) => v !== '*' }] }, minItems: 1 },
    location: { type: 'string', enum: ['MESH_EXTERNAL', 'MESH_INTERNAL'] },
    ports: {
      type: 'array',
      items: portSchema(['number', 'name'], PORT_NUMBER),
      rules: [
        {
          message: 'port number cannot be duplicated',
          holds: (v) => {
            const numbers = Array.isArray(v) ? v.map((p) => (isRecord(p) ? p.number : undefined)) : [];
            return new Set(numbers).size === numbers.length;
          },
        },
      ],
    },
    resolution: { type: 'string', enum: ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] },
    subjectAltNames: STRING_LIST,
    workloadSelector: WORKLOAD_SELECTOR,
  },
  required: ['hosts'],
  rules: [
    atMostOneOf('workloadSelector', 'endpoints', 'only one of WorkloadSelector or Endpoints can be set'),
    {
      message: 'CIDR addresses are allowed only for NONE/STATIC resolution types',
      holds: (v) => !(listAt(v, 'addresses').some((a) => typeof a === 'string' && a.includes('/')) && !['STATIC', 'NONE'].includes(resolutionOf(v, 'NONE'))),
    },
    { message: 'NONE mode cannot set endpoints', holds: (v) => resolutionOf(v, 'NONE') !== 'NONE' || !(isRecord(v) && 'endpoints' in v) },
    { message: 'DNS_ROUND_ROBIN mode cannot have multiple endpoints', holds: (v) => resolutionOf(v, '') !== 'DNS_ROUND_ROBIN' || listAt(v, 'endpoints').length <= 1 },
  ],
};

/** `.spec` of WorkloadEntry. */
export const WORKLOAD_ENTRY_SPEC: Schema = WORKLOAD_ENTRY;

/** `.spec` of WorkloadGroup; the health `probe` is type-checked as an object only. */
export const WORKLOAD_GROUP_SPEC: Schema = {
  type: 'object',
  properties: {
    metadata: { type: 'object', properties: { annotations: STRING_MAP, labels: STRING_MAP } },
    probe: PRESERVED,
    template: workloadEntry([UDS_WITHOUT_PORTS]),
  },
  required: ['template'],
};

/** `ServerTLSSettings`, of Gateway servers and Sidecar ingress listeners. */
const SERVER_TLS: Schema = {
  type: 'object',
  rules: [
    atMostOneOf('tlsCertificates', 'credentialNames', 'only one of credentialNames or tlsCertificates can be set'),
    atMostOneOf('credentialName', 'credentialNames', 'only one of credentialName or credentialNames can be set'),
    // (The CRD's third rule repeats the first under another message.)
    atMostOneOf('credentialNames', 'tlsCertificates', 'only one of credentialName or tlsCertificates can be set'),
  ],
  properties: {
    alpnProtocols: STRING_LIST,
    caCertCredentialName: STRING,
    caCertificates: STRING,
    caCrl: STRING,
    cipherSuites: STRING_LIST,
    credentialName: STRING,
    credentialNames: STRING_LIST,
    ecdhCurves: STRING_LIST,
    httpsRedirect: BOOLEAN,
    insecureSkipVerify: NULLABLE_BOOLEAN,
    maxProtocolVersion: TLS_VERSION,
    minProtocolVersion: TLS_VERSION,
    mode: { type: 'string', enum: ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'] },
    privateKey: STRING,
    serverCertificate: STRING,
    subjectAltNames: STRING_LIST,
    tlsCertificates: { type: 'array', items: { type: 'object', properties: { caCertificates: STRING, privateKey: STRING, serverCertificate: STRING } } },
    verifyCertificateHash: STRING_LIST,
    verifyCertificateSpki: STRING_LIST,
  },
};

/** `.spec` of Gateway. */
export const GATEWAY_SPEC: Schema = {
  type: 'object',
  properties: {
    selector: STRING_MAP,
    servers: {
      type: 'array',
      items: {
        type: 'object',
        properties: { bind: STRING, defaultEndpoint: STRING, hosts: STRING_LIST, name: STRING, port: portSchema(['number', 'protocol', 'name']), tls: SERVER_TLS },
        required: ['port', 'hosts'],
      },
    },
  },
};

const CAPTURE_MODE: Schema = { type: 'string', enum: ['DEFAULT', 'IPTABLES', 'NONE'] };

/** `.spec` of Sidecar; connection pools are type-checked as objects only. */
export const SIDECAR_SPEC: Schema = {
  type: 'object',
  properties: {
    egress: {
      type: 'array',
      items: { type: 'object', properties: { bind: STRING, captureMode: CAPTURE_MODE, hosts: STRING_LIST, port: portSchema() }, required: ['hosts'] },
    },
    inboundConnectionPool: PRESERVED,
    ingress: {
      type: 'array',
      items: {
        type: 'object',
        properties: { bind: STRING, captureMode: CAPTURE_MODE, connectionPool: PRESERVED, defaultEndpoint: STRING, port: portSchema(), tls: SERVER_TLS },
        required: ['port'],
      },
    },
    outboundTrafficPolicy: {
      type: 'object',
      properties: {
        egressProxy: { type: 'object', properties: { host: STRING, port: { type: 'object', properties: { number: UINT32 } }, subset: STRING }, required: ['host'] },
        mode: { type: 'string', enum: ['REGISTRY_ONLY', 'ALLOW_ANY'] },
      },
    },
    workloadSelector: WORKLOAD_SELECTOR,
  },
};

/** `.spec` of ProxyConfig. */
export const PROXY_CONFIG_SPEC: Schema = {
  type: 'object',
  properties: {
    concurrency: { type: 'integer', minimum: 0, nullable: true },
    environmentVariables: STRING_MAP,
    image: { type: 'object', properties: { imageType: STRING } },
    selector: MATCH_LABELS_SELECTOR,
  },
};

/** `.spec` of EnvoyFilter; a patch's `match` and `value` are Envoy configuration, kept whole. */
export const ENVOY_FILTER_SPEC: Schema = {
  type: 'object',
  properties: {
    configPatches: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          applyTo: {
            type: 'string',
            enum: ['INVALID', 'LISTENER', 'FILTER_CHAIN', 'NETWORK_FILTER', 'HTTP_FILTER', 'ROUTE_CONFIGURATION', 'VIRTUAL_HOST', 'HTTP_ROUTE', 'CLUSTER', 'EXTENSION_CONFIG', 'BOOTSTRAP', 'LISTENER_FILTER'],
          },
          match: PRESERVED,
          patch: {
            type: 'object',
            properties: {
              filterClass: { type: 'string', enum: ['UNSPECIFIED', 'AUTHN', 'AUTHZ', 'STATS'] },
              operation: { type: 'string', enum: ['INVALID', 'MERGE', 'ADD', 'REMOVE', 'INSERT_BEFORE', 'INSERT_AFTER', 'INSERT_FIRST', 'REPLACE', 'MERGE_AND_REPLACE_LIST'] },
              value: PRESERVED,
            },
          },
        },
      },
    },
    priority: INT32,
    targetRefs: {
      type: 'array',
      items: { type: 'object', properties: { group: STRING, kind: STRING, name: STRING, namespace: STRING }, required: ['kind', 'name'] },
    },
    workloadSelector: WORKLOAD_SELECTOR,
  },
};

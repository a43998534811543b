/**
 * The parts of Istio's CRD schemas (istio/api `kubernetes/customresourcedefinitions.gen.yaml`)
 * that the sandbox mirrors. VirtualService is mirrored field for field, so unknown
 * fields are pruned exactly where a real cluster prunes them (e.g. the long-gone
 * `websocketUpgrade`, or `fault.abort.percent`). DestinationRule mirrors the top level
 * and subsets; its `trafficPolicy` is kept whole, without pruning.
 *
 * All three served versions share one schema, as in the real CRDs.
 */
import type { Schema } from './schema';
import {
  DURATION as duration,
  INT32 as int32,
  MATCH_LABELS_SELECTOR,
  STRING as str,
  STRING_LIST as strList,
  STRING_MAP as strMap,
  UINT32 as uint32,
} from './istio-schema-parts';

const percent: Schema = { type: 'object', properties: { value: { type: 'number' } } };
const stringMatch: Schema = { type: 'object', properties: { exact: str, prefix: str, regex: str } };
const stringMatchMap: Schema = { type: 'object', additionalProperties: stringMatch };

const destination: Schema = {
  type: 'object',
  properties: { host: str, port: { type: 'object', properties: { number: uint32 } }, subset: str },
  required: ['host'],
};

const headerOperations: Schema = { type: 'object', properties: { add: strMap, remove: strList, set: strMap } };
const headers: Schema = { type: 'object', properties: { request: headerOperations, response: headerOperations } };

const httpMatch: Schema = {
  type: 'object',
  properties: {
    authority: stringMatch,
    gateways: strList,
    headers: stringMatchMap,
    ignoreUriCase: { type: 'boolean' },
    method: stringMatch,
    name: str,
    port: uint32,
    queryParams: stringMatchMap,
    scheme: stringMatch,
    sourceLabels: strMap,
    sourceNamespace: str,
    statPrefix: str,
    uri: stringMatch,
    withoutHeaders: stringMatchMap,
  },
};

const httpRoute: Schema = {
  type: 'object',
  properties: {
    corsPolicy: {
      type: 'object',
      properties: {
        allowCredentials: { type: 'boolean', nullable: true },
        allowHeaders: strList,
        allowMethods: strList,
        allowOrigin: strList,
        allowOrigins: { type: 'array', items: stringMatch },
        exposeHeaders: strList,
        maxAge: duration,
        unmatchedPreflights: { type: 'string', enum: ['UNSPECIFIED', 'FORWARD', 'IGNORE'] },
      },
    },
    delegate: { type: 'object', properties: { name: str, namespace: str } },
    directResponse: {
      type: 'object',
      properties: { body: { type: 'object', properties: { bytes: str, string: str } }, status: uint32 },
      required: ['status'],
    },
    fault: {
      type: 'object',
      properties: {
        abort: { type: 'object', properties: { grpcStatus: str, http2Error: str, httpStatus: int32, percentage: percent } },
        delay: { type: 'object', properties: { exponentialDelay: duration, fixedDelay: duration, percent: int32, percentage: percent } },
      },
    },
    headers,
    match: { type: 'array', items: httpMatch },
    mirror: destination,
    mirror_percent: { ...uint32, nullable: true },
    mirrorPercent: { ...uint32, nullable: true },
    mirrorPercentage: percent,
    mirrors: { type: 'array', items: { type: 'object', properties: { destination, percentage: percent }, required: ['destination'] } },
    name: str,
    redirect: {
      type: 'object',
      properties: {
        authority: str,
        derivePort: { type: 'string', enum: ['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'] },
        port: uint32,
        redirectCode: uint32,
        scheme: str,
        uri: str,
      },
    },
    retries: {
      type: 'object',
      properties: {
        attempts: int32,
        backoff: duration,
        perTryTimeout: duration,
        retryIgnorePreviousHosts: { type: 'boolean', nullable: true },
        retryOn: str,
        retryRemoteLocalities: { type: 'boolean', nullable: true },
      },
    },
    rewrite: {
      type: 'object',
      properties: { authority: str, uri: str, uriRegexRewrite: { type: 'object', properties: { match: str, rewrite: str } } },
    },
    route: {
      type: 'array',
      items: { type: 'object', properties: { destination, headers, weight: int32 }, required: ['destination'] },
    },
    timeout: duration,
  },
};

const l4Destination: Schema = {
  type: 'array',
  items: { type: 'object', properties: { destination, weight: int32 }, required: ['destination'] },
};

const tcpRoute: Schema = {
  type: 'object',
  properties: {
    match: {
      type: 'array',
      items: {
        type: 'object',
        properties: { destinationSubnets: strList, gateways: strList, port: uint32, sourceLabels: strMap, sourceNamespace: str, sourceSubnet: str },
      },
    },
    route: l4Destination,
  },
};

const tlsRoute: Schema = {
  type: 'object',
  properties: {
    match: {
      type: 'array',
      items: {
        type: 'object',
        properties: { destinationSubnets: strList, gateways: strList, port: uint32, sniHosts: strList, sourceLabels: strMap, sourceNamespace: str },
        required: ['sniHosts'],
      },
    },
    route: l4Destination,
  },
  required: ['match'],
};

/** `.spec` of VirtualService (v1, v1beta1, v1alpha3). */
export const VIRTUAL_SERVICE_SPEC: Schema = {
  type: 'object',
  properties: {
    exportTo: strList,
    gateways: strList,
    hosts: strList,
    http: { type: 'array', items: httpRoute },
    tcp: { type: 'array', items: tcpRoute },
    tls: { type: 'array', items: tlsRoute },
  },
};

/** `.spec` of DestinationRule; `trafficPolicy` is type-checked as an object only. */
export const DESTINATION_RULE_SPEC: Schema = {
  type: 'object',
  properties: {
    exportTo: strList,
    host: str,
    subsets: {
      type: 'array',
      items: {
        type: 'object',
        properties: { labels: strMap, name: str, trafficPolicy: { type: 'object', preserveUnknown: true } },
        required: ['name'],
      },
    },
    trafficPolicy: { type: 'object', preserveUnknown: true },
    workloadSelector: MATCH_LABELS_SELECTOR,
  },
  required: ['host'],
};

/** `.status` of every Istio CRD: preserved as written. */
export const ISTIO_STATUS: Schema = { type: 'object', preserveUnknown: true };

/**
 * Checked views of Istio's networking objects, for the mesh's routing. Only the fields the
 * sandbox's data plane acts on are named (see lib/sandbox/scenarios/README.md for what is
 * and is not simulated); everything else passes through unread.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
import { z } from 'zod';
import { MetaSchema } from './shapes';

const StringMap = z.record(z.string(), z.string());

/** Istio's StringMatch: exactly one of exact, prefix, regex (an empty one matches presence). */
export const StringMatchSchema = z.looseObject({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});

/** Istio's HTTPMatchRequest, as far as the mesh reads it. */
export const HTTPMatchRequestSchema = z.looseObject({
  name: z.string().optional(),
  uri: StringMatchSchema.optional(),
  scheme: StringMatchSchema.optional(),
  method: StringMatchSchema.optional(),
  authority: StringMatchSchema.optional(),
  headers: z.record(z.string(), StringMatchSchema).optional(),
  withoutHeaders: z.record(z.string(), StringMatchSchema).optional(),
  queryParams: z.record(z.string(), StringMatchSchema).optional(),
  port: z.number().optional(),
  sourceLabels: StringMap.optional(),
  sourceNamespace: z.string().optional(),
  gateways: z.array(z.string()).optional(),
  ignoreUriCase: z.boolean().optional(),
});

/** Istio's HeaderOperations, as far as the mesh reads it. */
export const HeaderOperationsSchema = z.looseObject({
  set: StringMap.optional(),
  add: StringMap.optional(),
  remove: z.array(z.string()).optional(),
});

/** Istio's Headers, as far as the mesh reads it. */
export const HeadersSchema = z.looseObject({
  request: HeaderOperationsSchema.optional(),
  response: HeaderOperationsSchema.optional(),
});

/** Istio's Destination, as far as the mesh reads it. */
export const DestinationSchema = z.looseObject({
  host: z.string(),
  subset: z.string().optional(),
  port: z.looseObject({ number: z.number().optional() }).optional(),
});

/** Istio's HTTPRouteDestination, as far as the mesh reads it. */
export const HTTPRouteDestinationSchema = z.looseObject({
  destination: DestinationSchema,
  weight: z.number().optional(),
  headers: HeadersSchema.optional(),
});

const PercentSchema = z.looseObject({ value: z.number().optional() });

/** Istio's HTTPRoute, as far as the mesh reads it. */
export const HTTPRouteSchema = z.looseObject({
  name: z.string().optional(),
  match: z.array(HTTPMatchRequestSchema).optional(),
  route: z.array(HTTPRouteDestinationSchema).optional(),
  redirect: z
    .looseObject({
      uri: z.string().optional(),
      authority: z.string().optional(),
      scheme: z.string().optional(),
      port: z.number().optional(),
      redirectCode: z.number().optional(),
    })
    .optional(),
  directResponse: z
    .looseObject({
      status: z.number(),
      body: z.looseObject({ string: z.string().optional(), bytes: z.string().optional() }).optional(),
    })
    .optional(),
  rewrite: z.looseObject({ uri: z.string().optional(), authority: z.string().optional() }).optional(),
  fault: z
    .looseObject({
      delay: z
        .looseObject({
          fixedDelay: z.string().optional(),
          percentage: PercentSchema.optional(),
          percent: z.number().optional(),
        })
        .optional(),
      abort: z
        .looseObject({
          httpStatus: z.number().optional(),
          percentage: PercentSchema.optional(),
          percent: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  headers: HeadersSchema.optional(),
});

/** Istio's VirtualService, as far as the mesh reads it. */
export const VirtualServiceSchema = z.looseObject({
  metadata: MetaSchema,
  spec: z.looseObject({
    hosts: z.array(z.string()).optional(),
    gateways: z.array(z.string()).optional(),
    exportTo: z.array(z.string()).optional(),
    http: z.array(HTTPRouteSchema).optional(),
  }),
});

/** Istio's DestinationRule, as far as the mesh reads it. */
export const DestinationRuleSchema = z.looseObject({
  metadata: MetaSchema,
  spec: z.looseObject({
    host: z.string(),
    exportTo: z.array(z.string()).optional(),
    subsets: z.array(z.looseObject({ name: z.string(), labels: StringMap.optional() })).optional(),
    trafficPolicy: z
      .looseObject({ loadBalancer: z.looseObject({ simple: z.string().optional() }).optional() })
      .optional(),
  }),
});

/** Parsed StringMatch. */
export type StringMatch = z.infer<typeof StringMatchSchema>;
/** Parsed HTTPMatchRequest. */
export type HTTPMatchRequest = z.infer<typeof HTTPMatchRequestSchema>;
/** Parsed HeaderOperations. */
export type HeaderOperations = z.infer<typeof HeaderOperationsSchema>;
/** Parsed HTTPRouteDestination. */
export type HTTPRouteDestination = z.infer<typeof HTTPRouteDestinationSchema>;
/** Parsed HTTPRoute. */
export type HTTPRoute = z.infer<typeof HTTPRouteSchema>;
/** Parsed VirtualService. */
export type VirtualService = z.infer<typeof VirtualServiceSchema>;
/** Parsed DestinationRule. */
export type DestinationRule = z.infer<typeof DestinationRuleSchema>;

/**
 * Typed, checked views of the store's objects for the runtime's own reading. Objects in
 * the store came from anyone (kubectl, the dashboard, scenarios), so the runtime parses
 * what it reads instead of trusting a cast; an object that does not parse is ignored by
 * the controllers, as a malformed object would be by a real controller's informer.
 *
 * Every schema is loose: unknown fields pass through, nothing is ever written back from
 * these views (writes start from the raw stored object).
 */
import { z } from 'zod';
import type { K8sObject } from '../../wire';

const StringMap = z.record(z.string(), z.string());

/** An ownerReferences entry. */
export const OwnerReferenceSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});

/** ObjectMeta: the fields the runtime reads. */
export const MetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: StringMap.optional(),
  annotations: StringMap.optional(),
  ownerReferences: z.array(OwnerReferenceSchema).optional(),
});

/** A LabelSelector (matchLabels and matchExpressions). */
export const LabelSelectorSchema = z.looseObject({
  matchLabels: StringMap.optional(),
  matchExpressions: z
    .array(z.looseObject({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() }))
    .optional(),
});

const EnvVarSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: z
    .looseObject({ fieldRef: z.looseObject({ fieldPath: z.string() }).optional() })
    .optional(),
});

/** A container of a pod spec. */
export const ContainerSchema = z.looseObject({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(EnvVarSchema).optional(),
  ports: z
    .array(z.looseObject({ containerPort: z.number(), name: z.string().optional(), protocol: z.string().optional() }))
    .optional(),
  restartPolicy: z.string().optional(),
});

/** A pod spec. */
export const PodSpecSchema = z.looseObject({
  containers: z.array(ContainerSchema),
  initContainers: z.array(ContainerSchema).optional(),
  restartPolicy: z.string().optional(),
  activeDeadlineSeconds: z.number().optional(),
  nodeName: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
});

/** A Pod. */
export const PodSchema = z.looseObject({
  metadata: MetaSchema,
  spec: PodSpecSchema,
  status: z
    .looseObject({
      phase: z.string().optional(),
      podIP: z.string().optional(),
      startTime: z.string().optional(),
      reason: z.string().optional(),
      conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).optional(),
      containerStatuses: z
        .array(
          z.looseObject({
            name: z.string(),
            ready: z.boolean().optional(),
            restartCount: z.number().optional(),
            state: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** A pod template of a Deployment or ReplicaSet. */
export const PodTemplateSchema = z.looseObject({
  metadata: z.looseObject({ labels: StringMap.optional(), annotations: StringMap.optional() }).optional(),
  spec: PodSpecSchema,
});

/** An apps/v1 Deployment. */
export const DeploymentSchema = z.looseObject({
  metadata: MetaSchema,
  spec: z.looseObject({
    replicas: z.number().optional(),
    selector: LabelSelectorSchema,
    template: PodTemplateSchema,
    paused: z.boolean().optional(),
  }),
});

/** An apps/v1 ReplicaSet. */
export const ReplicaSetSchema = z.looseObject({
  metadata: MetaSchema,
  spec: z.looseObject({
    replicas: z.number().optional(),
    selector: LabelSelectorSchema,
    template: PodTemplateSchema,
  }),
});

/** A port of a Service. */
export const ServicePortSchema = z.looseObject({
  name: z.string().optional(),
  port: z.number(),
  targetPort: z.union([z.number(), z.string()]).optional(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
});

/** A core/v1 Service. */
export const ServiceSchema = z.looseObject({
  metadata: MetaSchema,
  spec: z
    .looseObject({
      type: z.string().optional(),
      selector: StringMap.optional(),
      ports: z.array(ServicePortSchema).optional(),
      clusterIP: z.string().optional(),
      clusterIPs: z.array(z.string()).optional(),
    })
    .optional(),
});

const EndpointAddressSchema = z.looseObject({
  ip: z.string(),
  nodeName: z.string().optional(),
  targetRef: z.looseObject({ kind: z.string().optional(), namespace: z.string().optional(), name: z.string().optional() }).optional(),
});

/** A core/v1 Endpoints object. */
export const EndpointsSchema = z.looseObject({
  metadata: MetaSchema,
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(EndpointAddressSchema).optional(),
        notReadyAddresses: z.array(EndpointAddressSchema).optional(),
        ports: z.array(z.looseObject({ name: z.string().optional(), port: z.number(), protocol: z.string().optional() })).optional(),
      }),
    )
    .optional(),
});

/** A Namespace. */
export const NamespaceSchema = z.looseObject({ metadata: MetaSchema });

/** Parsed OwnerReference. */
export type OwnerReference = z.infer<typeof OwnerReferenceSchema>;
/** Parsed LabelSelector. */
export type LabelSelector = z.infer<typeof LabelSelectorSchema>;
/** Parsed Container. */
export type Container = z.infer<typeof ContainerSchema>;
/** Parsed PodSpec. */
export type PodSpec = z.infer<typeof PodSpecSchema>;
/** Parsed Pod. */
export type Pod = z.infer<typeof PodSchema>;
/** Parsed PodTemplate. */
export type PodTemplate = z.infer<typeof PodTemplateSchema>;
/** Parsed Deployment. */
export type Deployment = z.infer<typeof DeploymentSchema>;
/** Parsed ReplicaSet. */
export type ReplicaSet = z.infer<typeof ReplicaSetSchema>;
/** Parsed Service. */
export type Service = z.infer<typeof ServiceSchema>;
/** Parsed ServicePort. */
export type ServicePort = z.infer<typeof ServicePortSchema>;
/** Parsed Namespace. */
export type Namespace = z.infer<typeof NamespaceSchema>;
/** Parsed Endpoints. */
export type Endpoints = z.infer<typeof EndpointsSchema>;

/** Parses `object` with `schema`, or returns undefined when it does not have the shape. */
export function parseAs<T>(schema: z.ZodType<T>, object: K8sObject | undefined): T | undefined {
  if (!object) return undefined;
  const parsed = schema.safeParse(object);
  return parsed.success ? parsed.data : undefined;
}

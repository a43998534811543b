import { z } from 'zod';

// The few response shapes the suite and the bootstrap read, checked at the boundary so that
// a server answering something else fails with a readable message instead of a type lie.

/** The Status object Kubernetes sends with errors (and with some deletes). */
export const statusSchema = z.looseObject({
  kind: z.literal('Status'),
  apiVersion: z.literal('v1'),
  status: z.enum(['Success', 'Failure']),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number(),
  details: z
    .looseObject({
      name: z.string().optional(),
      group: z.string().optional(),
      kind: z.string().optional(),
      causes: z.array(z.looseObject({ reason: z.string().optional(), message: z.string().optional(), field: z.string().optional() })).optional(),
    })
    .optional(),
});

export const objectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    uid: z.string(),
    resourceVersion: z.string(),
    generation: z.number().optional(),
    creationTimestamp: z.string(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

export const listSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ resourceVersion: z.string() }),
  items: z.array(objectSchema),
});

export const apiGroupListSchema = z.looseObject({
  kind: z.literal('APIGroupList'),
  groups: z.array(
    z.looseObject({
      name: z.string(),
      versions: z.array(z.looseObject({ groupVersion: z.string(), version: z.string() })),
      preferredVersion: z.looseObject({ groupVersion: z.string(), version: z.string() }).optional(),
    }),
  ),
});

export const apiResourceListSchema = z.looseObject({
  kind: z.literal('APIResourceList'),
  groupVersion: z.string(),
  resources: z.array(
    z.looseObject({ name: z.string(), namespaced: z.boolean(), kind: z.string(), verbs: z.array(z.string()) }),
  ),
});

/** A list read for its items' names and, where they have them, status conditions. */
export const namedItemsSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      metadata: z.looseObject({ name: z.string() }),
      status: z
        .looseObject({ conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).nullish() })
        .nullish(),
    }),
  ),
});

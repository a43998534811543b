/**
 * Every input the HTTP API accepts, as zod schemas in one module (style.md §6).
 * Shapes follow design.md's API table; limits are the product's, stated here once.
 */
import { z } from 'zod';

/** Kubernetes namespace names are RFC 1123 labels. */
export const namespaceName = z
  .string()
  .min(1, 'a namespace name is required')
  .max(63, 'a namespace name has at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name consists of lower case letters, digits and "-", and starts and ends with a letter or digit');

/** Object names (VirtualServices) are RFC 1123 subdomains. */
export const objectName = z
  .string()
  .min(1, 'a name is required')
  .max(253, 'a name has at most 253 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'a name consists of lower case letters, digits, "-" and ".", and starts and ends with a letter or digit',
  );

export const namespaceQuery = z.object({ namespace: namespaceName });
export const optionalNamespaceQuery = z.object({ namespace: namespaceName.optional() });
export const objectPath = z.object({ ns: namespaceName, name: objectName });

/** The total Splitscope always writes (valid on every Istio version). */
const WEIGHT_SUM = 100;

export const destinationInput = z.object({
  host: z.string().trim().min(1, 'a destination needs a host').max(253, 'a host has at most 253 characters'),
  subset: z.string().trim().min(1, 'a subset name cannot be empty; leave it out for the whole Service').max(253).optional(),
  port: z.number().int('a port is a whole number').min(1, 'a port is between 1 and 65535').max(65535, 'a port is between 1 and 65535').optional(),
  weight: z.number().int('a weight is a whole number').min(0, 'a weight is between 0 and 100').max(100, 'a weight is between 0 and 100'),
});

const destinations = z
  .array(destinationInput)
  .min(1, 'name at least one destination')
  .max(50, 'at most 50 destinations per route')
  .refine((list) => list.reduce((sum, d) => sum + d.weight, 0) === WEIGHT_SUM, {
    message: `the weights must sum to ${WEIGHT_SUM}`,
  });

export const weightsBody = z.object({
  resourceVersion: z.string().min(1, 'resourceVersion is required: send the one you read, so a concurrent change is not overwritten'),
  route: z.number().int('route is the index of the HTTP route in spec.http').min(0, 'route is an index, 0 or more'),
  destinations,
});

export const createBody = z.object({
  name: objectName,
  hosts: z.array(z.string().trim().min(1, 'a host cannot be empty')).min(1, 'name at least one host'),
  destinations,
});

export const revertBody = z.object({
  resourceVersion: z.string().min(1, 'resourceVersion is required'),
  revision: z.number().int().positive('revision is a positive whole number'),
});

export const dryRunQuery = z.object({
  dryRun: z.enum(['true', 'false', 'All']).optional().transform((v) => v === 'true' || v === 'All'),
});

/** `POST /api/probes`: bounds on rate, count and duration are lib/probe's (checked again there). */
export const probeBody = z
  .object({
    namespace: namespaceName,
    url: z.string().trim().min(1, 'give the URL to probe, e.g. http://my-apache-vs/').max(2048),
    rate: z.number().positive('rate is requests per second, more than 0'),
    count: z.number().int('count is a whole number of requests').positive().optional(),
    seconds: z.number().int('seconds is a whole number').positive().optional(),
    sidecar: z.boolean({ error: 'sidecar is true (through the mesh) or false (plain Kubernetes baseline)' }),
    tolerance: z.number().gt(0, 'tolerance is a fraction, e.g. 0.03 for ±3 points').lt(0.5, 'tolerance is a fraction below 0.5').optional(),
    alpha: z.number().gt(0).lt(0.5, 'alpha is a small fraction, e.g. 0.05').optional(),
    classify: z.enum(['fingerprint', 'header', 'none']).optional(),
    route: z.object({ name: objectName, index: z.number().int().min(0) }).optional(),
  })
  .refine((b) => b.count !== undefined || b.seconds !== undefined, { message: 'give a count of requests or a duration in seconds', path: ['count'] });

export const probePath = z.object({ id: z.string().regex(/^[a-z0-9]{1,40}$/, 'not a probe id') });

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

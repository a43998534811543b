/**
 * `ValidateObjectMeta` of apimachinery: name rules per type, generateName, labels,
 * annotations, namespace presence.
 */
import type { K8sObject } from '../../../wire';
import type { ResourceType } from '../resources';
import type { FieldError } from '../status';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from './names';

const TOTAL_ANNOTATION_BYTES = 256 * 1024;

export function nameErrors(type: ResourceType, name: string): string[] {
  switch (type.nameRule) {
    case 'dns1123-label':
      return isDns1123Label(name);
    case 'dns1123-subdomain':
      return isDns1123Subdomain(name);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a label map at `field` (metadata.labels, spec.selector, ...). */
export function labelErrors(labels: unknown, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (labels === undefined || labels === null) return errors;
  if (!isRecord(labels)) return [{ type: 'FieldValueInvalid', field, value: labels, detail: 'must be a map of strings' }];
  for (const [key, value] of Object.entries(labels)) {
    for (const message of isQualifiedName(key)) errors.push({ type: 'FieldValueInvalid', field, value: key, detail: message });
    if (typeof value !== 'string') {
      errors.push({ type: 'FieldValueInvalid', field, value, detail: 'must be a string' });
      continue;
    }
    for (const message of isValidLabelValue(value)) errors.push({ type: 'FieldValueInvalid', field, value, detail: message });
  }
  return errors;
}

export function metadataErrors(type: ResourceType, object: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  const meta = object.metadata ?? {};
  const name = meta.name ?? '';
  if (!name) {
    errors.push({ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' });
  } else {
    for (const message of nameErrors(type, name)) errors.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: message });
  }
  if (type.namespaced) {
    if (!meta.namespace) errors.push({ type: 'FieldValueRequired', field: 'metadata.namespace', detail: '' });
    else for (const message of isDns1123Label(meta.namespace)) errors.push({ type: 'FieldValueInvalid', field: 'metadata.namespace', value: meta.namespace, detail: message });
  } else if (meta.namespace) {
    errors.push({ type: 'FieldValueForbidden', field: 'metadata.namespace', detail: 'not allowed on this type' });
  }
  errors.push(...labelErrors(meta.labels, 'metadata.labels'));
  if (meta.annotations !== undefined && meta.annotations !== null) {
    if (!isRecord(meta.annotations)) {
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.annotations', value: meta.annotations, detail: 'must be a map of strings' });
    } else {
      let total = 0;
      for (const [key, value] of Object.entries(meta.annotations)) {
        for (const message of isQualifiedName(key.toLowerCase())) errors.push({ type: 'FieldValueInvalid', field: 'metadata.annotations', value: key, detail: message });
        total += key.length + (typeof value === 'string' ? value.length : 0);
      }
      if (total > TOTAL_ANNOTATION_BYTES) {
        errors.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', detail: `may not be more than ${TOTAL_ANNOTATION_BYTES} bytes` });
      }
    }
  }
  return errors;
}

/** Metadata that may not change on update (`ValidateObjectMetaUpdate`). */
export function metadataUpdateErrors(object: K8sObject, old: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  const meta = object.metadata ?? {};
  const before = old.metadata ?? {};
  if (meta.generateName !== undefined && before.generateName !== undefined && meta.generateName !== before.generateName) {
    // generateName may change freely on a real server too; nothing to report.
  }
  if (meta.namespace !== before.namespace) {
    errors.push({ type: 'FieldValueInvalid', field: 'metadata.namespace', value: meta.namespace ?? '', detail: 'field is immutable' });
  }
  return errors;
}

/**
 * The change a plan makes, as a unified diff of the object's YAML: what the operator
 * reviews before applying. `metadata.managedFields` is left out (server bookkeeping that
 * only adds noise).
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { K8sVirtualService } from '../wire';
import { isRecord } from './json';

function withoutNoise(vs: K8sVirtualService): unknown {
  if (!isRecord(vs.metadata) || !('managedFields' in vs.metadata)) return vs;
  const { managedFields: _managedFields, ...metadata } = vs.metadata;
  return { ...vs, metadata };
}

function nameOf(vs: K8sVirtualService): string {
  const meta = isRecord(vs.metadata) ? vs.metadata : {};
  const ns = typeof meta.namespace === 'string' ? `${meta.namespace}/` : '';
  return `${ns}${typeof meta.name === 'string' ? meta.name : 'virtualservice'}.yaml`;
}

/**
 * Unified diff (3 lines of context) of `before` and `after` as YAML, with `a/` and `b/`
 * file names from the object's namespace and name; the empty string when they are the
 * same.
 */
export function yamlDiff(before: K8sVirtualService, after: K8sVirtualService): string {
  const a = stringify(withoutNoise(before));
  const b = stringify(withoutNoise(after));
  if (a === b) return '';
  return createTwoFilesPatch(`a/${nameOf(before)}`, `b/${nameOf(after)}`, a, b, undefined, undefined, {
    context: 3,
    headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
  });
}

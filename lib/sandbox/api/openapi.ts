/**
 * OpenAPI v3 discovery, only as far as kubectl needs it: `kubectl apply` (and create,
 * replace) with the default `--validate=strict` asks /openapi/v3 whether the server
 * supports server-side field validation for the object's kind, by looking for the
 * `fieldValidation` query parameter on the PATCH operation tagged with the kind's
 * `x-kubernetes-group-version-kind`. When it finds it, kubectl leaves validation to the
 * server (which the sandbox does, see validation/).
 *
 * The documents carry paths and operations but no component schemas, so
 * `kubectl explain` has nothing to show and kubectl computes strategic merge patches
 * from its compiled-in types, as it does when a server's schema lacks a kind.
 */
import { createHash } from 'node:crypto';
import { apiGroups, groupVersion, type ResourceType, typesIn } from './resources';

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; schema: { type: string }; description?: string }[];
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
  responses: Record<string, { description: string }>;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'];

function operation(type: ResourceType, version: string, action: string, verb: string): Operation {
  return {
    operationId: `${verb}${type.kind}`,
    parameters: (action === 'get' ? ['pretty'] : QUERY_PARAMS).map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: type.group, version, kind: type.kind },
    responses: { '200': { description: 'OK' } },
  };
}

function prefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/** The OpenAPI v3 document of one group version, or undefined if it is not served. */
export function openApiDocument(group: string, version: string): unknown | undefined {
  const types = typesIn(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, Record<string, Operation>> = {};
  for (const type of types) {
    const base = type.namespaced ? `${prefix(group, version)}/namespaces/{namespace}/${type.plural}` : `${prefix(group, version)}/${type.plural}`;
    paths[base] = { post: operation(type, version, 'post', 'create') };
    paths[`${base}/{name}`] = {
      get: operation(type, version, 'get', 'read'),
      put: operation(type, version, 'put', 'replace'),
      patch: operation(type, version, 'patch', 'patch'),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

function hashOf(group: string, version: string): string {
  return createHash('sha512').update(JSON.stringify(openApiDocument(group, version))).digest('hex').slice(0, 128).toUpperCase();
}

/** The /openapi/v3 root: one entry per served group version. */
export function openApiRoot(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const all = [{ name: '', versions: ['v1'] }, ...apiGroups()];
  for (const g of all) {
    for (const v of g.versions) {
      const key = g.name ? `apis/${groupVersion(g.name, v)}` : `api/${v}`;
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(g.name, v)}` };
    }
  }
  return { paths };
}

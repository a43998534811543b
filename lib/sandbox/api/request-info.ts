/**
 * Reads a request's path and method the way the API server's RequestInfoFactory does:
 * API prefix, group, version, namespace, resource, name, subresource and the verb that
 * authorization and the handlers use (`get`, `list`, `watch`, `create`, `update`,
 * `patch`, `delete`, `deletecollection`).
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
 */

export interface ResourceRequest {
  kind: 'resource';
  verb: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** True when the path had the deprecated `/watch/` segment. */
  watchPath: boolean;
}

export interface NonResourceRequest {
  kind: 'non-resource';
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Subresources of a namespace that are not a namespaced resource name. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function isTruthyWatch(value: string | null): boolean {
  return value === 'true' || value === '1';
}

export function requestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const parts = path.split('/').filter((p) => p.length > 0);
  const lowerMethod = method.toLowerCase();
  const nonResource = (): NonResourceRequest => ({
    kind: 'non-resource',
    verb: lowerMethod === 'head' ? 'get' : lowerMethod,
    path,
  });

  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else {
    return nonResource();
  }
  // `/api/v1` itself is discovery, not a resource.
  if (rest.length === 0) return nonResource();

  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }

  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1] ?? '';
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';

  let verb: string;
  switch (lowerMethod) {
    case 'post':
      verb = 'create';
      break;
    case 'put':
      verb = 'update';
      break;
    case 'patch':
      verb = 'patch';
      break;
    case 'delete':
      verb = name ? 'delete' : 'deletecollection';
      break;
    case 'get':
    case 'head':
      verb = watchPath || isTruthyWatch(url.searchParams.get('watch')) ? 'watch' : name ? 'get' : 'list';
      break;
    default:
      verb = lowerMethod;
  }
  // A watch on a named object is a list-watch filtered by name (as the server rewrites it).
  return { kind: 'resource', verb, group, version, namespace, resource, name, subresource, watchPath };
}

/**
 * Authentication and authorization of the sandbox API.
 *
 * Authentication: a bearer token, as a static-token file gives a real server; anonymous
 * access is off (as `--anonymous-auth=false`), so a request without a valid token gets
 * 401 Unauthorized, whatever the path.
 *
 * Authorization, as RBAC bindings would give it:
 * - the admin (`splitscope-admin`, group `system:masters`) may do everything;
 * - the viewer (`splitscope-viewer`) has a ClusterRole to get, list and watch
 *   namespaces, and a `view`-like RoleBinding in every namespace except
 *   {@link RESTRICTED_NAMESPACE}: it may get, list and watch namespaced objects (and read
 *   pod logs) there, nothing in `restricted`, nothing across all namespaces at once (a
 *   cluster-scope list needs a ClusterRoleBinding), and may write nothing. Discovery,
 *   /version and /openapi are open to every authenticated user, as with
 *   `system:discovery` and `system:public-info-viewer`.
 * Denials read as RBAC's do: `... is forbidden: User "splitscope-viewer" cannot update
 * resource "virtualservices" in API group "networking.istio.io" in the namespace "default"`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestInfo } from './request-info';
import { type ApiError, forbidden } from './status';

/** The namespace the viewer may not read; the sandbox creates it at start. */
export const RESTRICTED_NAMESPACE = 'restricted';

export const ADMIN_USER = 'splitscope-admin';
export const VIEWER_USER = 'splitscope-viewer';

export interface User {
  name: string;
  groups: string[];
}

export interface Tokens {
  admin: string;
  viewer: string;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The user a request's Authorization header names, or undefined (answer 401). */
export function authenticate(header: string | undefined, tokens: Tokens): User | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const token = match?.[1];
  if (!token) return undefined;
  if (sameToken(token, tokens.admin)) return { name: ADMIN_USER, groups: ['system:masters', 'system:authenticated'] };
  if (sameToken(token, tokens.viewer)) return { name: VIEWER_USER, groups: ['system:authenticated'] };
  return undefined;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** RBAC's denial text (`forbiddenMessage` in the apiserver's response writers). */
export function forbiddenMessage(user: User, info: RequestInfo): string {
  if (info.kind === 'non-resource') return `User ${JSON.stringify(user.name)} cannot ${info.verb} path ${JSON.stringify(info.path)}`;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const where = info.namespace ? `in the namespace ${JSON.stringify(info.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(user.name)} cannot ${info.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(info.group)} ${where}`;
}

/** Whether `user` may do what `info` asks; the policy is described at the top of this file. */
export function isAllowed(user: User, info: RequestInfo): boolean {
  if (user.groups.includes('system:masters')) return true;
  if (info.kind === 'non-resource') return info.verb === 'get';
  if (!READ_VERBS.has(info.verb)) return false;
  if (info.group === '' && info.resource === 'namespaces') return true;
  if (!info.namespace) return false;
  return info.namespace !== RESTRICTED_NAMESPACE;
}

/** The 403 for a denied request, shaped as the API server's. */
export function forbiddenError(user: User, info: RequestInfo): ApiError {
  const message = forbiddenMessage(user, info);
  if (info.kind === 'non-resource') return forbidden(undefined, '', message);
  return forbidden({ group: info.group, resource: info.resource }, info.name, message);
}

/**
 * What every REST handler works with: the sandbox's store, admission chain and logs,
 * the parsed request, and helpers shared by the verbs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { K8sObject } from '../../../wire';
import type { AdmissionChain } from '../../admission';
import type { PodLogs } from '../../logs';
import type { Defaulter, ObjectStore } from '../../store';
import type { User } from '../auth';
import type { ResourceRequest } from '../request-info';
import { asServed, type ResourceType } from '../resources';
import { type GroupKind, type GroupResource, badRequest, invalid, notFound } from '../status';

export interface ApiContext {
  store: ObjectStore;
  admission: AdmissionChain;
  logs: PodLogs;
  defaulter: Defaulter;
  /** Ends long-running requests (watches, log follows) when the server stops. */
  closing: AbortSignal;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: ResourceRequest;
  type: ResourceType;
  user: User;
  ctx: ApiContext;
}

export function groupResource(type: ResourceType): GroupResource {
  return { group: type.group, resource: type.plural };
}

export function groupKind(type: ResourceType): GroupKind {
  return { group: type.group, kind: type.kind };
}

/** The store's namespace argument for a request (undefined for cluster-scoped types). */
export function storeNamespace(call: Call): string | undefined {
  return call.type.namespaced ? call.info.namespace || undefined : undefined;
}

export function served(call: Call, object: K8sObject): K8sObject {
  return asServed(call.type, call.info.version, object);
}

/** `dryRun` as the handlers validate it: only `All` is supported. */
export function isDryRun(call: Call, optionsKind: string, fromBody?: unknown): boolean {
  const values = [...call.url.searchParams.getAll('dryRun'), ...(Array.isArray(fromBody) ? fromBody.map(String) : [])];
  if (values.length === 0) return false;
  if (values.every((v) => v === 'All')) return true;
  throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', [
    { type: 'FieldValueNotSupported', field: 'dryRun', value: values, detail: 'supported values: "All"' },
  ]);
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** `fieldValidation`: Strict, Warn (the default when absent) or Ignore. */
export function fieldValidation(call: Call, optionsKind: string): FieldValidation {
  const value = call.url.searchParams.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw invalid({ group: 'meta.k8s.io', kind: optionsKind }, '', [
    { type: 'FieldValueNotSupported', field: 'fieldValidation', value, detail: 'supported values: "Ignore", "Strict", "Warn"' },
  ]);
}

/** The namespace a namespaced request names must exist (the NamespaceLifecycle plugin). */
export function requireNamespace(call: Call): K8sObject | undefined {
  if (!call.type.namespaced) return undefined;
  const ns = call.info.namespace;
  const found = call.ctx.store.get('namespaces', undefined, ns);
  if (!found) throw notFound({ group: '', resource: 'namespaces' }, ns);
  return found;
}

/** A request on a single object needs a name that can be a path segment. */
export function requireName(call: Call): string {
  const name = call.info.name;
  if (!name) throw badRequest('Name parameter required.');
  return name;
}

/**
 * Raw Kubernetes requests next to the API under test, on the same cluster and with the
 * same identity Splitscope uses: to set a scene before a call and to check afterwards,
 * with a GET that no Splitscope code is involved in, what the cluster really stores.
 */
import { expect } from 'vitest';
import type { Json } from '@/lib/wire';
import { kubeRequest, type KubeRequest, type KubeResponse } from '../../../contract/support/kube-http';
import { loadConnection, type KubeConnection } from '../../../contract/support/kubeconfig';
import { objectSchema } from '../../../contract/support/shapes';
import { appUnderTest } from '../../../support/under-test';

let admin: KubeConnection | undefined;

/** The admin identity of the cluster under test (the context Splitscope itself uses). */
export function adminConnection(): KubeConnection {
  const app = appUnderTest();
  admin ??= loadConnection(app.kubeconfig, app.context);
  return admin;
}

/** One raw request as the admin. */
export function kube(req: KubeRequest): Promise<KubeResponse> {
  return kubeRequest(adminConnection(), req);
}

/** The path of VirtualServices (of one) in a served Istio version. */
export function vsPath(namespace: string, name?: string, version = 'v1'): string {
  const base = `/apis/networking.istio.io/${version}/namespaces/${namespace}/virtualservices`;
  return name === undefined ? base : `${base}/${name}`;
}

/** Whether the cluster serves a resource (the sandbox serves fewer than a real server). */
export async function serves(groupVersion: string, plural: string): Promise<boolean> {
  const res = await kube({ path: groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}` });
  if (res.status === 404) return false;
  const body = res.body;
  if (res.status !== 200 || body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.resources)) {
    throw new Error(`discovery of ${groupVersion}: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return body.resources.some((r) => r !== null && typeof r === 'object' && !Array.isArray(r) && r.name === plural);
}

/** Creates an object; one that exists already is left as it is. */
export async function createOrKeep(path: string, body: Json): Promise<void> {
  const res = await kube({ method: 'POST', path, body });
  if (res.status !== 201 && res.status !== 409) throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 500)}`);
}

/**
 * Makes sure a namespace exists (with these labels when it is created), and its `default`
 * ServiceAccount where the server serves ServiceAccounts and no controller-manager made
 * one (see tests/cluster/README.md). The suite never deletes namespaces.
 */
export async function ensureNamespace(name: string, labels?: Record<string, string>): Promise<void> {
  await createOrKeep('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });
  if (await serves('v1', 'serviceaccounts')) {
    await createOrKeep(`/api/v1/namespaces/${name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
  }
}

/** Deletes an object at once; absent is fine. */
export async function deleteIfPresent(path: string): Promise<void> {
  const res = await kube({ method: 'DELETE', path, query: { gracePeriodSeconds: '0' } });
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw new Error(`DELETE ${path}: ${res.status} ${res.text.slice(0, 300)}`);
}

/** Creates an object and returns what the server stored. */
export async function create(path: string, body: Json): Promise<Json> {
  const res = await kube({ method: 'POST', path, body });
  expect(res.status, `POST ${path}: ${res.text.slice(0, 500)}`).toBe(201);
  objectSchema.parse(res.body);
  return res.body ?? null;
}

/** GETs an object that must exist. */
export async function getObject(path: string): Promise<Json> {
  const res = await kube({ path });
  expect(res.status, `GET ${path}: ${res.text.slice(0, 500)}`).toBe(200);
  return res.body ?? null;
}

/** The resourceVersion of an object as the server holds it now. */
export async function resourceVersionOf(path: string): Promise<string> {
  return objectSchema.parse(await getObject(path)).metadata.resourceVersion;
}

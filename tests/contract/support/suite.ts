import type { TestContext } from 'vitest';
import type { Json } from '@/lib/wire';
import { kubeRequest } from './kube-http';
import type { KubeConnection } from './kubeconfig';
import { statusSchema } from './shapes';

/**
 * A test that needs something the target cluster lacks: under run.sh (strict) that is a
 * broken setup and fails; on one's own cluster it is said out loud and the test skipped.
 */
export function cannotRun(ctx: TestContext, strict: boolean, reason: string): never {
  if (strict) throw new Error(`the contract cluster lacks something it must have: ${reason}`);
  console.warn(`[contract] cannot run "${ctx.task.name}" on this cluster: ${reason}`);
  return ctx.skip(`cannot run on this cluster: ${reason}`);
}

/** The server's gitVersion, stored with every recorded fixture. */
export async function serverVersion(conn: KubeConnection): Promise<string> {
  const res = await kubeRequest(conn, { path: '/version' });
  const body = res.body;
  if (res.status !== 200 || body === null || typeof body !== 'object' || Array.isArray(body) || typeof body.gitVersion !== 'string') {
    throw new Error(`GET /version: ${res.status} ${res.text.slice(0, 200)}`);
  }
  return body.gitVersion;
}

async function createTolerating409(conn: KubeConnection, path: string, body: Json): Promise<void> {
  const res = await kubeRequest(conn, { method: 'POST', path, body });
  if (res.status !== 201 && res.status !== 409) throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 300)}`);
}

/**
 * Makes sure the namespace and its `default` ServiceAccount exist. On a cluster with a
 * controller-manager the account appears by itself (our create then meets 409); on the
 * bare control plane of run.sh nothing else creates it, and pods could not be admitted.
 */
export async function ensureNamespace(conn: KubeConnection, name: string): Promise<void> {
  await createTolerating409(conn, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await createTolerating409(conn, `/api/v1/namespaces/${name}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: name },
  });
}

/** Deletes what an earlier, interrupted run may have left; absent is fine. */
export async function deleteIfPresent(conn: KubeConnection, path: string): Promise<void> {
  const res = await kubeRequest(conn, { method: 'DELETE', path, query: { gracePeriodSeconds: '0' } });
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw new Error(`DELETE ${path}: ${res.status} ${res.text.slice(0, 300)}`);
}

/** The path of VirtualServices of one served version in a namespace (and of one of them). */
export function virtualServicesPath(version: string, namespace: string, name?: string): string {
  const base = `/apis/networking.istio.io/${version}/namespaces/${namespace}/virtualservices`;
  return name === undefined ? base : `${base}/${name}`;
}

/** Parses a Status body, failing with the raw text when the server sent something else. */
export function parseStatus(body: Json | undefined, text: string) {
  const parsed = statusSchema.safeParse(body);
  if (!parsed.success) throw new Error(`expected a Status object, got: ${text.slice(0, 500)}`);
  return parsed.data;
}

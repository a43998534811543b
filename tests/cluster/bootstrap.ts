/**
 * Called by start.sh once kube-apiserver and etcd are started: waits until the server is
 * ready, installs Istio's CRDs and waits until they are Established, creates the namespaces
 * and `default` ServiceAccounts the suite uses, and grants the restricted identity what the
 * sandbox grants it. Talks to the server through the suite's own HTTPS client.
 *
 *   npx tsx tests/cluster/bootstrap.ts --kubeconfig F --context C --restricted-user U --crds F [--pids F]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { Json } from '@/lib/wire';
import { loadConnection, type KubeConnection } from '../contract/support/kubeconfig';
import { kubeRequest } from '../contract/support/kube-http';
import { apiGroupListSchema, apiResourceListSchema, namedItemsSchema } from '../contract/support/shapes';
import { API_NAMESPACE, CONTRACT_NAMESPACE, RESTRICTED_NAMESPACE } from '../contract/support/target';

const { values: args } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    'restricted-user': { type: 'string' },
    crds: { type: 'string' },
    pids: { type: 'string' },
  },
});

const READ_VERBS = ['get', 'list', 'watch'];

function required(name: string, value: string | undefined): string {
  if (value === undefined) throw new Error(`bootstrap: --${name} is required`);
  return value;
}

function log(message: string): void {
  process.stderr.write(`[cluster] ${message}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A server that died (say, its port was taken meanwhile) fails the start now, not at the timeout. */
function assertAlive(pidsFile: string | undefined): void {
  if (pidsFile === undefined) return;
  for (const line of readFileSync(pidsFile, 'utf8').split('\n')) {
    const [name, pid] = line.trim().split(/\s+/);
    if (name === undefined || pid === undefined || name === '') continue;
    try {
      process.kill(Number(pid), 0);
    } catch {
      throw new Error(`${name} (pid ${pid}) exited; see its log next to ${pidsFile}`);
    }
  }
}

async function waitReady(conn: KubeConnection, pidsFile: string | undefined): Promise<void> {
  const deadline = Date.now() + 180_000;
  let last = '';
  while (Date.now() < deadline) {
    assertAlive(pidsFile);
    try {
      const res = await kubeRequest(conn, { path: '/readyz' });
      if (res.status === 200) return;
      last = `${res.status} ${res.text.slice(0, 200)}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await sleep(250);
  }
  throw new Error(`kube-apiserver not ready after 180s: ${last}`);
}

/** Creates an object; one that exists already is fine (start.sh always begins empty, but a rerun must not fail). */
async function create(conn: KubeConnection, path: string, body: Json): Promise<void> {
  const res = await kubeRequest(conn, { method: 'POST', path, body });
  if (res.status !== 201 && res.status !== 409) {
    throw new Error(`POST ${path}: ${res.status} ${res.text.slice(0, 500)}`);
  }
}

async function installCrds(conn: KubeConnection, file: string): Promise<string[]> {
  const names: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const crd: Json = doc.toJSON();
    if (crd === null || typeof crd !== 'object' || Array.isArray(crd) || crd.kind !== 'CustomResourceDefinition') continue;
    const meta = crd.metadata;
    if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || typeof meta.name !== 'string') continue;
    names.push(meta.name);
    await create(conn, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  }
  return names;
}

async function waitEstablished(conn: KubeConnection, names: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  let pending = names;
  while (Date.now() < deadline) {
    const res = await kubeRequest(conn, { path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions' });
    const established = new Set(
      namedItemsSchema
        .parse(res.body)
        .items.filter((c) => (c.status?.conditions ?? []).some((k) => k.type === 'Established' && k.status === 'True'))
        .map((c) => c.metadata.name),
    );
    pending = names.filter((n) => !established.has(n));
    if (pending.length === 0) return;
    await sleep(200);
  }
  throw new Error(`CRDs not Established after 120s: ${pending.join(', ')}`);
}

/** Every cluster-scoped resource the server serves, by group: what "read everything" means outside namespaces. */
async function clusterScopedResources(conn: KubeConnection): Promise<Map<string, Set<string>>> {
  const byGroup = new Map<string, Set<string>>();
  const groupVersions = ['v1'];
  const groups = apiGroupListSchema.parse((await kubeRequest(conn, { path: '/apis' })).body);
  for (const g of groups.groups) for (const v of g.versions) groupVersions.push(v.groupVersion);
  for (const gv of groupVersions) {
    const path = gv === 'v1' ? '/api/v1' : `/apis/${gv}`;
    const list = apiResourceListSchema.parse((await kubeRequest(conn, { path })).body);
    const group = gv.includes('/') ? gv.slice(0, gv.indexOf('/')) : '';
    for (const r of list.resources) {
      if (r.namespaced || r.name.includes('/') || !r.verbs.includes('get')) continue;
      const set = byGroup.get(group) ?? new Set<string>();
      set.add(r.name);
      byGroup.set(group, set);
    }
  }
  return byGroup;
}

/**
 * The restricted identity may read everything except inside namespace `restricted`, and
 * write nothing. RBAC only ever adds permissions, so "all but one namespace" is a read
 * role bound in every other namespace, plus read access to cluster-scoped resources. A
 * list across all namespaces needs cluster-wide permission and is therefore 403 too.
 */
async function grantRestricted(conn: KubeConnection, user: string, namespaces: string[]): Promise<void> {
  const subject = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user };
  await create(conn, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'splitscope:restricted:read' },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: READ_VERBS }],
  });
  const scoped = await clusterScopedResources(conn);
  await create(conn, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'splitscope:restricted:read-cluster-scoped' },
    rules: [...scoped].map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: READ_VERBS })),
  });
  await create(conn, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'splitscope:restricted:read-cluster-scoped' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'splitscope:restricted:read-cluster-scoped' },
    subjects: [subject],
  });
  for (const ns of namespaces.filter((n) => n !== RESTRICTED_NAMESPACE)) {
    await create(conn, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'splitscope:restricted:read', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'splitscope:restricted:read' },
      subjects: [subject],
    });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const since = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const conn = loadConnection(required('kubeconfig', args.kubeconfig), required('context', args.context));

  await waitReady(conn, args.pids);
  log(`kube-apiserver ready after ${since()}`);

  const crdNames = await installCrds(conn, required('crds', args.crds));
  await waitEstablished(conn, crdNames);
  log(`${crdNames.length} Istio CRDs Established after ${since()}`);

  // RBAC binds per namespace: the restricted identity reads only namespaces that exist
  // now, so every namespace it must read is made here (see README.md).
  for (const name of ['default', RESTRICTED_NAMESPACE, CONTRACT_NAMESPACE, API_NAMESPACE]) {
    await create(conn, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  // Namespaces the server made itself (kube-system, kube-public, kube-node-lease) and ours.
  const nsList = await kubeRequest(conn, { path: '/api/v1/namespaces' });
  const namespaces = namedItemsSchema.parse(nsList.body).items.map((n) => n.metadata.name);
  // No controller-manager runs here, so no one creates the `default` ServiceAccount that
  // the ServiceAccount admission plugin requires before it admits a pod. Creating it keeps
  // the real admission chain intact (see README.md).
  for (const ns of namespaces) {
    await create(conn, `/api/v1/namespaces/${ns}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    });
  }
  await grantRestricted(conn, required('restricted-user', args['restricted-user']), namespaces);
  log(`namespaces, ServiceAccounts and RBAC in place after ${since()}`);
}

main().catch((e: unknown) => {
  log(`bootstrap failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

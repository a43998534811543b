/**
 * A configured cluster that is down: the dashboard still serves, says "unreachable" in
 * `GET /api/cluster` and on the page, and every read answers 503 `unreachable` with the
 * network's own reason, instead of failing blankly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSplitscope, type RunningSplitscope } from '../../support/launcher';

// Port 1 on loopback: nothing listens there, so every connection is refused at once.
const DEAD_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: down
  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}
users:
- name: someone
  user: {token: not-checked}
contexts:
- name: down
  context: {cluster: down, user: someone}
current-context: down
`;

describe('a cluster that is down', () => {
  let app: RunningSplitscope;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'splitscope-down-'));
    writeFileSync(join(dir, 'kubeconfig'), DEAD_KUBECONFIG);
    app = await startSplitscope({ label: 'down', env: { SPLITSCOPE_CLUSTER: 'kubeconfig', KUBECONFIG: join(dir, 'kubeconfig') } });
  });

  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the cluster as unreachable, with the reason', async () => {
    const response = await fetch(`${app.baseUrl}/api/cluster`);
    expect(response.status).toBe(200);
    const cluster = (await response.json()) as { mode: string; context: string; reachable: boolean; error?: { status: number; reason: string; message: string } };
    expect(cluster).toMatchObject({ mode: 'kubeconfig', context: 'down', reachable: false, error: { status: 503, reason: 'Unreachable' } });
    expect(cluster.error?.message).toContain('ECONNREFUSED');
  });

  it('answers reads with 503 unreachable', async () => {
    for (const path of ['/api/namespaces', '/api/services?namespace=default', '/api/virtualservices?namespace=default']) {
      const response = await fetch(`${app.baseUrl}${path}`);
      expect(response.status, path).toBe(503);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unreachable');
      expect(body.error.message).toContain('could not be reached');
    }
  });

  it('still renders the overview, saying why it is empty', async () => {
    const response = await fetch(`${app.baseUrl}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Cluster unreachable');
    expect(html).toContain('unreachable');
  });
});

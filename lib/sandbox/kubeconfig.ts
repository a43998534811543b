/**
 * The sandbox's kubeconfig and its credentials: two bearer tokens generated once per
 * data directory and kept (so an exported KUBECONFIG keeps working across restarts),
 * and a kubeconfig with an admin context (current) and a read-only context, naming the
 * server by its https URL and the sandbox's own CA.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { ADMIN_USER, type Tokens, VIEWER_USER } from './api/auth';

/** Context names in the sandbox kubeconfig. */
export const ADMIN_CONTEXT = 'splitscope-sandbox';
export const READONLY_CONTEXT = 'splitscope-sandbox-readonly';
const CLUSTER = 'splitscope-sandbox';

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The tokens kept in `file`, created on first use. */
export function loadOrCreateTokens(file: string): Tokens {
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'admin' in parsed && 'viewer' in parsed && typeof parsed.admin === 'string' && typeof parsed.viewer === 'string') {
      return { admin: parsed.admin, viewer: parsed.viewer };
    }
  }
  const tokens = { admin: newToken(), viewer: newToken() };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
  return tokens;
}

export function kubeconfigYaml(server: string, caPem: string, tokens: Tokens): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [
      { name: ADMIN_USER, user: { token: tokens.admin } },
      { name: VIEWER_USER, user: { token: tokens.viewer } },
    ],
    contexts: [
      { name: ADMIN_CONTEXT, context: { cluster: CLUSTER, user: ADMIN_USER, namespace: 'default' } },
      { name: READONLY_CONTEXT, context: { cluster: CLUSTER, user: VIEWER_USER, namespace: 'default' } },
    ],
    'current-context': ADMIN_CONTEXT,
    preferences: {},
  });
}

export function writeKubeconfig(file: string, server: string, caPem: string, tokens: Tokens): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, kubeconfigYaml(server, caPem, tokens), { mode: 0o600 });
}

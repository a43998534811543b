import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** What a raw HTTPS request to one context's API server needs. */
export interface KubeConnection {
  context: string;
  server: string;
  ca?: Buffer;
  insecureSkipTlsVerify: boolean;
  token?: string;
  clientCert?: Buffer;
  clientKey?: Buffer;
}

/** A context whose credentials this plain client cannot use (exec plugins, auth providers, ...). */
export class UnsupportedKubeconfigError extends Error {
  override name = 'UnsupportedKubeconfigError';
}

const kubeconfigSchema = z.object({
  'current-context': z.string().optional(),
  clusters: z
    .array(
      z.object({
        name: z.string(),
        cluster: z.object({
          server: z.string(),
          'certificate-authority': z.string().optional(),
          'certificate-authority-data': z.string().optional(),
          'insecure-skip-tls-verify': z.boolean().optional(),
        }),
      }),
    )
    .default([]),
  users: z
    .array(
      z.object({
        name: z.string(),
        user: z
          .object({
            token: z.string().optional(),
            tokenFile: z.string().optional(),
            'client-certificate': z.string().optional(),
            'client-certificate-data': z.string().optional(),
            'client-key': z.string().optional(),
            'client-key-data': z.string().optional(),
            exec: z.unknown().optional(),
            'auth-provider': z.unknown().optional(),
            username: z.string().optional(),
          })
          .nullish(),
      }),
    )
    .default([]),
  contexts: z
    .array(z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string().optional() }) }))
    .default([]),
});

type Kubeconfig = z.infer<typeof kubeconfigSchema>;

/** Reads a kubeconfig file. Relative file references resolve against its directory, as kubectl does. */
export function readKubeconfig(path: string): { config: Kubeconfig; path: string } {
  return { config: kubeconfigSchema.parse(parse(readFileSync(path, 'utf8'))), path };
}

/** The context names a kubeconfig defines, and its current one. */
export function listContexts(path: string): { current?: string; names: string[] } {
  const { config } = readKubeconfig(path);
  return { current: config['current-context'], names: config.contexts.map((c) => c.name) };
}

/**
 * Resolves one context of a kubeconfig (the current one when `context` is omitted) to a
 * connection. Supports what a static credential can express: bearer tokens, token files,
 * client certificates. Exec plugins and auth providers need code this suite does not run.
 */
export function loadConnection(path: string, context?: string): KubeConnection {
  const { config } = readKubeconfig(path);
  const base = dirname(resolve(path));
  const file = (p: string): Buffer => readFileSync(resolve(base, p));
  const data = (b64: string): Buffer => Buffer.from(b64, 'base64');

  const contextName = context ?? config['current-context'];
  if (contextName === undefined) throw new UnsupportedKubeconfigError(`${path} has no current-context and none was named`);
  const ctx = config.contexts.find((c) => c.name === contextName);
  if (ctx === undefined) throw new UnsupportedKubeconfigError(`${path} has no context ${contextName}`);
  const cluster = config.clusters.find((c) => c.name === ctx.context.cluster)?.cluster;
  if (cluster === undefined) throw new UnsupportedKubeconfigError(`${path}: context ${contextName} names unknown cluster ${ctx.context.cluster}`);
  const user = config.users.find((u) => u.name === ctx.context.user)?.user ?? {};
  if (user.exec !== undefined || user['auth-provider'] !== undefined) {
    throw new UnsupportedKubeconfigError(
      `context ${contextName} authenticates through an exec plugin or auth provider; give the suite a context with a token or client certificate`,
    );
  }

  const caData = cluster['certificate-authority-data'];
  const caFile = cluster['certificate-authority'];
  const certData = user['client-certificate-data'];
  const certFile = user['client-certificate'];
  const keyData = user['client-key-data'];
  const keyFile = user['client-key'];
  return {
    context: contextName,
    server: cluster.server.replace(/\/$/, ''),
    ca: caData !== undefined ? data(caData) : caFile !== undefined ? file(caFile) : undefined,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    token: user.token ?? (user.tokenFile !== undefined ? file(user.tokenFile).toString('utf8').trim() : undefined),
    clientCert: certData !== undefined ? data(certData) : certFile !== undefined ? file(certFile) : undefined,
    clientKey: keyData !== undefined ? data(keyData) : keyFile !== undefined ? file(keyFile) : undefined,
  };
}

/**
 * A plain-HTTP stand-in for the API server at the network edge: it forwards every request
 * to the real one (adding the real credentials) and lets a test act just before a chosen
 * request goes through, e.g. to write concurrently between Splitscope's read and its
 * write. Splitscope talks to it through a kubeconfig of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeConnection } from '../../../contract/support/kubeconfig';

export interface Interposed {
  method: string;
  /** Path with query, as sent. */
  url: string;
}

export interface Interposer {
  kubeconfig: string;
  context: string;
  /** Runs `act` once, before the first request that `matches` is forwarded. */
  before(matches: (req: Interposed) => boolean, act: () => Promise<void>): void;
  close(): Promise<void>;
}

const CONTEXT = 'interposer';

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startInterposer(target: KubeConnection): Promise<Interposer> {
  let pending: { matches: (req: Interposed) => boolean; act: () => Promise<void> } | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const seen = { method: req.method ?? 'GET', url: req.url ?? '/' };
      const hook = pending;
      if (hook && hook.matches(seen)) {
        pending = undefined;
        await hook.act();
      }
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.authorization;
      if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
      const upstream = httpsRequest(
        new URL(target.server + seen.url),
        { method: seen.method, headers, ca: target.ca, cert: target.clientCert, key: target.clientKey, rejectUnauthorized: !target.insecureSkipTlsVerify },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`interposer: ${e.message}`);
      });
      upstream.end(payload);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address: AddressInfo | string | null = server.address();
  if (address === null || typeof address === 'string') throw new Error('the interposer is not on a TCP port');
  const dir = mkdtempSync(join(tmpdir(), 'splitscope-interposer-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // client-node speaks plain HTTP only with TLS verification off; there is no TLS on loopback here.
      clusters: [{ name: CONTEXT, cluster: { server: `http://127.0.0.1:${address.port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: CONTEXT, user: {} }],
      contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } }],
      'current-context': CONTEXT,
    }),
    { mode: 0o600 },
  );
  return {
    kubeconfig,
    context: CONTEXT,
    before: (matches, act) => {
      pending = { matches, act };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

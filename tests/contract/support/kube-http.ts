import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Json } from '@/lib/wire';
import type { KubeConnection } from './kubeconfig';

/** One request to the API server, as the suite writes it. */
export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the server URL, e.g. `/apis/networking.istio.io/v1/namespaces/x/virtualservices`. */
  path: string;
  query?: Record<string, string>;
  body?: Json;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
}

/** The answer exactly as received: status, headers, the body parsed when it is JSON. */
export interface KubeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: Json | undefined;
}

/**
 * Sends one request over HTTPS with the connection's CA and credentials. No retries, no
 * client library in between: the suite sees what the server sends.
 */
export function kubeRequest(conn: KubeConnection, req: KubeRequest): Promise<KubeResponse> {
  const url = new URL(conn.server + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  // The server names the field manager after the user agent, as it does for kubectl.
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'splitscope-contract/1' };
  if (conn.token !== undefined) headers.Authorization = `Bearer ${conn.token}`;
  if (payload !== undefined) {
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolvePromise, reject) => {
    const r = httpsRequest(
      url,
      {
        method: req.method ?? 'GET',
        headers,
        ca: conn.ca,
        cert: conn.clientCert,
        key: conn.clientKey,
        rejectUnauthorized: !conn.insecureSkipTlsVerify,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = (res.headers['content-type'] ?? '').includes('json');
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text, body: isJson && text !== '' ? parseJson(text) : undefined });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${req.method ?? 'GET'} ${url.pathname}: no answer within 30s`)));
    r.on('error', reject);
    r.end(payload);
  });
}

function parseJson(text: string): Json {
  // JSON.parse yields exactly the Json union; the annotation records that, it converts nothing.
  const value: Json = JSON.parse(text);
  return value;
}

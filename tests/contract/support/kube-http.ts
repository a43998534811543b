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
  /** A body sent as is (for requests that are not JSON); wins over `body`. */
  rawBody?: string;
  /** Defaults to application/json. */
  accept?: string;
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
  const payload = req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
  // The server names the field manager after the user agent, as it does for kubectl.
  const headers: Record<string, string> = { Accept: req.accept ?? 'application/json', 'User-Agent': 'splitscope-contract/1' };
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

/** An open watch: events as they arrive, one JSON object per line of the stream. */
export interface KubeWatch {
  /** The status and headers of the watch request. */
  status: number;
  contentType: string;
  /** The next event, or a failure naming the wait when none comes within `timeoutMs`. */
  next(timeoutMs?: number): Promise<Json>;
  close(): void;
}

/**
 * Opens `?watch=1` on a collection and hands out its events one by one. Closes on
 * `close()`; events the caller never takes are dropped with the connection.
 */
export function kubeWatch(conn: KubeConnection, req: Omit<KubeRequest, 'method' | 'body'>): Promise<KubeWatch> {
  const url = new URL(conn.server + req.path);
  for (const [k, v] of Object.entries({ ...req.query, watch: '1' })) url.searchParams.set(k, v);
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'splitscope-contract/1' };
  if (conn.token !== undefined) headers.Authorization = `Bearer ${conn.token}`;
  const queue: Json[] = [];
  const waiters: ((event: Json) => void)[] = [];
  let buffered = '';
  return new Promise((resolveWatch, reject) => {
    const r = httpsRequest(url, { method: 'GET', headers, ca: conn.ca, cert: conn.clientCert, key: conn.clientKey, rejectUnauthorized: !conn.insecureSkipTlsVerify }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== '') {
            const event = parseJson(line);
            const waiter = waiters.shift();
            if (waiter) waiter(event);
            else queue.push(event);
          }
          newline = buffered.indexOf('\n');
        }
      });
      res.on('error', () => undefined);
      resolveWatch({
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'] ?? '',
        next: (timeoutMs = 10_000) => {
          const ready = queue.shift();
          if (ready !== undefined) return Promise.resolve(ready);
          return new Promise((resolveEvent, rejectEvent) => {
            const timer = setTimeout(() => {
              const i = waiters.indexOf(deliver);
              if (i >= 0) waiters.splice(i, 1);
              rejectEvent(new Error(`no watch event on ${url.pathname} within ${timeoutMs} ms`));
            }, timeoutMs);
            const deliver = (event: Json) => {
              clearTimeout(timer);
              resolveEvent(event);
            };
            waiters.push(deliver);
          });
        },
        close: () => r.destroy(),
      });
    });
    r.on('error', (e) => {
      // A close() of an open watch ends here too; only a failure to connect is an error.
      reject(e);
    });
    r.end();
  });
}

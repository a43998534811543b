/**
 * The mesh proxy: a local HTTP forward proxy on 127.0.0.1 that carries every pod's HTTP
 * traffic and routes each request the way the client would be routed in a cluster.
 *
 * - The client is identified by its proxy credentials (identity.ts); a pod's sidecar
 *   state comes from the kubelet.
 * - Names resolve like cluster DNS from the client's namespace; pod and Service IPs
 *   work directly.
 * - With a running sidecar, the request is routed like Envoy with istiod's config
 *   (sidecar-route.ts): VirtualService, weighted draw per request, subsets, headers,
 *   faults, redirects, rewrites; per-request balancing over endpoints.
 * - Without one, like kube-proxy: one uniformly random ready endpoint per client
 *   connection, kept for the connection's life (curl in a loop opens a connection per
 *   request, so it sees a fresh choice each time; a keep-alive client sticks).
 * - `localhost:15020` (`/quitquitquit`, `/healthz/ready`) and `localhost:15000`
 *   (Envoy admin `/quitquitquit`) answer for sidecar pods, as pilot-agent and Envoy do;
 *   other localhost ports reach the pod's own containers.
 *
 * Known debt:
 * - CONNECT (HTTPS through the proxy) is refused with 501: no TLS anywhere in the sandbox;
 * - no mirror, retries or CORS policy; a route timeout is honoured only with a sidecar.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Pod } from '../shapes';
import type { ClusterView, Backend } from './cluster-view';
import { serviceFqdn } from './dns';
import type { MeshIdentity } from './identity';
import { connectionRefused, dnsFailure, dressAsEnvoy, reply, unreachable } from './local-replies';
import { routeViaSidecar } from './sidecar-route';
import type { ForwardOptions, MeshClient, PodRuntimeAccess } from './types';

const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Ports pilot-agent and Envoy serve on a sidecar pod's localhost. */
const AGENT_PORTS = new Set([15000, 15020, 15021]);

/** A request's headers without hop-by-hop ones (and without the proxy credentials). */
export function requestHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** The mesh proxy server (see the top of this file). */
export class MeshProxy {
  private readonly server: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  /** kube-proxy's per-connection choice: client socket → `service:port` → backend. */
  private readonly connectionChoices = new WeakMap<Socket, Map<string, string>>();
  private listeningUrl: string | undefined;
  /** Round-robin positions per Envoy cluster, for DestinationRules asking for ROUND_ROBIN. */
  private readonly roundRobin = new Map<string, number>();

  constructor(
    private readonly view: ClusterView,
    private readonly pods: PodRuntimeAccess,
    private readonly identity: MeshIdentity,
    private readonly random: () => number = Math.random,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        reply(res, 500, `mesh proxy error: ${error instanceof Error ? error.message : String(error)}\n`, { 'x-splitscope-error': 'internal' });
      });
    });
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connect', (_req: IncomingMessage, socket: Socket) => {
      socket.end('HTTP/1.1 501 Not Implemented\r\ncontent-length: 0\r\nx-splitscope-error: no-tls\r\n\r\n');
    });
  }

  /** `http://127.0.0.1:<port>`, once started. */
  get url(): string {
    if (!this.listeningUrl) throw new Error('the mesh proxy is not started');
    return this.listeningUrl;
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the mesh proxy has no TCP address');
    this.listeningUrl = `http://127.0.0.1:${address.port}`;
    return this.listeningUrl;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.agent.destroy();
  }

  /** The proxy URL a pod's tools use (`http_proxy`), with its credentials. */
  proxyUrlFor(pod: Pod): string {
    const { username, password } = this.identity.credentials(pod.metadata.namespace ?? 'default', pod.metadata.name, pod.metadata.uid ?? '');
    const base = new URL(this.url);
    return `http://${encodeURIComponent(username)}:${password}@${base.host}`;
  }

  private identify(req: IncomingMessage): MeshClient | string {
    const header = req.headers['proxy-authorization'];
    const who = this.identity.identify(header, (namespace, name) => this.view.pod(namespace, name)?.metadata.uid);
    if (who.kind === 'invalid') return who.reason;
    if (who.kind === 'node') return { sidecar: false };
    const pod = this.view.pod(who.namespace, who.name);
    return { pod, namespace: who.namespace, sidecar: this.pods.sidecar(who.namespace, who.name) !== 'none' };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const client = this.identify(req);
    if (typeof client === 'string') {
      reply(res, 407, `${client}\n`, { 'proxy-authenticate': 'Basic realm="splitscope-mesh"' });
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      reply(res, 400, 'the mesh proxy is a forward proxy: send absolute-form requests (set http_proxy)\n');
      return;
    }
    if (target.protocol !== 'http:') {
      reply(res, 400, `only http:// is carried by the mesh proxy, not ${target.protocol}\n`);
      return;
    }
    const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const port = Number(target.port || 80);
    const path = `${target.pathname}${target.search}`;
    const name = client.pod?.metadata.name;
    const sidecar = client.namespace && name ? this.pods.sidecar(client.namespace, name) : 'none';
    if (sidecar === 'stopped') {
      // iptables still send the pod's traffic to Envoy, which has exited.
      connectionRefused(res, false, `127.0.0.1:15001 (istio-proxy has exited)`);
      return;
    }

    if (host === 'localhost' || host === '127.0.0.1' || host === '::1') {
      this.local(req, res, client, port, path);
      return;
    }
    const service = isIP(host) ? this.view.serviceByClusterIp(host) : this.view.resolveServiceName(host, client.namespace);
    if (!service) {
      if (!isIP(host)) {
        dnsFailure(res, host);
        return;
      }
      const pod = this.view.podByIp(host);
      if (!pod) {
        unreachable(res, host);
        return;
      }
      this.forward(req, res, { ip: host, port, pod }, { path, headers: this.outboundHeaders(req, client), viaSidecar: client.sidecar, onResponse: client.sidecar ? dressAsEnvoy : undefined });
      return;
    }
    if (client.sidecar) {
      await routeViaSidecar({
        req,
        res,
        client,
        service,
        port,
        path,
        view: this.view,
        random: this.random,
        roundRobin: this.roundRobin,
        requestHeaders: this.outboundHeaders(req, client),
        forward: (backend, options) => this.forward(req, res, backend, options),
      });
      return;
    }
    this.viaKubeProxy(req, res, client, service, port, path);
  }

  /** Request headers as they leave the client (through its Envoy, when it has one). */
  private outboundHeaders(req: IncomingMessage, client: MeshClient): Record<string, string | string[]> {
    const headers = requestHeaders(req);
    if (client.sidecar) {
      headers['x-forwarded-proto'] = 'http';
      headers['x-request-id'] ??= randomUUID();
      headers['x-envoy-attempt-count'] = '1';
    }
    return headers;
  }

  private local(req: IncomingMessage, res: ServerResponse, client: MeshClient, port: number, path: string): void {
    const pod = client.pod;
    if (!pod || !client.namespace) {
      connectionRefused(res, false, `the node's localhost:${port}`);
      return;
    }
    if (client.sidecar && AGENT_PORTS.has(port)) {
      const pathname = path.split('?')[0];
      if (pathname === '/quitquitquit' && port !== 15021) {
        if (req.method !== 'POST') {
          reply(res, 405, '');
          return;
        }
        // Answer first: the proxy that carries this answer is the one being stopped.
        res.on('finish', () => this.pods.quitSidecar(client.namespace ?? '', pod.metadata.name));
        reply(res, 200, '');
        return;
      }
      if (pathname === '/healthz/ready' && port !== 15000) {
        reply(res, 200, '');
        return;
      }
      reply(res, 404, '');
      return;
    }
    const ip = pod.status?.podIP;
    if (!ip) {
      connectionRefused(res, false, `localhost:${port}`);
      return;
    }
    this.forward(req, res, { ip, port, pod }, { path, headers: requestHeaders(req), viaSidecar: false });
  }

  private viaKubeProxy(req: IncomingMessage, res: ServerResponse, client: MeshClient, service: NonNullable<ReturnType<ClusterView['serviceByFqdn']>>, port: number, path: string): void {
    const servicePort = this.view.servicePort(service, port);
    const where = `${service.metadata.name}.${service.metadata.namespace}:${port}`;
    const backends = servicePort ? this.view.readyBackends(service, servicePort) : [];
    if (backends.length === 0) {
      // kube-proxy rejects connections to a Service port without endpoints.
      connectionRefused(res, false, where);
      return;
    }
    const key = `${serviceFqdn(service.metadata.name, service.metadata.namespace ?? 'default')}:${port}`;
    let choices = this.connectionChoices.get(req.socket);
    if (!choices) {
      choices = new Map();
      this.connectionChoices.set(req.socket, choices);
    }
    const kept = choices.get(key);
    let backend = kept ? backends.find((b) => `${b.ip}:${b.port}` === kept) : undefined;
    if (!backend) {
      backend = backends[Math.floor(this.random() * backends.length)] ?? backends[0];
      if (!backend) return;
      choices.set(key, `${backend.ip}:${backend.port}`);
    }
    const serverSidecar = backend.pod ? this.pods.sidecar(backend.pod.metadata.namespace ?? '', backend.pod.metadata.name) === 'running' : false;
    const operation = `${serviceFqdn(service.metadata.name, service.metadata.namespace ?? 'default')}:${port}/*`;
    this.forward(req, res, backend, {
      path,
      headers: this.outboundHeaders(req, client),
      viaSidecar: false,
      // The backend's own (inbound) Envoy dresses the answer when the backend has a sidecar.
      onResponse: serverSidecar
        ? (headers, ms) => {
            headers.server = 'istio-envoy';
            headers['x-envoy-upstream-service-time'] = String(ms);
            headers['x-envoy-decorator-operation'] = operation;
          }
        : undefined,
    });
  }

  /** Sends the request to a backend and streams its answer back, dressed by `options.onResponse`. */
  forward(req: IncomingMessage, res: ServerResponse, backend: Backend, options: ForwardOptions): void {
    const address = this.pods.resolve(backend.ip, backend.port) ?? { host: backend.ip, port: backend.port };
    const started = process.hrtime.bigint();
    const upstream = httpRequest({ host: address.host, port: address.port, method: req.method, path: options.path, headers: options.headers, agent: this.agent });
    let timer: NodeJS.Timeout | undefined;
    if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
      timer = setTimeout(() => {
        upstream.destroy(new Error('timeout'));
        reply(res, 504, 'upstream request timeout', { server: 'envoy' });
      }, options.timeoutMs);
    }
    upstream.on('response', (answer) => {
      if (timer) clearTimeout(timer);
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      options.onResponse?.(headers, Number((process.hrtime.bigint() - started) / 1_000_000n));
      if (res.headersSent) {
        answer.resume();
        return;
      }
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error.code === 'ECONNREFUSED' || error.code === 'EADDRNOTAVAIL') connectionRefused(res, options.viaSidecar, `${backend.ip}:${backend.port}`);
      else reply(res, 502, `${error.message}\n`, { 'x-splitscope-error': 'upstream' });
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }
}

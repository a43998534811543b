/**
 * A pod container's HTTP server: listens on the pod's IP and container port and answers
 * as its AnswerSpec says. When that address cannot be bound (the port is taken, or the
 * platform has no 127.1.x.y addresses), it listens on an ephemeral port instead and says
 * where; the mesh proxy then reaches it through the runtime's address map.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOn } from '../../listen';
import type { AnswerSpec } from './answers';

/** Where an answer server listens, for a pod IP and container port. */
export interface Listening {
  /** The address the pod would have in a cluster. */
  podIp: string;
  containerPort: number;
  /** Where the server really listens (equal to the above unless it fell back). */
  host: string;
  port: number;
  /** Why the pod's own address could not be used, when it could not. */
  fallbackReason?: string;
}

/** One container port's HTTP server (see the top of this file). */
export class AnswerServer {
  private readonly server: Server;

  constructor(
    private readonly spec: AnswerSpec,
    private readonly identity: { namespace: string; pod: string; container: string },
  ) {
    this.server = createServer((req, res) => this.answer(req, res));
    // Clients of a pod are few and local; idle keep-alive sockets need not linger long.
    this.server.keepAliveTimeout = 5_000;
  }

  async start(podIp: string, containerPort: number): Promise<Listening> {
    try {
      const address = await listenOn(this.server, podIp, containerPort);
      return { podIp, containerPort, host: podIp, port: address.port };
    } catch (first) {
      const reason = first instanceof Error ? first.message : String(first);
      for (const host of [podIp, '127.0.0.1']) {
        try {
          const address = await listenOn(this.server, host, 0);
          return { podIp, containerPort, host, port: address.port, fallbackReason: reason };
        } catch {
          // try the next fallback
        }
      }
      throw first;
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const send = () => {
      if (this.spec.echo) {
        const body = `${JSON.stringify({
          namespace: this.identity.namespace,
          pod: this.identity.pod,
          container: this.identity.container,
          method: req.method,
          path: req.url,
          headers: req.headers,
        })}\n`;
        res.writeHead(this.spec.status, { ...this.spec.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.writeHead(this.spec.status, { ...this.spec.headers, 'content-length': Buffer.byteLength(this.spec.body) });
      res.end(req.method === 'HEAD' ? undefined : this.spec.body);
    };
    // The body is not read: drain it so the connection can be reused.
    req.resume();
    if (this.spec.delayMs > 0) setTimeout(send, this.spec.delayMs);
    else send();
  }
}

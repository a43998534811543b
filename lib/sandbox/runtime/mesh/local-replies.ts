/**
 * The answers the mesh gives itself when a request cannot reach a backend, shaped as the
 * component that would answer in a cluster: Envoy (with a sidecar) answers with its
 * local replies and `server: envoy`; without a sidecar the failure is a network one
 * (connection refused, no such host), which a forward proxy can only report as a 502,
 * marked with `x-splitscope-error` so that it is never mistaken for a backend's answer.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/http/http_connection_management#local-reply-modification
 */
import type { ServerResponse } from 'node:http';

/** Answers with `status` and a plain-text body, unless an answer has begun (then the connection is cut). */
export function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), ...(body ? { 'content-type': 'text/plain' } : {}) });
  res.end(body);
}

function envoy(res: ServerResponse, status: number, body: string): void {
  reply(res, status, body, { server: 'envoy', date: new Date().toUTCString() });
}

/** What a client sees when nothing listens where its connection goes. */
export function connectionRefused(res: ServerResponse, viaSidecar: boolean, where: string): void {
  if (viaSidecar) {
    envoy(res, 503, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111');
    return;
  }
  reply(res, 502, `connection refused: nothing listens on ${where}\n`, { 'x-splitscope-error': 'connection-refused' });
}

/** Cluster DNS has no such name (curl would say: Could not resolve host). */
export function dnsFailure(res: ServerResponse, host: string): void {
  reply(res, 502, `Could not resolve host: ${host}\n`, { 'x-splitscope-error': 'dns-failure' });
}

/** An IP that is neither a pod's nor a Service's. */
export function unreachable(res: ServerResponse, ip: string): void {
  reply(res, 502, `no route to host ${ip}\n`, { 'x-splitscope-error': 'unreachable' });
}

/** Envoy: the cluster exists but has no ready endpoint (response flag UH). */
export function noHealthyUpstream(res: ServerResponse): void {
  envoy(res, 503, 'no healthy upstream');
}

/** Envoy: the route names a cluster istiod never made, e.g. an undefined subset (flag NC). */
export function clusterNotFound(res: ServerResponse): void {
  envoy(res, 503, '');
}

/** Envoy: no route of the virtual host matches (flag NR). */
export function noRoute(res: ServerResponse): void {
  envoy(res, 404, '');
}

/** Envoy's fault filter aborting a request (flag FI). */
export function faultAbort(res: ServerResponse, status: number): void {
  envoy(res, status, 'fault filter abort');
}

/** Envoy's route timeout (flag UT). */
export function upstreamTimeout(res: ServerResponse): void {
  envoy(res, 504, 'upstream request timeout');
}

/** What the client's outbound Envoy does to every answer it passes back. */
export function dressAsEnvoy(headers: Record<string, string | string[]>, upstreamMs: number): void {
  headers.server = 'envoy';
  headers['x-envoy-upstream-service-time'] = String(upstreamMs);
}

/**
 * One request through a client's sidecar, as Envoy handles it with the config istiod
 * generates: the VirtualService for the host (first matching HTTP route), its fault
 * (delay, then abort), redirect or direct response, else a fresh weighted draw among the
 * route's destinations; the destination's Service, port and DestinationRule subset give
 * the endpoints; a load-balancing pick among them; route- and destination-level header
 * operations and rewrites on the way in and out. A host without a VirtualService goes
 * straight to its Service, balanced per request.
 *
 * Header operations are applied destination level first, then route level on top, as
 * Envoy applies the less specific level last by default.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers#custom-request-response-headers
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPRoute, HTTPRouteDestination } from '../istio-shapes';
import { matchesMap } from '../labels';
import type { Service } from '../shapes';
import type { Backend, ClusterView } from './cluster-view';
import { ruleHostFqdn, serviceFqdn } from './dns';
import { clusterNotFound, connectionRefused, dressAsEnvoy, faultAbort, noHealthyUpstream, noRoute, reply } from './local-replies';
import type { ForwardOptions, MeshClient } from './types';
import { applyHeaderOperations, chooseWeighted, durationMs, faultFires, firstMatchingRoute, rewritePath, type RequestFacts } from './routing';

/** One request through a sidecar, with what routing it needs. */
export interface SidecarRequest {
  req: IncomingMessage;
  res: ServerResponse;
  client: MeshClient;
  service: Service;
  port: number;
  path: string;
  view: ClusterView;
  random: () => number;
  /** Round-robin positions per Envoy cluster. */
  roundRobin: Map<string, number>;
  requestHeaders: Record<string, string | string[]>;
  forward(backend: Backend, options: ForwardOptions): void;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function facts(request: SidecarRequest): RequestFacts {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.req.headers)) {
    const v = headerValue(value);
    if (v !== undefined) headers[name] = v;
  }
  return {
    method: request.req.method ?? 'GET',
    path: request.path,
    scheme: 'http',
    authority: request.req.headers.host ?? '',
    port: request.port,
    headers,
    sourceNamespace: request.client.namespace,
    sourceLabels: request.client.pod?.metadata.labels,
  };
}

/** Routes and sends (or answers) one request as the client's sidecar would. */
export async function routeViaSidecar(request: SidecarRequest): Promise<void> {
  const { res, service, view, port, client } = request;
  const namespace = service.metadata.namespace ?? 'default';
  if (!view.servicePort(service, port)) {
    // No listener for that port: Envoy passes the connection through to a port nothing serves.
    connectionRefused(res, true, `${service.metadata.name}.${namespace}:${port}`);
    return;
  }
  const fqdn = serviceFqdn(service.metadata.name, namespace);
  const vs = view.virtualServiceFor(fqdn, client.namespace);
  if (!vs) {
    sendTo(request, { service, port, fqdn }, undefined, undefined, request.path, undefined);
    return;
  }
  const requestFacts = facts(request);
  const hit = firstMatchingRoute(vs.spec.http ?? [], requestFacts);
  if (!hit) {
    noRoute(res);
    return;
  }
  const { route } = hit;
  const delay = route.fault?.delay;
  if (delay && faultFires(delay.percentage, delay.percent, request.random)) {
    const ms = durationMs(delay.fixedDelay) ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
  const abort = route.fault?.abort;
  if (abort?.httpStatus !== undefined && faultFires(abort.percentage, abort.percent, request.random)) {
    faultAbort(res, abort.httpStatus);
    return;
  }
  if (route.redirect) {
    redirect(request, route);
    return;
  }
  if (route.directResponse) {
    const body = route.directResponse.body;
    const text = body?.string ?? (body?.bytes ? Buffer.from(body.bytes, 'base64').toString('utf8') : '');
    reply(res, route.directResponse.status, text, { server: 'envoy' });
    return;
  }
  const chosen = chooseWeighted(route.route ?? [], request.random);
  if (!chosen) {
    noHealthyUpstream(res);
    return;
  }
  const destinationFqdn = ruleHostFqdn(chosen.destination.host, vs.metadata.namespace ?? 'default');
  const destination = view.serviceByFqdn(destinationFqdn);
  if (!destination) {
    clusterNotFound(res);
    return;
  }
  const ports = destination.spec?.ports ?? [];
  const destinationPort = chosen.destination.port?.number ?? (ports.length === 1 ? (ports[0]?.port ?? port) : port);
  const path = route.rewrite?.uri !== undefined ? rewritePath(request.path, hit.match, route.rewrite.uri) : request.path;
  sendTo(request, { service: destination, port: destinationPort, fqdn: destinationFqdn }, route, chosen, path, route.rewrite?.authority);
}

function redirect(request: SidecarRequest, route: HTTPRoute): void {
  const redirect = route.redirect;
  if (!redirect) return;
  const authority = redirect.authority ?? request.req.headers.host ?? '';
  const scheme = redirect.scheme ?? 'http';
  const host = redirect.port !== undefined ? `${authority.split(':')[0] ?? authority}:${redirect.port}` : authority;
  const location = `${scheme}://${host}${redirect.uri ?? request.path}`;
  request.res.writeHead(redirect.redirectCode ?? 301, { location, server: 'envoy', 'content-length': 0 });
  request.res.end();
}

function sendTo(
  request: SidecarRequest,
  target: { service: Service; port: number; fqdn: string },
  route: HTTPRoute | undefined,
  chosen: HTTPRouteDestination | undefined,
  path: string,
  authority: string | undefined,
): void {
  const { view, res, client } = request;
  const servicePort = view.servicePort(target.service, target.port);
  if (!servicePort) {
    clusterNotFound(res);
    return;
  }
  let backends = view.readyBackends(target.service, servicePort);
  const dr = view.destinationRuleFor(target.fqdn, target.service.metadata.namespace ?? 'default', client.namespace);
  const subsetName = chosen?.destination.subset;
  if (subsetName !== undefined) {
    const subset = dr?.spec.subsets?.find((s) => s.name === subsetName);
    if (!subset) {
      clusterNotFound(res);
      return;
    }
    backends = backends.filter((b) => b.pod !== undefined && matchesMap(b.pod.metadata.labels, subset.labels ?? {}));
  }
  if (backends.length === 0) {
    noHealthyUpstream(res);
    return;
  }
  const cluster = `outbound|${target.port}|${subsetName ?? ''}|${target.fqdn}`;
  const backend = pick(backends, dr?.spec.trafficPolicy?.loadBalancer?.simple, cluster, request);
  if (!backend) {
    noHealthyUpstream(res);
    return;
  }
  const headers = { ...request.requestHeaders };
  applyHeaderOperations(headers, chosen?.headers?.request);
  applyHeaderOperations(headers, route?.headers?.request);
  if (authority !== undefined) headers.host = authority;
  request.forward(backend, {
    path,
    headers,
    viaSidecar: true,
    timeoutMs: durationMs(typeof route?.timeout === 'string' ? route.timeout : undefined),
    onResponse: (responseHeaders, ms) => {
      dressAsEnvoy(responseHeaders, ms);
      applyHeaderOperations(responseHeaders, chosen?.headers?.response);
      applyHeaderOperations(responseHeaders, route?.headers?.response);
    },
  });
}

/**
 * Envoy's endpoint pick: ROUND_ROBIN when the DestinationRule asks for it; otherwise
 * the default LEAST_REQUEST, which among idle endpoints is a uniform random pick.
 */
function pick(
  backends: Backend[],
  policy: string | undefined,
  cluster: string,
  request: Pick<SidecarRequest, 'roundRobin' | 'random'>,
): Backend | undefined {
  if (policy === 'ROUND_ROBIN') {
    const next = request.roundRobin.get(cluster) ?? 0;
    request.roundRobin.set(cluster, next + 1);
    return backends[next % backends.length];
  }
  return backends[Math.floor(request.random() * backends.length)];
}

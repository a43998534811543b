/**
 * Which protocol Istio assumes for a Service port, and whether HTTP routes (`spec.http`)
 * apply to traffic on it. Written once here, after Istio's `kube.ConvertProtocol`.
 * @see https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */

/** Istio's protocols, plus `auto` for a port Istio sniffs (no recognised name or appProtocol). */
export type PortProtocol =
  | 'HTTP'
  | 'HTTP2'
  | 'HTTPS'
  | 'HTTP_PROXY'
  | 'GRPC'
  | 'GRPC-Web'
  | 'TCP'
  | 'TLS'
  | 'UDP'
  | 'Mongo'
  | 'Redis'
  | 'MySQL'
  | 'auto';

const BY_PREFIX: Readonly<Record<string, PortProtocol>> = {
  http: 'HTTP',
  http2: 'HTTP2',
  https: 'HTTPS',
  http_proxy: 'HTTP_PROXY',
  grpc: 'GRPC',
  tcp: 'TCP',
  tls: 'TLS',
  udp: 'UDP',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** Kubernetes' standard appProtocol values (KEP-3726), as Istio maps them. */
const KUBERNETES_APP_PROTOCOLS: Readonly<Record<string, PortProtocol>> = {
  'kubernetes.io/h2c': 'HTTP2',
  'kubernetes.io/ws': 'HTTP',
  'kubernetes.io/wss': 'HTTPS',
};

/** Ports Istio treats as TCP when nothing names their protocol (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * The protocol of a Service port: `appProtocol` when set, else the port name's prefix
 * before the first `-` (`http-web` is HTTP, `grpc-web*` is gRPC-Web), case-insensitive;
 * UDP ports are UDP; an unrecognised name is sniffed (`auto`), except on a few well-known
 * TCP ports.
 */
export function servicePortProtocol(port: { name?: string; port: number; protocol?: string; appProtocol?: string }): PortProtocol {
  if (port.protocol?.toUpperCase() === 'UDP') return 'UDP';
  const name = port.appProtocol ?? port.name ?? '';
  const standard = KUBERNETES_APP_PROTOCOLS[name];
  if (standard) return standard;
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const prefix = name.split('-')[0]?.toLowerCase() ?? '';
  const known = BY_PREFIX[prefix];
  if (known) return known;
  return WELL_KNOWN_TCP_PORTS.has(port.port) ? 'TCP' : 'auto';
}

/**
 * Whether `spec.http` routes apply to traffic on a port of this protocol: HTTP, HTTP/2,
 * gRPC and sniffed ports yes; TCP, TLS, HTTPS (encrypted end to end), databases and UDP
 * no — there only `tcp`/`tls` routes (or none) apply.
 */
export function carriesHttpRoutes(protocol: PortProtocol): boolean {
  return ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-Web', 'auto'].includes(protocol);
}

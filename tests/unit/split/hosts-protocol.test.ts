import { describe, expect, it } from 'vitest';
import { hostsOverlap, resolveHost } from '@/lib/split/hosts';
import { carriesHttpRoutes, servicePortProtocol } from '@/lib/split/protocol';

describe('resolveHost (short names resolve in the rule’s namespace)', () => {
  it.each([
    ['reviews', 'bookinfo', 'reviews.bookinfo.svc.cluster.local'],
    ['reviews.prod', 'bookinfo', 'reviews.prod'],
    ['reviews.prod.svc.cluster.local', 'bookinfo', 'reviews.prod.svc.cluster.local'],
    ['*', 'bookinfo', '*'],
    ['*.example.com', 'bookinfo', '*.example.com'],
    ['10.0.0.1', 'bookinfo', '10.0.0.1'],
    ['::1', 'bookinfo', '::1'],
    ['reviews', undefined, 'reviews.svc.cluster.local'],
  ])('%s in %s -> %s', (host, ns, out) => {
    expect(resolveHost(host, ns)).toBe(out);
  });
  it('uses the cluster domain given', () => {
    expect(resolveHost('a', 'b', 'corp.internal')).toBe('a.b.svc.corp.internal');
  });
});

describe('hostsOverlap', () => {
  it.each([
    ['a.com', 'a.com', true],
    ['a.com', 'b.com', false],
    ['*.com', 'a.b.com', true],
    ['*.example.com', 'example.com', false],
    ['*', 'anything', true],
    ['*.a.com', '*.com', true],
    ['*.a.com', '*.b.com', false],
  ])('%s ~ %s = %s', (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected);
    expect(hostsOverlap(b, a)).toBe(expected);
  });
});

describe('servicePortProtocol', () => {
  it.each([
    [{ port: 80, name: 'http' }, 'HTTP', true],
    [{ port: 80, name: 'http-web' }, 'HTTP', true],
    [{ port: 80, name: 'HTTP2-x' }, 'HTTP2', true],
    [{ port: 80, name: 'grpc-web-x' }, 'GRPC-Web', true],
    [{ port: 80, name: 'grpc' }, 'GRPC', true],
    [{ port: 80 }, 'auto', true],
    [{ port: 80, name: 'web' }, 'auto', true],
    [{ port: 443, name: 'https' }, 'HTTPS', false],
    [{ port: 443, name: 'tls-x' }, 'TLS', false],
    [{ port: 80, name: 'http', appProtocol: 'tcp' }, 'TCP', false],
    [{ port: 80, name: 'tcp', appProtocol: 'http' }, 'HTTP', true],
    [{ port: 80, appProtocol: 'kubernetes.io/h2c' }, 'HTTP2', true],
    [{ port: 80, appProtocol: 'kubernetes.io/wss' }, 'HTTPS', false],
    [{ port: 3306 }, 'TCP', false],
    [{ port: 53, name: 'dns', protocol: 'UDP' }, 'UDP', false],
    [{ port: 6379, name: 'redis' }, 'Redis', false],
  ])('%j is %s (http routes apply: %s)', (port, protocol, http) => {
    const p = servicePortProtocol(port);
    expect(p).toBe(protocol);
    expect(carriesHttpRoutes(p)).toBe(http);
  });
});

import { describe, expect, it } from 'vitest';
import { hostCovers, resolverCandidates, ruleHostFqdn, serviceFqdn, visibleFrom } from '@/lib/sandbox/runtime/mesh/dns';

describe('cluster DNS names', () => {
  it('tries the search path first for short names, from the pod namespace', () => {
    expect(resolverCandidates('my-apache-vs', 'default')).toEqual([
      'my-apache-vs.default.svc.cluster.local',
      'my-apache-vs.svc.cluster.local',
      'my-apache-vs.cluster.local',
      'my-apache-vs',
    ]);
    // svc.ns resolves through the second search domain
    expect(resolverCandidates('reviews.bookinfo', 'default')).toContain('reviews.bookinfo.svc.cluster.local');
    expect(resolverCandidates('reviews.bookinfo.svc', 'default')).toContain('reviews.bookinfo.svc.cluster.local');
  });

  it('gives a node no search path and takes a trailing dot as absolute', () => {
    expect(resolverCandidates('my-apache-vs', undefined)).toEqual(['my-apache-vs']);
    expect(resolverCandidates('a.b.svc.cluster.local.', 'x')).toEqual(['a.b.svc.cluster.local']);
  });

  it('resolves a short rule host in the rule namespace, leaving dotted hosts alone', () => {
    expect(ruleHostFqdn('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(ruleHostFqdn('reviews.prod.svc.cluster.local', 'bookinfo')).toBe('reviews.prod.svc.cluster.local');
    expect(ruleHostFqdn('*.example.com', 'bookinfo')).toBe('*.example.com');
    expect(serviceFqdn('a', 'b')).toBe('a.b.svc.cluster.local');
  });

  it('matches wildcard hosts by suffix and * everything', () => {
    expect(hostCovers('*.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local')).toBe(true);
    expect(hostCovers('*.other.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local')).toBe(false);
    expect(hostCovers('*', 'anything')).toBe(true);
  });

  it('reads exportTo: default everywhere, "." own namespace, names', () => {
    expect(visibleFrom(undefined, 'a', 'b')).toBe(true);
    expect(visibleFrom(['.'], 'a', 'a')).toBe(true);
    expect(visibleFrom(['.'], 'a', 'b')).toBe(false);
    expect(visibleFrom(['b', 'c'], 'a', 'b')).toBe(true);
    expect(visibleFrom(['*'], 'a', 'z')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { checkDesign, checkSplit } from '@/lib/split/check';
import type { ClusterFacts, PodFact, ServiceFact } from '@/lib/split/facts';
import { FINDING_CODES, hasErrors, type Finding } from '@/lib/split/findings';
import type { HTTPRouteDestination, K8sVirtualService } from '@/lib/wire';

/** The seed scenario, as lib/kube would describe it. */
function seedFacts(over: Partial<ClusterFacts> = {}): ClusterFacts {
  const svc = (name: string, selector: Record<string, string>, readyEndpoints = 1): ServiceFact => ({
    namespace: 'default',
    name,
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    selector,
    readyEndpoints,
  });
  const pod = (name: string, labels: Record<string, string>, extra: Partial<PodFact> = {}): PodFact => ({ namespace: 'default', name, labels, ready: true, sidecar: true, ...extra });
  return {
    services: [svc('my-apache', { app: 'my-nginx' }), svc('my-apache-2', { app: 'my-nginx-2' }), svc('my-apache-vs', { run: 'vs' }, 2)],
    pods: [
      pod('my-nginx-1', { app: 'my-nginx', run: 'vs', version: 'v1' }),
      pod('my-nginx-2-1', { app: 'my-nginx-2', run: 'vs', version: 'v2' }),
      pod('client-1', { client: 'my-nginx' }),
    ],
    destinationRules: [],
    virtualServices: [{ namespace: 'default', name: 'hujin-virtual-svc', hosts: ['my-apache-vs'] }],
    namespaces: [{ name: 'default', injection: 'enabled' }],
    istioVersion: '1.22.3',
    ...over,
  };
}

function seedVs(route: HTTPRouteDestination[], spec: Record<string, unknown> = {}): K8sVirtualService {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'VirtualService',
    metadata: { name: 'hujin-virtual-svc', namespace: 'default' },
    spec: { hosts: ['my-apache-vs'], http: [{ route }], ...spec },
  };
}

const TEN_NINETY: HTTPRouteDestination[] = [
  { destination: { host: 'my-apache', port: { number: 80 } }, weight: 10 },
  { destination: { host: 'my-apache-2', port: { number: 80 } }, weight: 90 },
];

function codes(findings: Finding[]): string[] {
  return findings.map((f) => `${f.code}:${f.severity}`);
}

describe('checkSplit', () => {
  it('finds nothing wrong with the seed split', () => {
    expect(checkSplit({ vs: seedVs(TEN_NINETY), route: 0, facts: seedFacts() })).toEqual([]);
  });

  it('tells errors (which block an apply) from notes', () => {
    const note = checkSplit({ vs: seedVs(TEN_NINETY.map((e, i) => ({ ...e, weight: [2, 3][i] }))), route: 0, facts: seedFacts() });
    expect(hasErrors(note)).toBe(false);
    const error = checkSplit({ vs: seedVs(TEN_NINETY.map((e, i) => ({ ...e, weight: [2, 3][i] }))), route: 0, facts: seedFacts({ istioVersion: '1.11.4' }) });
    expect(hasErrors(error)).toBe(true);
  });

  it('gives every finding an actionable sentence, a catalogue severity or the idle exception, and a reference', () => {
    const findings = checkSplit({
      vs: seedVs([{ destination: { host: 'nope' }, weight: 3 }, { destination: { host: 'my-apache', subset: 'v9' }, weight: 2 }], { gateways: ['gw'] }),
      route: 0,
      facts: seedFacts({ istioVersion: '1.11.4' }),
    });
    expect(findings.length).toBeGreaterThan(2);
    for (const f of findings) {
      expect(f.message).toMatch(/\.$/);
      expect(f.docs).toBe(FINDING_CODES[f.code].docs);
      expect(f.severity).toBe(FINDING_CODES[f.code].severity);
      expect(f.path).toMatch(/^\//);
    }
  });

  describe('weights, by Istio version', () => {
    it.each([
      { name: 'sum 5 on Istio 1.11 is an error', weights: [2, 3], version: '1.11.4', expected: ['weight-total-not-100:error'] },
      { name: 'sum 5 on Istio 1.22 is a note', weights: [2, 3], version: '1.22.0', expected: ['weight-total-relative:info'] },
      { name: 'sum 5 on an unknown version is a note that mentions both', weights: [2, 3], version: undefined, expected: ['weight-total-relative:info'] },
      { name: 'total 0 is an error', weights: [0, 0], version: '1.22.0', expected: ['weight-total-zero:error'] },
      { name: 'a fractional weight is an error', weights: [10.5, 89.5], version: '1.22.0', expected: ['weight-invalid:error', 'weight-invalid:error'] },
      { name: 'a weight over 100 is an error on 1.14', weights: [150, 50], version: '1.14.0', expected: ['weight-invalid:error', 'weight-total-not-100:error'] },
      { name: 'a weight over 100 is relative on 1.15', weights: [150, 50], version: '1.15.0', expected: ['weight-total-relative:info'] },
    ])('$name', ({ weights, version, expected }) => {
      const route = TEN_NINETY.map((e, i) => ({ ...e, weight: weights[i] }));
      const found = codes(checkSplit({ vs: seedVs(route), route: 0, facts: seedFacts({ istioVersion: version }) }));
      expect(found).toEqual(expected);
    });

    it('warns about a lone destination whose weight is under 100', () => {
      const found = checkSplit({ vs: seedVs([{ destination: { host: 'my-apache' }, weight: 30 }]), route: 0, facts: seedFacts() });
      expect(codes(found)).toEqual(['weight-lone-under-100:warning']);
      expect(found[0]?.message).toMatch(/gets all of the traffic/);
    });

    it('says the shares when the note is about relative weights', () => {
      const [f] = checkSplit({ vs: seedVs(TEN_NINETY.map((e, i) => ({ ...e, weight: [2, 3][i] }))), route: 0, facts: seedFacts() });
      expect(f?.message).toMatch(/my-apache:80 40%, my-apache-2:80 60%/);
    });
  });

  describe('destinations against the cluster', () => {
    it('host not found, with the short-name rule when the Service lives elsewhere', () => {
      const facts = seedFacts({ services: [...seedFacts().services, { namespace: 'web', name: 'shop', ports: [{ port: 80 }], readyEndpoints: 1 }] });
      const [f] = checkSplit({ vs: seedVs([{ destination: { host: 'shop' } }]), route: 0, facts });
      expect(f?.code).toBe('host-not-found');
      expect(f?.message).toMatch(/shop\.default\.svc\.cluster\.local/);
      expect(f?.message).toMatch(/write shop\.web\.svc\.cluster\.local/);
      expect(f?.path).toBe('/spec/http/0/route/0/destination/host');
    });

    it('host not found for name.namespace, which Istio does not expand', () => {
      const [f] = checkSplit({ vs: seedVs([{ destination: { host: 'my-apache.default' } }]), route: 0, facts: seedFacts() });
      expect(f?.message).toMatch(/does not expand name\.namespace; write my-apache\.default\.svc\.cluster\.local/);
    });

    it('accepts a fully qualified host, and a ServiceEntry host', () => {
      const fqdn = seedVs([{ destination: { host: 'my-apache.default.svc.cluster.local' } }]);
      expect(checkSplit({ vs: fqdn, route: 0, facts: seedFacts() })).toEqual([]);
      const external = seedVs([{ destination: { host: 'api.example.com' } }]);
      expect(checkSplit({ vs: external, route: 0, facts: seedFacts({ serviceEntries: [{ namespace: 'default', name: 'ext', hosts: ['*.example.com'] }] }) })).toEqual([]);
    });

    const subsets = seedFacts({
      services: [{ namespace: 'default', name: 'reviews', ports: [{ port: 9080, name: 'http' }], selector: { app: 'reviews' }, readyEndpoints: 2 }],
      pods: [
        { namespace: 'default', name: 'r1', labels: { app: 'reviews', version: 'v1' }, ready: true, sidecar: true },
        { namespace: 'default', name: 'r2', labels: { app: 'reviews', version: 'v2' }, ready: false, sidecar: true },
      ],
      destinationRules: [
        {
          namespace: 'default',
          name: 'reviews',
          host: 'reviews',
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            { name: 'v2', labels: { version: 'v2' } },
            { name: 'v3', labels: { version: 'v3' } },
          ],
        },
      ],
    });
    const reviews = (subset: string, weight: number, other = 'v1'): K8sVirtualService =>
      seedVs([
        { destination: { host: 'reviews', subset: other }, weight: 100 - weight },
        { destination: { host: 'reviews', subset }, weight },
      ]);

    it.each([
      { name: 'a subset no DestinationRule defines', subset: 'v9', weight: 50, expected: ['subset-not-found:error'] },
      { name: 'a subset that selects no pods', subset: 'v3', weight: 50, expected: ['subset-no-pods:error'] },
      { name: 'a subset whose pods are not ready', subset: 'v2', weight: 50, expected: ['no-ready-endpoints:error'] },
      { name: 'an idle (weight 0) subset without pods is only a note', subset: 'v3', weight: 0, expected: ['subset-no-pods:info'] },
    ])('$name', ({ subset, weight, expected }) => {
      expect(codes(checkSplit({ vs: reviews(subset, weight), route: 0, facts: subsets }))).toEqual(expected);
    });

    it('lists the subsets that do exist', () => {
      const [f] = checkSplit({ vs: reviews('v9', 50), route: 0, facts: subsets });
      expect(f?.message).toMatch(/Defined subsets: v1, v2, v3/);
    });

    it('ignores a DestinationRule exported only to another namespace', () => {
      const hidden = { ...subsets, destinationRules: subsets.destinationRules.map((dr) => ({ ...dr, namespace: 'other', host: 'reviews.default.svc.cluster.local', exportTo: ['.'] })) };
      expect(codes(checkSplit({ vs: reviews('v2', 50), route: 0, facts: hidden }))).toContain('subset-not-found:error');
    });

    it('a Service with no ready endpoints', () => {
      const facts = seedFacts({ services: seedFacts().services.map((s) => (s.name === 'my-apache-2' ? { ...s, readyEndpoints: 0 } : s)) });
      expect(codes(checkSplit({ vs: seedVs(TEN_NINETY), route: 0, facts }))).toEqual(['no-ready-endpoints:error']);
    });

    const multiPort = seedFacts({
      services: [
        {
          namespace: 'default',
          name: 'web',
          ports: [
            { port: 80, name: 'http', targetPort: 8080 },
            { port: 443, name: 'https' },
            { port: 9000, name: 'metrics', appProtocol: 'tcp' },
            { port: 3306 },
            { port: 5000, name: 'grpc-web-api' },
          ],
          selector: { app: 'web' },
          readyEndpoints: 1,
        },
      ],
    });
    it.each([
      { name: 'no port on a multi-port Service', port: undefined, expected: ['port-required:error'] },
      { name: 'a port the Service does not expose', port: 8081, expected: ['port-not-found:error'] },
      { name: 'an HTTPS port (by name)', port: 443, expected: ['port-not-http:warning'] },
      { name: 'a TCP port (by appProtocol)', port: 9000, expected: ['port-not-http:warning'] },
      { name: 'an unnamed MySQL port (well-known TCP)', port: 3306, expected: ['port-not-http:warning'] },
      { name: 'a gRPC-Web port', port: 5000, expected: [] },
      { name: 'the HTTP port', port: 80, expected: [] },
    ])('$name', ({ port, expected }) => {
      const vs = seedVs([{ destination: { host: 'web', ...(port ? { port: { number: port } } : {}) } }]);
      expect(codes(checkSplit({ vs, route: 0, facts: multiPort }))).toEqual(expected);
    });

    it('points out a targetPort used as the port', () => {
      const [f] = checkSplit({ vs: seedVs([{ destination: { host: 'web', port: { number: 8080 } } }]), route: 0, facts: multiPort });
      expect(f?.message).toMatch(/8080 is the targetPort of Service port 80/);
    });

    it('the same destination written two ways', () => {
      const vs = seedVs([
        { destination: { host: 'my-apache' }, weight: 50 },
        { destination: { host: 'my-apache.default.svc.cluster.local' }, weight: 50 },
      ]);
      expect(codes(checkSplit({ vs, route: 0, facts: seedFacts() }))).toEqual(['destination-duplicate:error']);
    });
  });

  describe('who sees the split', () => {
    it('a VirtualService bound only to a gateway', () => {
      expect(codes(checkSplit({ vs: seedVs(TEN_NINETY, { gateways: ['istio-system/gw'] }), route: 0, facts: seedFacts() }))).toEqual(['mesh-not-bound:warning']);
      expect(checkSplit({ vs: seedVs(TEN_NINETY, { gateways: ['istio-system/gw', 'mesh'] }), route: 0, facts: seedFacts() })).toEqual([]);
    });

    it('a route whose matches are all limited to other gateways', () => {
      const vs = seedVs([], { gateways: ['gw', 'mesh'], http: [{ match: [{ gateways: ['gw'] }], route: TEN_NINETY }] });
      expect(codes(checkSplit({ vs, route: 0, facts: seedFacts() }))).toEqual(['mesh-not-bound:warning']);
    });

    it('exportTo that hides the route from namespaces with sidecar clients', () => {
      const facts = seedFacts({ pods: [...seedFacts().pods, { namespace: 'shop', name: 'c', labels: {}, ready: true, sidecar: true }] });
      const found = checkSplit({ vs: seedVs(TEN_NINETY, { exportTo: ['.'] }), route: 0, facts });
      expect(codes(found)).toEqual(['export-restricted:warning']);
      expect(found[0]?.message).toMatch(/namespaces shop/);
    });

    it('clients without a sidecar, with what to do per namespace', () => {
      const facts = seedFacts({
        pods: [...seedFacts().pods, { namespace: 'default', name: 'old', labels: {}, ready: true, sidecar: false }, { namespace: 'legacy', name: 'x', labels: {}, ready: true, sidecar: false }, { namespace: 'kube-system', name: 'dns', labels: {}, ready: true, sidecar: false }],
        namespaces: [{ name: 'default', injection: 'enabled' }, { name: 'legacy', injection: 'unset' }],
      });
      const found = checkSplit({ vs: seedVs(TEN_NINETY), route: 0, facts });
      expect(codes(found)).toEqual(['clients-without-sidecar:warning']);
      expect(found[0]?.message).toMatch(/2 pods .* default \(1, injection on: restart them\), legacy \(1\)/);
      expect(found[0]?.message).toMatch(/kube-proxy spreads them evenly/);
    });

    it('another VirtualService claiming the same host for the mesh, not one bound to a gateway', () => {
      const others = [
        { namespace: 'team', name: 'other', hosts: ['my-apache-vs.default.svc.cluster.local'] },
        { namespace: 'team', name: 'edge', hosts: ['my-apache-vs.default.svc.cluster.local'], gateways: ['gw'] },
      ];
      const found = checkSplit({ vs: seedVs(TEN_NINETY), route: 0, facts: seedFacts({ virtualServices: [...seedFacts().virtualServices, ...others] }) });
      expect(codes(found)).toEqual(['host-claimed-elsewhere:warning']);
      expect(found[0]?.message).toMatch(/team\/other/);
      expect(found[0]?.message).not.toMatch(/team\/edge/);
    });

    it('notes that mirrored copies are not part of the split', () => {
      const vs = seedVs([], { http: [{ route: TEN_NINETY, mirror: { host: 'my-apache' } }] });
      expect(codes(checkSplit({ vs, route: 0, facts: seedFacts() }))).toEqual(['mirror-not-in-split:info']);
    });
  });

  it('reports the route shape problems and nothing else for routes it cannot read', () => {
    expect(codes(checkSplit({ vs: seedVs(TEN_NINETY), route: 5, facts: seedFacts() }))).toEqual(['route-out-of-range:error']);
    const redirect = seedVs([], { http: [{ redirect: { uri: '/x' } }] });
    expect(codes(checkSplit({ vs: redirect, route: 0, facts: seedFacts() }))).toEqual(['route-not-splittable:error']);
    expect(codes(checkSplit({ vs: { kind: 'VirtualService' }, route: 0, facts: seedFacts() }))).toEqual(['not-a-virtual-service:error']);
  });
});

describe('checkDesign', () => {
  const facts = seedFacts({ virtualServices: [] });
  it('accepts the seed design', () => {
    expect(checkDesign({ namespace: 'default', hosts: ['my-apache-vs'], destinations: [{ host: 'my-apache', port: 80, weight: 10 }, { host: 'my-apache-2', port: 80, weight: 90 }], facts })).toEqual([]);
  });
  it('refuses missing or bad hosts and weights that do not sum to 100', () => {
    expect(codes(checkDesign({ namespace: 'default', hosts: [], destinations: [{ host: 'my-apache', weight: 60 }], facts }))).toEqual(['hosts-invalid:error', 'weight-total-not-100:error']);
    expect(codes(checkDesign({ namespace: 'default', hosts: ['bad host'], destinations: [{ host: 'my-apache', weight: 100 }], facts }))).toEqual(['hosts-invalid:error']);
  });
  it('warns when the host already has a VirtualService', () => {
    expect(codes(checkDesign({ namespace: 'default', name: 'new', hosts: ['my-apache-vs'], destinations: [{ host: 'my-apache', weight: 100 }], facts: seedFacts() }))).toEqual(['host-claimed-elsewhere:warning']);
  });
  it('runs the cluster checks on the designed destinations', () => {
    expect(codes(checkDesign({ namespace: 'default', hosts: ['my-apache-vs'], destinations: [{ host: 'missing', weight: 100 }], facts }))).toEqual(['host-not-found:error']);
  });
});

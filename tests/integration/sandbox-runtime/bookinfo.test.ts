/**
 * bookinfo-reviews: DestinationRule subsets pick pods by their version label; the
 * VirtualService's header route and 70/20/10 split hold from productpage (sidecar), and
 * the plain curl client sees kube-proxy's even spread over all three versions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningPod, startTestSandbox, tally, viaMesh, waitForDeployments, withinBinomialBand, type ProxyAnswer, type TestSandbox } from './support';

const N = 2000;

function version(answer: ProxyAnswer): string {
  if (answer.status !== 200) return `status ${answer.status}`;
  if (answer.body.includes('"color":"black"')) return 'v2';
  if (answer.body.includes('"color":"red"')) return 'v3';
  return answer.body.includes('"reviews"') ? 'v1' : 'other';
}

describe('bookinfo reviews subsets', () => {
  let sandbox: TestSandbox;
  let productpage: string;
  let curl: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ scenario: 'bookinfo-reviews' });
    await waitForDeployments(sandbox.store, 'bookinfo', ['productpage-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'curl']);
    productpage = sandbox.runtime.proxyUrlFor('bookinfo', runningPod(sandbox.store, 'bookinfo', 'productpage-v1')?.metadata.name ?? '') ?? '';
    curl = sandbox.runtime.proxyUrlFor('bookinfo', runningPod(sandbox.store, 'bookinfo', 'curl')?.metadata.name ?? '') ?? '';
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it(`splits ${N} requests from productpage 70/20/10 over the subsets`, async () => {
    const counts = await tally(N, () => viaMesh(productpage, 'http://reviews:9080/reviews/0'), version);
    expect((counts.v1 ?? 0) + (counts.v2 ?? 0) + (counts.v3 ?? 0)).toBe(N);
    expect(withinBinomialBand(counts.v1 ?? 0, N, 0.7)).toBe(true);
    expect(withinBinomialBand(counts.v2 ?? 0, N, 0.2)).toBe(true);
    expect(withinBinomialBand(counts.v3 ?? 0, N, 0.1)).toBe(true);
  });

  it('sends end-user jason to v2 only', async () => {
    const counts = await tally(200, () => viaMesh(productpage, 'http://reviews:9080/reviews/0', { headers: { 'end-user': 'jason' } }), version);
    expect(counts).toEqual({ v2: 200 });
  });

  it(`spreads ${N} requests from the plain client evenly over all three versions`, async () => {
    const counts = await tally(N, () => viaMesh(curl, 'http://reviews.bookinfo:9080/reviews/0'), version);
    for (const v of ['v1', 'v2', 'v3']) expect(withinBinomialBand(counts[v] ?? 0, N, 1 / 3)).toBe(true);
  });

  it('answers 503 for a subset no DestinationRule defines, as Envoy does for a missing cluster', async () => {
    const vs = sandbox.store.get('virtualservices.networking.istio.io', 'bookinfo', 'reviews');
    if (!vs) throw new Error('reviews VirtualService missing');
    sandbox.store.update('virtualservices.networking.istio.io', {
      ...vs,
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }] },
    });
    const answer = await viaMesh(productpage, 'http://reviews:9080/reviews/0');
    expect(answer.status).toBe(503);
    expect(answer.headers.server).toBe('envoy');
  });
});

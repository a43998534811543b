import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addLatencies, bucketOf, emptyHistogram, HISTOGRAM_BUCKETS, histogramQuantile, mergeHistograms } from '@/lib/probe/histogram';

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

describe('latency histogram', () => {
  it('is empty at first', () => {
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeNull();
  });

  it('keeps a fixed number of buckets whatever it is fed', () => {
    const h = addLatencies(emptyHistogram(), [0, 0.001, 0.05, 1, 1e3, 1e5, 1.2e5, 1e9, Number.NaN]);
    expect(h.counts).toHaveLength(HISTOGRAM_BUCKETS);
    expect(h.total).toBe(9);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(9);
  });

  it('puts each latency in a bucket in order', () => {
    expect(bucketOf(0.01)).toBe(0);
    expect(bucketOf(0.05)).toBe(1);
    expect(bucketOf(1e9)).toBe(HISTOGRAM_BUCKETS - 1);
    expect(bucketOf(2)).toBeLessThan(bucketOf(2.3));
  });

  it('reads p50 and p95 within 5 % of the exact values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.06, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 300 }), (values) => {
        const h = addLatencies(emptyHistogram(), values);
        for (const q of [0.5, 0.95]) {
          const exact = exactQuantile(values, q);
          const got = histogramQuantile(h, q) ?? Number.NaN;
          expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(0.05);
        }
      }),
    );
  });

  it('merges like adding both inputs at once', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true })), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true })), (a, b) => {
        expect(mergeHistograms(addLatencies(emptyHistogram(), a), addLatencies(emptyHistogram(), b))).toEqual(addLatencies(emptyHistogram(), [...a, ...b]));
      }),
    );
  });
});

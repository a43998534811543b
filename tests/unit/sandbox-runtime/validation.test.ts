import { describe, expect, it } from 'vitest';
import { denialMessage, virtualServiceErrors } from '@/lib/sandbox/runtime/istio/validation';

const split = (...weights: (number | undefined)[]) => ({
  hosts: ['reviews'],
  http: [{ route: weights.map((weight, i) => ({ destination: { host: `reviews-${i}` }, ...(weight === undefined ? {} : { weight }) })) }],
});

describe('Istio VirtualService validation by version', () => {
  it('up to 1.14 refuses a split whose weights do not total 100', () => {
    expect(virtualServiceErrors(split(10, 80), '1.14.6')).toEqual(['total destination weight 90 != 100']);
    expect(virtualServiceErrors(split(10, 90), '1.14.6')).toEqual([]);
    expect(virtualServiceErrors(split(undefined, undefined), '1.11.0')).toEqual(['total destination weight 0 != 100']);
  });

  it('up to 1.14 refuses weights outside 0..100, and accepts any weight on a lone destination', () => {
    expect(virtualServiceErrors(split(150, -50), '1.14.0')).toEqual([
      'percentage 150 is not in range 0..100',
      'percentage -50 is not in range 0..100',
    ]);
    expect(virtualServiceErrors(split(30), '1.14.0')).toEqual([]);
  });

  it('from 1.15 accepts any non-negative weights', () => {
    expect(virtualServiceErrors(split(10, 80), '1.15.0')).toEqual([]);
    expect(virtualServiceErrors(split(1, 2, 3000), '1.28.0')).toEqual([]);
    expect(virtualServiceErrors(split(-1, 5), '1.28.0')).toEqual(['weight -1 < 0']);
  });

  it('requires a destination host and a route, redirect or direct response', () => {
    expect(virtualServiceErrors({ hosts: ['a'], http: [{}] }, '1.28.0')).toEqual(['HTTP route, redirect or delegate is required']);
    expect(virtualServiceErrors({ hosts: ['a'], http: [{ route: [{ destination: {} }] }] }, '1.28.0')).toEqual(['destination.host is required']);
    expect(virtualServiceErrors({ hosts: ['a'], http: [{ directResponse: { status: 503 } }] }, '1.28.0')).toEqual([]);
  });

  it('words one error plainly and several as Go multierror does', () => {
    expect(denialMessage(['total destination weight 90 != 100'])).toBe('configuration is invalid: total destination weight 90 != 100');
    expect(denialMessage(['a', 'b'])).toBe('configuration is invalid: 2 errors occurred:\n\t* a\n\t* b\n\n');
  });
});

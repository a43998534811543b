import { describe, expect, it } from 'vitest';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain, isQualifiedName } from '@/lib/sandbox/api/validation/names';

describe('name rules', () => {
  it('accepts valid names', () => {
    expect(isDns1123Subdomain('reviews.v1-a')).toEqual([]);
    expect(isDns1123Label('my-name')).toEqual([]);
    expect(isDns1035Label('abc-123')).toEqual([]);
    expect(isQualifiedName('app.kubernetes.io/name')).toEqual([]);
  });

  it('explains a bad subdomain with the API server message', () => {
    expect(isDns1123Subdomain('Foo_bar')).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('explains a bad label, and a dotted label apart', () => {
    expect(isDns1123Label('a_b')[0]).toContain("(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    expect(isDns1123Label('a.b')).toEqual(['must not contain dots']);
  });

  it('requires a DNS-1035 label to start with a letter (Service names)', () => {
    expect(isDns1035Label('1abc')[0]).toMatch(/^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  });

  it('limits lengths', () => {
    expect(isDns1123Label('a'.repeat(64))).toContain('must be no more than 63 characters');
    expect(isDns1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
  });
});

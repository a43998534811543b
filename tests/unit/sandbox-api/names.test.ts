import { describe, expect, it } from 'vitest';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from '@/lib/sandbox/api/validation/names';

describe('name rules', () => {
  it('accepts valid names', () => {
    expect(isDns1123Subdomain('reviews.v1-a')).toEqual([]);
    expect(isDns1123Label('my-name')).toEqual([]);
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

  it('lets an RFC 1123 label start with a digit (Service names since RelaxedServiceNameValidation)', () => {
    expect(isDns1123Label('1-starts-with-digit')).toEqual([]);
  });

  it('limits lengths: names in characters, label keys and values in bytes', () => {
    expect(isDns1123Label('a'.repeat(64))).toContain('must be no more than 63 characters');
    expect(isDns1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
    expect(isQualifiedName(`x/${'a'.repeat(64)}`)).toEqual(['name part must be no more than 63 bytes']);
    expect(isQualifiedName(`${'a'.repeat(254)}/x`)).toEqual(['prefix part must be no more than 253 bytes']);
  });

  it('counts bytes, not characters, as Go does', () => {
    expect(isValidLabelValue('é'.repeat(32))[0]).toBe('must be no more than 63 bytes');
  });

  it('explains a label key with two slashes, and an empty name part, as validate/content does', () => {
    expect(isQualifiedName('a/b/c')[0]).toMatch(/^a valid label key must consist of alphanumeric characters/);
    expect(isQualifiedName('example.com/')).toEqual([
      'name part must be non-empty',
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
  });
});

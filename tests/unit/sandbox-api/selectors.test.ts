import { describe, expect, it } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from '@/lib/sandbox/api/selectors';

const labels = { app: 'reviews', version: 'v2', tier: 'backend', replicas: '3' };

/** The message a selector is refused with, or undefined when it parses. */
function refusal(selector: string): string | undefined {
  try {
    parseLabelSelector(selector);
    return undefined;
  } catch (error) {
    if (error instanceof SelectorError) return error.message;
    throw error;
  }
}

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=reviews', true],
    ['app==reviews', true],
    ['app!=reviews', false],
    ['app!=ratings', true],
    ['missing!=x', true],
    ['version in (v1, v2)', true],
    ['version in (v1,v3)', false],
    ['version notin (v1,v3)', true],
    ['missing notin (v1)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=reviews,version=v1', false],
    ['app=reviews, version=v2 ,tier', true],
    ['replicas>2', true],
    ['replicas<2', false],
  ])('%j selects the object: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('parses each operator into a requirement', () => {
    expect(parseLabelSelector('a=b,c!=d,e in (x,y),f notin (z),g,!h')).toEqual([
      { key: 'a', operator: '=', values: ['b'] },
      { key: 'c', operator: '!=', values: ['d'] },
      { key: 'e', operator: 'in', values: ['x', 'y'] },
      { key: 'f', operator: 'notin', values: ['z'] },
      { key: 'g', operator: 'exists', values: [] },
      { key: 'h', operator: '!', values: [] },
    ]);
  });

  it('reads `in ()` as the empty value, as labels.Parse does', () => {
    expect(parseLabelSelector('a in ()')).toEqual([{ key: 'a', operator: 'in', values: [''] }]);
  });

  it('accepts an empty value after = (matches an empty label)', () => {
    expect(matchesLabels(parseLabelSelector('a='), { a: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('a='), { a: 'x' })).toBe(false);
  });

  it.each(['a b', 'a in x', 'a in (x', '=b', 'a=b,', 'a=b c', 'a>b', 'bad key!=x'])('refuses %j', (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(SelectorError);
  });

  it.each([
    ['app in shop', "unable to parse requirement: found 'shop' expected: '('"],
    ['Bad Key=x', "unable to parse requirement: found 'Key', expected: in, notin, =, ==, !=, gt, lt"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a=b,,c', "found ',', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['-a=b', expect.stringMatching(/^unable to parse requirement: key: Invalid value: "-a": name part must consist of alphanumeric characters/)],
  ])('words %j as labels.Parse does', (selector, message) => {
    expect(refusal(selector)).toEqual(message);
  });

  it('refuses an invalid label value with the validation message', () => {
    expect(() => parseLabelSelector('a=-x')).toThrow(/values\[0\]\[a\]: Invalid value: "-x": a valid label must be an empty string/);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'default' }, status: { phase: 'Running' } };

  it('matches =, == and != on nested fields', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=p'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name==q'), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector('metadata.namespace!=kube-system,status.phase=Running'), pod)).toBe(true);
  });

  it('unescapes values and treats a missing field as empty', () => {
    expect(parseFieldSelector('metadata.name=a\\,b')).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b' }]);
    expect(matchesFields(parseFieldSelector('spec.nodeName='), pod)).toBe(true);
  });

  it('refuses a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(SelectorError);
  });
});

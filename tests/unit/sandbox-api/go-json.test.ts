import { describe, expect, it } from 'vitest';
import { goJsonKindProbeError, goJsonSyntaxError, quoteChar, summarizeData } from '@/lib/sandbox/api/go-json';

const syntax = (text: string) => goJsonSyntaxError(Buffer.from(text, 'utf8'));

describe("Go's JSON syntax errors", () => {
  it.each([
    ['{"a": [1, 2.5e-3, true, false, null, "x\\u00e9"]}'],
    ['  [ ]  '],
    ['{}'],
    ['-0'],
    ['"s"'],
    ['12'],
  ])('accepts %j', (text) => {
    expect(syntax(text)).toBeUndefined();
  });

  it.each([
    // The real server's answer to `not json` (tests/contract/DIFFERENCES.md, D13).
    ['not json', "invalid character 'o' in literal null (expecting 'u')"],
    ['', 'unexpected end of JSON input'],
    ['{"metadata": ', 'unexpected end of JSON input'],
    ['{not', "invalid character 'n' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b"}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['[01]', "invalid character '1' after array element"],
    ['1.', 'invalid character \' \' after decimal point in numeric literal'],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1e+', "invalid character ' ' in exponent of numeric literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['"a\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["'single'", "invalid character '\\'' looking for beginning of value"],
  ])('words %j as encoding/json does', (text, message) => {
    expect(syntax(text)).toBe(message);
  });

  it('quotes bytes as strconv.Quote does', () => {
    expect(quoteChar(0x00)).toBe("'\\x00'");
    expect(quoteChar(0x09)).toBe("'\\t'");
    expect(quoteChar(0x5c)).toBe("'\\\\'");
    expect(quoteChar(0x85)).toBe("'\\u0085'");
    expect(quoteChar(0xe9)).toBe("'é'");
  });

  it('says what decoding a non-object for its kind says', () => {
    expect(goJsonKindProbeError([])).toBe('json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }');
    expect(goJsonKindProbeError(null)).toBeUndefined();
  });

  it('summarises a body as the handler does: an object as text, anything else in hex, 30 bytes at most', () => {
    expect(summarizeData(Buffer.from('not json'))).toBe('6e6f74206a736f6e');
    expect(summarizeData(Buffer.from(''))).toBe('<empty>');
    expect(summarizeData(Buffer.from(`{"metadata": ${'x'.repeat(40)}`))).toBe(`{"metadata": ${'x'.repeat(17)} ...`);
  });
});

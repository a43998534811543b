/**
 * How Go's encoding/json words a body it cannot decode, for the decode errors the API
 * server passes on verbatim (`couldn't get version/kind; json parse error: ...`): the
 * syntax errors of its scanner (encoding/json/scanner.go, state for state), and the
 * summary of the body the handler appends.
 */

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

const QUOTE_ESCAPES: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };

/** `quoteChar`: the byte as `strconv.Quote(string(c))` shows it, in single quotes. */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const escape = QUOTE_ESCAPES[c];
  if (escape) return `'${escape}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // string(byte) is the rune U+0080..U+00FF; Go prints the unprintable ones as \u00XX.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${c.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

type Step = (c: number) => void;

class GoJsonSyntaxError extends Error {}

/** The message of `json.Unmarshal`'s syntax check on `data`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(data: Uint8Array): string | undefined {
  const parse: ('key' | 'value' | 'array')[] = [];
  let endTop = false;
  const fail = (c: number, context: string): never => {
    throw new GoJsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`);
  };
  const push = (state: 'key' | 'array', next: Step) => {
    parse.push(state);
    if (parse.length > 10000) throw new GoJsonSyntaxError('exceeded max depth');
    step = next;
  };
  const pop = () => {
    parse.pop();
    if (parse.length === 0) {
      step = endTopState;
      endTop = true;
    } else {
      step = endValue;
    }
  };
  const literal = (rest: string, name: string): Step => {
    const expecting = rest.charCodeAt(0);
    return (c) => {
      if (c !== expecting) fail(c, `in literal ${name} (expecting ${quoteChar(expecting)})`);
      step = rest.length > 1 ? literal(rest.slice(1), name) : endValue;
    };
  };
  const beginValue: Step = (c) => {
    if (SPACE.has(c)) return;
    if (c === 0x7b) return push('key', beginStringOrEmpty);
    if (c === 0x5b) return push('array', beginValueOrEmpty);
    if (c === 0x22) return void (step = inString);
    if (c === 0x2d) return void (step = neg);
    if (c === 0x30) return void (step = zero);
    if (c >= 0x31 && c <= 0x39) return void (step = one);
    if (c === 0x74) return void (step = literal('rue', 'true'));
    if (c === 0x66) return void (step = literal('alse', 'false'));
    if (c === 0x6e) return void (step = literal('ull', 'null'));
    fail(c, 'looking for beginning of value');
  };
  const beginValueOrEmpty: Step = (c) => {
    if (SPACE.has(c)) return;
    if (c === 0x5d) return endValue(c);
    beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (SPACE.has(c)) return;
    if (c === 0x7d) {
      parse[parse.length - 1] = 'value';
      return endValue(c);
    }
    beginString(c);
  };
  const beginString: Step = (c) => {
    if (SPACE.has(c)) return;
    if (c === 0x22) return void (step = inString);
    fail(c, 'looking for beginning of object key string');
  };
  const endValue: Step = (c) => {
    const top = parse[parse.length - 1];
    if (top === undefined) {
      step = endTopState;
      endTop = true;
      return endTopState(c);
    }
    if (SPACE.has(c)) return void (step = endValue);
    if (top === 'key') {
      if (c !== 0x3a) fail(c, 'after object key');
      parse[parse.length - 1] = 'value';
      return void (step = beginValue);
    }
    if (top === 'value') {
      if (c === 0x2c) {
        parse[parse.length - 1] = 'key';
        return void (step = beginString);
      }
      if (c === 0x7d) return pop();
      fail(c, 'after object key:value pair');
    }
    if (c === 0x2c) return void (step = beginValue);
    if (c === 0x5d) return pop();
    fail(c, 'after array element');
  };
  const endTopState: Step = (c) => {
    if (!SPACE.has(c)) fail(c, 'after top-level value');
  };
  const inString: Step = (c) => {
    if (c === 0x22) return void (step = endValue);
    if (c === 0x5c) return void (step = inStringEscape);
    if (c < 0x20) fail(c, 'in string literal');
  };
  const inStringEscape: Step = (c) => {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) return void (step = inString);
    if (c === 0x75) return void (step = hexEscape(4));
    fail(c, 'in string escape code');
  };
  const hexEscape =
    (left: number): Step =>
    (c) => {
      if (!isHex(c)) fail(c, 'in \\u hexadecimal character escape');
      step = left > 1 ? hexEscape(left - 1) : inString;
    };
  const neg: Step = (c) => {
    if (c === 0x30) return void (step = zero);
    if (c >= 0x31 && c <= 0x39) return void (step = one);
    fail(c, 'in numeric literal');
  };
  const one: Step = (c) => {
    if (isDigit(c)) return;
    zero(c);
  };
  const zero: Step = (c) => {
    if (c === 0x2e) return void (step = dot);
    if (c === 0x65 || c === 0x45) return void (step = exponent);
    endValue(c);
  };
  const dot: Step = (c) => {
    if (isDigit(c)) return void (step = dotDigits);
    fail(c, 'after decimal point in numeric literal');
  };
  const dotDigits: Step = (c) => {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) return void (step = exponent);
    endValue(c);
  };
  const exponent: Step = (c) => {
    if (c === 0x2b || c === 0x2d) return void (step = exponentSign);
    exponentSign(c);
  };
  const exponentSign: Step = (c) => {
    if (isDigit(c)) return void (step = exponentDigits);
    fail(c, 'in exponent of numeric literal');
  };
  const exponentDigits: Step = (c) => {
    if (!isDigit(c)) endValue(c);
  };

  let step: Step = beginValue;
  try {
    for (const c of data) step(c);
    if (endTop) return undefined;
    // eof(): a space ends a number; anything else still open is an early end.
    step(0x20);
    return endTop ? undefined : 'unexpected end of JSON input';
  } catch (error) {
    if (error instanceof GoJsonSyntaxError) return error.message;
    throw error;
  }
}

/** What `json.Unmarshal` says when the body is JSON but not an object, decoding it for its kind. */
export function goJsonKindProbeError(value: unknown): string | undefined {
  const type = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value === 'string' || typeof value === 'number' ? typeof value : undefined;
  if (type === undefined) return undefined;
  return `json: cannot unmarshal ${type} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
}

/** `summarizeData(body, 30)`: an object's first bytes as text, anything else in hex. */
export function summarizeData(data: Uint8Array): string {
  const max = 30;
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, max);
  const text = data[0] === 0x7b ? Buffer.from(head).toString('utf8') : Buffer.from(head).toString('hex');
  return data.length > max ? `${text} ...` : text;
}

/**
 * Label and field selectors, parsed with the grammar of k8s.io/apimachinery/pkg/labels
 * and pkg/fields: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>3`, `a<3` for labels; `f=v`, `f==v`, `f!=v` for fields.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import type { K8sObject } from '../../wire';
import { isQualifiedName, isValidLabelValue } from './validation/names';

export type LabelOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** Thrown for a selector the server would refuse (the REST layer answers 400). */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' }
  | { kind: 'open' | 'close' | 'comma' };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i += 1;
    } else if (c === '(') {
      tokens.push({ kind: 'open' });
      i += 1;
    } else if (c === ')') {
      tokens.push({ kind: 'close' });
      i += 1;
    } else if (c === ',') {
      tokens.push({ kind: 'comma' });
      i += 1;
    } else if (c === '=' || c === '!' || c === '>' || c === '<') {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i += 1;
      }
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] ?? '') && !/\s/.test(input[j] ?? '')) j += 1;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function describe(token: Token | undefined): string {
  if (!token) return '';
  if (token.kind === 'id' || token.kind === 'op') return token.text;
  return token.kind === 'open' ? '(' : token.kind === 'close' ? ')' : ',';
}

/** `validateLabelKey`. */
function keyError(key: string): string | undefined {
  const errors = isQualifiedName(key);
  return errors.length > 0 ? `key: Invalid value: ${JSON.stringify(key)}: ${errors.join('; ')}` : undefined;
}

/** `NewRequirement`'s checks of the values, aggregated as Go's `ToAggregate` prints them. */
function checkRequirement(requirement: LabelRequirement): void {
  const errors: string[] = [];
  const { key, operator, values } = requirement;
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((v, i) => {
      if (!/^[-+]?\d+$/.test(v)) errors.push(`values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
    });
  }
  values.forEach((v, i) => {
    const problems = isValidLabelValue(v);
    if (problems.length > 0) errors.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${problems.join('; ')}`);
  });
  if (errors.length === 1) throw new SelectorError(errors[0] ?? '');
  if (errors.length > 1) throw new SelectorError(`[${errors.join(', ')}]`);
}

const OPERATORS = new Map<string, LabelOperator>([
  ['in', 'in'],
  ['notin', 'notin'],
  ['=', '='],
  ['==', '='],
  ['!=', '!='],
  ['>', 'gt'],
  ['<', 'lt'],
]);

/** Parses a label selector; the empty string selects everything. Errors read as `labels.Parse`'s. */
export function parseLabelSelector(input: string): LabelRequirement[] {
  const tokens = tokenize(input);
  const out: LabelRequirement[] = [];
  let i = 0;
  const next = () => tokens[i++];
  const peek = () => tokens[i];
  const isStart = (t: Token | undefined) => t?.kind === 'id' || (t?.kind === 'op' && t.text === '!');

  /** `parseRequirement`: a key, maybe an operator and values. */
  const requirement = (): LabelRequirement => {
    let token = next();
    const negated = token?.kind === 'op' && token.text === '!';
    if (negated) token = next();
    if (token?.kind !== 'id') throw new SelectorError(`found '${describe(token)}', expected: identifier`);
    const key = token.text;
    const bad = keyError(key);
    if (bad) throw new SelectorError(bad);
    const after = peek();
    if (negated || !after || after.kind === 'comma') return { key, operator: negated ? '!' : 'exists', values: [] };
    const opToken = next();
    const operator = opToken?.kind === 'id' || opToken?.kind === 'op' ? OPERATORS.get(opToken.text) : undefined;
    if (!operator) throw new SelectorError(`found '${describe(opToken)}', expected: in, notin, =, ==, !=, gt, lt`);
    if (operator === 'in' || operator === 'notin') return { key, operator, values: setValues() };
    // An exact value may be empty (`a=`).
    const value = peek();
    if (!value || value.kind === 'comma') return { key, operator, values: [''] };
    next();
    if (value.kind !== 'id') throw new SelectorError(`found '${describe(value)}', expected: identifier`);
    return { key, operator, values: [value.text] };
  };

  /** `parseValues`: `(a, b)`, where an empty entry is the empty value. */
  const setValues = (): string[] => {
    const open = next();
    if (open?.kind !== 'open') throw new SelectorError(`found '${describe(open)}' expected: '('`);
    const first = peek();
    if (first?.kind === 'close') {
      next();
      return [''];
    }
    if (first?.kind !== 'id' && first?.kind !== 'comma') throw new SelectorError(`found '${describe(first)}', expected: ',', ')' or identifier`);
    const values = new Set<string>();
    for (;;) {
      const t = next();
      if (t?.kind === 'id') {
        values.add(t.text);
        const sep = peek();
        if (sep?.kind === 'close') break;
        if (sep?.kind !== 'comma') throw new SelectorError(`found '${describe(sep)}', expected: ',' or ')'`);
      } else if (t?.kind === 'comma') {
        if (values.size === 0 || peek()?.kind === 'close' || peek()?.kind === 'comma') values.add('');
        if (peek()?.kind === 'close') break;
      } else {
        throw new SelectorError(`found '${describe(t)}', expected: ',', or identifier`);
      }
    }
    next();
    return [...values].sort();
  };

  while (i < tokens.length) {
    if (!isStart(peek())) throw new SelectorError(`found '${describe(peek())}', expected: !, identifier, or 'end of string'`);
    try {
      const parsed = requirement();
      checkRequirement(parsed);
      out.push(parsed);
    } catch (error) {
      if (error instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${error.message}`);
      throw error;
    }
    const sep = next();
    if (!sep) break;
    if (sep.kind !== 'comma') throw new SelectorError(`found '${describe(sep)}', expected: ',' or 'end of string'`);
    if (!isStart(peek())) throw new SelectorError(`found '${describe(peek())}', expected: identifier after ','`);
  }
  return out;
}

export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(set, r.key);
    const value = set[r.key];
    switch (r.operator) {
      case '=':
      case 'in':
        return has && r.values.includes(value ?? '');
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value ?? '');
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value ?? '')) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.operator === 'gt' ? n > bound : n < bound;
      }
    }
  });
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Parses a field selector (`metadata.name=x,status.phase!=Running`); values may escape `\,` `\=` `\\`. */
export function parseFieldSelector(input: string): FieldRequirement[] {
  if (input.trim() === '') return [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i += 1) {
    const c = input[i] ?? '';
    if (c === '\\' && i + 1 < input.length) {
      current += c + (input[i + 1] ?? '');
      i += 1;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map((part) => {
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!match) throw new SelectorError(`invalid selector: '${part}'; can't understand '${part}'`);
    const [, field = '', op = '=', raw = ''] = match;
    return { field: field.trim(), operator: op === '!=' ? '!=' : '=', value: raw.replace(/\\(.)/g, '$1') };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldValue(object: K8sObject, field: string): string {
  let current: unknown = object;
  for (const step of field.split('.')) {
    if (!isRecord(current)) return '';
    current = current[step];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'string' ? current : String(current);
}

export function matchesFields(requirements: FieldRequirement[], object: K8sObject): boolean {
  return requirements.every((r) => {
    const value = fieldValue(object, r.field);
    return r.operator === '=' ? value === r.value : value !== r.value;
  });
}

/** Field selectors each resource supports (the registry's GetAttrs), beyond metadata.name/namespace. */
export const SELECTABLE_FIELDS: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  namespaces: ['status.phase'],
  services: [],
  endpoints: [],
  'deployments.apps': [],
  'endpointslices.discovery.k8s.io': ['addressType'],
};

/**
 * Label and field selectors, parsed with the grammar of k8s.io/apimachinery/pkg/labels
 * and pkg/fields: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>3`, `a<3` for labels; `f=v`, `f==v`, `f!=v` for fields.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
import type { K8sObject } from '../../wire';

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

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): void {
  const slash = key.lastIndexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const nameOk = name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
  const prefixOk = slash < 0 || (prefix.length > 0 && prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!nameOk || !prefixOk) {
    throw new SelectorError(
      `unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
}

function checkValue(key: string, value: string, index: number): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new SelectorError(
      `unable to parse requirement: values[${index}][${key}]: Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
}

function describe(token: Token | undefined): string {
  if (!token) return '';
  if (token.kind === 'id' || token.kind === 'op') return token.text;
  return token.kind === 'open' ? '(' : token.kind === 'close' ? ')' : ',';
}

/** Parses a label selector; the empty string selects everything. */
export function parseLabelSelector(input: string): LabelRequirement[] {
  const tokens = tokenize(input);
  const out: LabelRequirement[] = [];
  let i = 0;
  const next = () => tokens[i++];
  const peek = () => tokens[i];
  while (i < tokens.length) {
    let token = next();
    let negated = false;
    if (token?.kind === 'op' && token.text === '!') {
      negated = true;
      token = next();
    }
    if (token?.kind !== 'id') throw new SelectorError(`found '${describe(token)}', expected: !, identifier, or 'end of string'`);
    const key = token.text;
    checkKey(key);
    const after = peek();
    if (negated) {
      if (after && after.kind !== 'comma') throw new SelectorError(`found '${describe(after)}', expected: ',' or 'end of string'`);
      out.push({ key, operator: '!', values: [] });
    } else if (!after || after.kind === 'comma') {
      out.push({ key, operator: 'exists', values: [] });
    } else if (after.kind === 'op' && (after.text === '=' || after.text === '==' || after.text === '!=')) {
      next();
      const value = peek();
      let text = '';
      if (value?.kind === 'id') {
        text = value.text;
        next();
      } else if (value && value.kind !== 'comma') {
        throw new SelectorError(`found '${describe(value)}', expected: identifier`);
      }
      checkValue(key, text, 0);
      out.push({ key, operator: after.text === '!=' ? '!=' : '=', values: [text] });
    } else if (after.kind === 'op' && (after.text === '>' || after.text === '<')) {
      next();
      const value = next();
      if (value?.kind !== 'id' || !/^-?\d+$/.test(value.text)) {
        throw new SelectorError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      out.push({ key, operator: after.text === '>' ? 'gt' : 'lt', values: [value.text] });
    } else if (after.kind === 'id' && (after.text === 'in' || after.text === 'notin')) {
      next();
      if (next()?.kind !== 'open') throw new SelectorError(`found '${describe(tokens[i - 1])}', expected: '('`);
      const values: string[] = [];
      for (;;) {
        const v = next();
        if (v?.kind === 'close') {
          if (values.length === 0) values.push('');
          break;
        }
        if (v?.kind === 'id') {
          values.push(v.text);
          const sep = next();
          if (sep?.kind === 'close') break;
          if (sep?.kind !== 'comma') throw new SelectorError(`found '${describe(sep)}', expected: ',' or ')'`);
        } else if (v?.kind === 'comma') {
          values.push('');
        } else {
          throw new SelectorError(`found '${describe(v)}', expected: ',', ')' or identifier`);
        }
      }
      values.forEach((v, index) => checkValue(key, v, index));
      out.push({ key, operator: after.text === 'in' ? 'in' : 'notin', values });
    } else {
      throw new SelectorError(`found '${describe(after)}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const sep = next();
    if (sep && sep.kind !== 'comma') throw new SelectorError(`found '${describe(sep)}', expected: ',' or 'end of string'`);
    if (sep && i >= tokens.length) throw new SelectorError(`found '', expected: identifier after ','`);
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

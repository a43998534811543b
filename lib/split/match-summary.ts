/**
 * A one-line, human summary of a route's `match` list, for the route picker
 * ("uri prefix /api and header end-user exact jason, or method GET").
 */
import { isRecord } from './json';

const STRING_MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;

function stringMatch(value: unknown): string {
  if (!isRecord(value)) return '?';
  for (const kind of STRING_MATCH_KINDS) {
    const v = value[kind];
    if (typeof v === 'string') return `${kind} ${v}`;
  }
  return Object.keys(value).join('/') || 'present';
}

function mapMatch(label: string, value: unknown): string[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).map(([k, v]) => `${label} ${k} ${stringMatch(v)}`);
}

function describe(match: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(match)) {
    switch (key) {
      case 'name':
        break;
      case 'uri':
      case 'scheme':
      case 'method':
      case 'authority':
        parts.push(`${key} ${stringMatch(value)}`);
        break;
      case 'headers':
        parts.push(...mapMatch('header', value));
        break;
      case 'queryParams':
        parts.push(...mapMatch('query', value));
        break;
      case 'withoutHeaders':
        parts.push(...mapMatch('without header', value));
        break;
      case 'sourceLabels':
        if (isRecord(value)) parts.push(`source ${Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(',')}`);
        break;
      case 'port':
        parts.push(`port ${String(value)}`);
        break;
      case 'gateways':
      case 'sniHosts':
      case 'destinationSubnets':
        if (Array.isArray(value)) parts.push(`${key} ${value.map(String).join(',')}`);
        break;
      default:
        parts.push(key);
    }
  }
  return parts.join(' and ') || 'any request';
}

/** Summary of a `match` list, or undefined when the route matches all traffic. */
export function summarizeMatch(match: unknown): string | undefined {
  if (!Array.isArray(match) || match.length === 0) return undefined;
  return match.map((m) => (isRecord(m) ? describe(m) : '?')).join(', or ');
}

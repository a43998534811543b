/**
 * Which destination answered a response (design.md, "Classifying a response"): by the
 * destination tag header first, else by the body fingerprint learned from the destination's
 * own URL, else "unclassified". Errors (no response, curl failure, 5xx) are not draws of the
 * split (statistics.md): they are counted apart, attributed to a destination only when the
 * tag says which one failed.
 */
import type { ProbeExchange, ProbeLearnRecord } from './format';

/** Body fingerprints learned in the learn phase. */
export interface Fingerprints {
  /** Fingerprint key → destination name, for keys seen for exactly one destination. */
  byKey: Readonly<Record<string, string>>;
  /** Keys seen for more than one destination: they identify none. */
  ambiguous: readonly string[];
  /** Learn responses per destination name, and how many of them were errors. */
  learned: Readonly<Record<string, { responses: number; errors: number }>>;
}

export type Classification =
  | { kind: 'destination'; name: string; by: 'tag' | 'fingerprint' }
  | { kind: 'error'; name?: string }
  | { kind: 'unclassified'; reason: 'unknown-tag' | 'no-match' | 'ambiguous' };

/** No fingerprints yet. */
export const NO_FINGERPRINTS: Fingerprints = { byKey: {}, ambiguous: [], learned: {} };

/**
 * An error is an exchange that tells nothing about routing: curl failed (timeout 28,
 * refused 7, …), no status arrived, or a 5xx (Envoy's 503 "no healthy upstream" carries no
 * destination). 4xx answers are the destination's own and count as draws.
 */
export function isErrorExchange(exchange: Pick<ProbeExchange, 'status' | 'exitCode'>): boolean {
  return exchange.exitCode !== 0 || exchange.status === 0 || exchange.status >= 500;
}

/** The fingerprint of a body: its digest and its size, so that equal digests of different sizes differ. */
export function fingerprintKey(exchange: Pick<ProbeExchange, 'digest' | 'size'>): string {
  return `${exchange.digest}/${exchange.size}`;
}

/** Adds one learn response; errors teach nothing but are counted. Returns new fingerprints. */
export function learnFingerprint(fingerprints: Fingerprints, record: ProbeLearnRecord): Fingerprints {
  const seen = fingerprints.learned[record.name] ?? { responses: 0, errors: 0 };
  const error = isErrorExchange(record);
  const learned = {
    ...fingerprints.learned,
    [record.name]: { responses: seen.responses + 1, errors: seen.errors + (error ? 1 : 0) },
  };
  if (error) return { ...fingerprints, learned };
  const key = fingerprintKey(record);
  if (fingerprints.ambiguous.includes(key)) return { ...fingerprints, learned };
  const owner = fingerprints.byKey[key];
  if (owner === undefined) return { ...fingerprints, learned, byKey: { ...fingerprints.byKey, [key]: record.name } };
  if (owner === record.name) return { ...fingerprints, learned };
  // Two destinations answer the same body: the body cannot tell them apart.
  const { [key]: _dropped, ...byKey } = fingerprints.byKey;
  return { byKey, learned, ambiguous: [...fingerprints.ambiguous, key] };
}

/**
 * Classifies one response. `names` are the destination names of the route, which are also the
 * values of the tag header when Splitscope set it.
 */
export function classifyExchange(
  exchange: ProbeExchange,
  names: ReadonlySet<string>,
  fingerprints: Fingerprints,
): Classification {
  const tagged = exchange.tag !== undefined && names.has(exchange.tag) ? exchange.tag : undefined;
  if (isErrorExchange(exchange)) return tagged === undefined ? { kind: 'error' } : { kind: 'error', name: tagged };
  if (tagged !== undefined) return { kind: 'destination', name: tagged, by: 'tag' };
  const key = fingerprintKey(exchange);
  const owner = fingerprints.byKey[key];
  if (owner !== undefined && names.has(owner)) return { kind: 'destination', name: owner, by: 'fingerprint' };
  if (exchange.tag !== undefined) return { kind: 'unclassified', reason: 'unknown-tag' };
  return { kind: 'unclassified', reason: fingerprints.ambiguous.includes(key) ? 'ambiguous' : 'no-match' };
}

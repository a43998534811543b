/**
 * Names the way kube-controller-manager makes them: a ReplicaSet is
 * `<deployment>-<pod-template-hash>`, a pod `<replicaset>-<5 random characters>`, both
 * from the alphabet Kubernetes uses so names never spell words.
 *
 * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/util/rand/rand.go (SafeEncodeString)
 */
import { randomInt } from 'node:crypto';

/** Consonants and digits without vowels or look-alikes, as apimachinery's rand uses. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `n` random characters of the Kubernetes name alphabet. */
export function randomSuffix(n = 5): string {
  let out = '';
  for (let i = 0; i < n; i += 1) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** JSON with object keys sorted, so equal templates hash equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The pod-template-hash of a template: FNV-1a (32 bit) of its canonical JSON, its decimal
 * digits mapped onto the name alphabet, as the Deployment controller does with its
 * (differently serialised) hash. A different template gives a different ReplicaSet.
 */
export function podTemplateHash(template: unknown): string {
  let hash = 0x811c9dc5;
  const text = canonicalJson(template);
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((digit) => ALPHABET[digit.charCodeAt(0) % ALPHABET.length]).join('');
}

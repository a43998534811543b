/**
 * The differences between the sandbox and the real server that are known and written up
 * in tests/contract/DIFFERENCES.md, by case. Each entry is the id there and the start of
 * the difference lines it covers (`<step>: <field>:`). A differential test fails on a
 * difference no entry covers, and on an entry that covers nothing any more (so the list
 * stays true when the sandbox is fixed: remove the entry here and in DIFFERENCES.md).
 */
import { appendFileSync } from 'node:fs';
import { expect, type TestContext } from 'vitest';
import { cannotRun } from './suite';
import { resolveTarget } from './target';

/** A known difference: its id in DIFFERENCES.md and the start of the lines it covers (or a pattern). */
type Known = readonly (readonly [id: string, prefix: string | RegExp])[];

function covers(prefix: string | RegExp, line: string): boolean {
  return typeof prefix === 'string' ? line.startsWith(prefix) : prefix.test(line);
}

export const KNOWN_DIFFERENCES: Record<string, Known> = {
  'pod-logs': [
    ['D22', 'log of the pod: '],
    ['D22', 'log of the pod, named container, tailLines=1: '],
  ],
};

/**
 * Fails unless every line is covered by a known difference of `caseId`, and every known one
 * still occurs. The list is that of tests/cluster's bare control plane: on another cluster
 * (not strict) the differences are printed and the test is reported as not runnable there.
 */
export function expectOnlyKnown(ctx: TestContext, caseId: string, lines: readonly string[]): void {
  // SPLITSCOPE_CONTRACT_DIFF_DUMP=<file>: every case's differences, one JSON line per case, to write them up.
  const dump = process.env.SPLITSCOPE_CONTRACT_DIFF_DUMP;
  if (dump) appendFileSync(dump, `${JSON.stringify({ case: caseId, lines })}\n`);
  const known = KNOWN_DIFFERENCES[caseId] ?? [];
  const unexpected = lines.filter((l) => !known.some(([, prefix]) => covers(prefix, l)));
  const gone = known.filter(([, prefix]) => !lines.some((l) => covers(prefix, l))).map(([id, prefix]) => `${id}: ${String(prefix)}`);
  const strict = resolveTarget().strict;
  if (!strict && (unexpected.length > 0 || gone.length > 0)) {
    console.warn(`[contract] ${caseId}: differences other than those of the bare control plane:\n  ${[...unexpected, ...gone.map((g) => `not seen: ${g}`)].join('\n  ')}`);
    cannotRun(ctx, false, `the known differences are those of tests/cluster's control plane (no controllers, no webhooks); this cluster differs in ${unexpected.length + gone.length} more (printed above)`);
  }
  expect(
    { unexpected, gone },
    `${caseId}: differences between the sandbox and the real server (unexpected: write them up in tests/contract/DIFFERENCES.md and list them in known-differences.ts; gone: remove them from both)`,
  ).toEqual({ unexpected: [], gone: [] });
}

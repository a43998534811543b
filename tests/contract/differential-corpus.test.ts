/**
 * Differential check of what the sandbox stores for real-world VirtualServices: every
 * file of tests/fixtures/corpus created with dryRun=All (through its own apiVersion) on
 * the real server and on the sandbox, and the answers compared: status, warnings (unknown
 * fields), and the object as it would be stored (pruned, defaulted) or the refusal.
 */
import { describe, it } from 'vitest';
import { loadCorpus } from '../integration/api/support/corpus';
import { obj } from '../integration/api/support/json';
import { Comparison, DIFF_NAMESPACE, sidesForFile } from './support/differential';
import { expectOnlyKnown } from './support/known-differences';

const sides = sidesForFile();

describe('the corpus as each side would store it', () => {
  it.for(loadCorpus().map((entry) => ({ file: entry.file, entry })))('$file', async ({ entry }, ctx) => {
    const body = structuredClone(entry.object);
    obj(body.metadata, 'metadata').namespace = DIFF_NAMESPACE;
    const c = new Comparison();
    await c.step(sides(), 'create with dryRun=All', {
      method: 'POST',
      path: `/apis/networking.istio.io/${entry.version}/namespaces/${DIFF_NAMESPACE}/virtualservices`,
      query: { dryRun: 'All' },
      body,
    });
    expectOnlyKnown(ctx, `corpus ${entry.file}`, c.lines);
  });
});

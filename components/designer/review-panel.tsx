'use client';

import { ClusterErrorNotice } from '../cluster-error';
import { DiffView } from './diff-view';
import { FindingsList } from './findings-list';
import type { CheckState } from './use-change-check';

/** Pre-apply checks: our findings, the cluster's own dry-run verdict, and the exact diff. */
export function ReviewPanel({ check, changed }: { check: CheckState; changed: boolean }) {
  if (check.status === 'failed') {
    // A conflict has its own panel above, with what changed and how to go on.
    if (check.error.code === 'conflict') return <p className="text-sm text-amber-800">The object changed in the cluster; see above.</p>;
    return <ClusterErrorNotice error={check.error} />;
  }
  const result = check.status === 'checked' ? check.result : check.status === 'checking' ? check.previous : undefined;
  if (!result) return <p className="text-sm text-slate-500">{check.status === 'checking' ? 'Checking…' : 'Move a slider to see the checks and the diff.'}</p>;
  return (
    <div className={`space-y-3 ${check.status === 'checking' ? 'opacity-60' : ''}`} aria-busy={check.status === 'checking'} data-testid="review">
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Checks</h3>
        <FindingsList findings={result.findings} />
        {result.gaps.length > 0 ? <p className="mt-1 text-xs text-slate-500">Checked with partial facts: {result.gaps.join('; ')}.</p> : null}
      </section>
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Cluster dry run</h3>
        {result.cluster.accepted ? (
          <p className="text-sm text-emerald-800" data-testid="cluster-verdict">The cluster accepts this change (server-side dry run, nothing written).</p>
        ) : result.cluster.error ? (
          <div data-testid="cluster-verdict">
            <ClusterErrorNotice error={result.cluster.error} compact />
          </div>
        ) : null}
      </section>
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">What will change</h3>
        <DiffView diff={changed ? result.diff : ''} empty="Nothing to apply: the weights are as stored." />
      </section>
    </div>
  );
}

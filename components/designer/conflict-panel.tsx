'use client';

import { yamlDiff } from '@/lib/split/diff';
import type { K8sVirtualService } from '@/lib/wire';
import { DiffView } from './diff-view';

/**
 * Shown when the object changed in the cluster after the user loaded it: what changed
 * meanwhile, and a choice to put the user's weights on top of it or drop them.
 */
export function ConflictPanel({
  loaded,
  current,
  onReapply,
  onDiscard,
}: {
  loaded: K8sVirtualService;
  current: K8sVirtualService;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  return (
    <section role="alert" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="conflict">
      <h2 className="text-sm font-semibold text-amber-900">The VirtualService changed in the cluster since you loaded it</h2>
      <p className="text-sm text-amber-900">
        Nothing was written. This is what changed meanwhile (resourceVersion {loaded.metadata?.resourceVersion} → {current.metadata?.resourceVersion}):
      </p>
      <DiffView diff={yamlDiff(loaded, current)} empty="Only server-managed metadata changed." />
      <div className="flex gap-2">
        <button type="button" onClick={onReapply} className="rounded bg-amber-700 px-3 py-1 text-sm text-white hover:bg-amber-800">
          Re-apply my weights on top
        </button>
        <button type="button" onClick={onDiscard} className="rounded px-3 py-1 text-sm text-amber-900 ring-1 ring-amber-400 hover:bg-amber-100">
          Discard my weights, load the current ones
        </button>
      </div>
    </section>
  );
}

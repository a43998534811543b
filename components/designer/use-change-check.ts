'use client';

import { useEffect, useState } from 'react';
import { apiFetch, ApiRequestError, type ApiErrorInfo } from '@/lib/client/fetcher';
import type { ChangeResult } from '@/lib/server/virtualservices';

/** Wait after the last slider movement before asking the server to check the change. */
const CHECK_DEBOUNCE_MS = 300;

export type CheckState =
  | { status: 'idle' }
  | { status: 'checking'; previous?: ChangeResult }
  | { status: 'checked'; result: ChangeResult }
  | { status: 'failed'; error: ApiErrorInfo };

/**
 * Asks the server to dry-run a change (our findings, the YAML diff and the cluster's
 * own server-side dry run) whenever `body` changes, debounced; stale answers are dropped.
 */
export function useChangeCheck(url: string | undefined, method: 'PUT' | 'POST', body: unknown): CheckState {
  const serialized = JSON.stringify(body);
  const key = url ? `${method} ${url} ${serialized}` : '';
  const [answer, setAnswer] = useState<{ key: string; result?: ChangeResult; error?: ApiErrorInfo }>();
  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      apiFetch<ChangeResult>(url, { method, body: serialized })
        .then((result) => {
          if (!cancelled) setAnswer({ key, result });
        })
        .catch((error: unknown) => {
          if (cancelled) return;
          setAnswer({ key, error: error instanceof ApiRequestError ? error.info : { status: 0, code: 'internal', message: String(error) } });
        });
    }, CHECK_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [url, method, serialized, key]);
  if (!url) return { status: 'idle' };
  if (answer?.key === key) {
    if (answer.result) return { status: 'checked', result: answer.result };
    if (answer.error) return { status: 'failed', error: answer.error };
  }
  return { status: 'checking', previous: answer?.result };
}

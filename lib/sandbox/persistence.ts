/**
 * Keeps the sandbox's store on disk, as etcd keeps a cluster's: `<dir>/state.json`,
 * written atomically (temp file, then rename) a short while after changes stop, at most
 * every second while they go on, and on stop.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ObjectStore, StoreSnapshot } from './store';

const QUIET_MS = 200;
const MAX_DELAY_MS = 1000;

function isSnapshot(value: unknown): value is StoreSnapshot {
  return (
    typeof value === 'object' &&
    value !== null &&
    'resourceVersion' in value &&
    typeof value.resourceVersion === 'number' &&
    'objects' in value &&
    Array.isArray(value.objects)
  );
}

/** The snapshot in `file`, or undefined when there is none. Throws on a corrupt file. */
export function loadSnapshot(file: string): StoreSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isSnapshot(parsed)) throw new Error(`${file} is not a sandbox state file`);
  return parsed;
}

export function saveSnapshot(file: string, snapshot: StoreSnapshot): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot));
  renameSync(temp, file);
}

export interface Persister {
  /** Writes now if anything changed since the last write. */
  flush(): void;
  /** Stops listening and writes what is pending. */
  stop(): void;
}

export function persist(store: ObjectStore, file: string): Persister {
  let dirty = false;
  let quiet: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const flush = () => {
    if (quiet) clearTimeout(quiet);
    if (deadline) clearTimeout(deadline);
    quiet = undefined;
    deadline = undefined;
    if (!dirty) return;
    dirty = false;
    saveSnapshot(file, store.snapshot());
  };
  const unsubscribe = store.watch(() => {
    dirty = true;
    if (quiet) clearTimeout(quiet);
    quiet = setTimeout(flush, QUIET_MS);
    deadline ??= setTimeout(flush, MAX_DELAY_MS);
  });
  return {
    flush,
    stop: () => {
      unsubscribe();
      flush();
    },
  };
}

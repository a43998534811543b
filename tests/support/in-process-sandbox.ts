/**
 * For integration tests that drive lib code (not the HTTP API) against a sandbox of their
 * own: starts one in-process on a temp data dir before the file's tests, points lib/kube
 * at it through the same settings the app reads, and undoes both afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '@/lib/sandbox';

export function useInProcessSandbox(scenario?: string): () => Sandbox {
  let sandbox: Sandbox | undefined;
  let dataDir = '';
  const saved = { cluster: process.env.SPLITSCOPE_CLUSTER, dataDir: process.env.SPLITSCOPE_DATA_DIR };
  const restore = (name: 'SPLITSCOPE_CLUSTER' | 'SPLITSCOPE_DATA_DIR', value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'splitscope-in-process-'));
    sandbox = await startSandbox({ dataDir, ...(scenario ? { scenario } : {}) });
    process.env.SPLITSCOPE_CLUSTER = 'sandbox';
    process.env.SPLITSCOPE_DATA_DIR = dataDir;
  });

  afterAll(async () => {
    await sandbox?.stop();
    restore('SPLITSCOPE_CLUSTER', saved.cluster);
    restore('SPLITSCOPE_DATA_DIR', saved.dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  return () => {
    if (!sandbox) throw new Error('the sandbox starts in beforeAll');
    return sandbox;
  };
}

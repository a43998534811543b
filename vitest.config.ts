import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = { '@': root.replace(/\/$/, ''), 'server-only': `${root}tests/support/server-only.ts` };

/**
 * Each layer its own project (see style.md §12):
 * unit (pure, fast), integration (the HTTP API against a running sandbox and app),
 * e2e (Chromium against the same running app), contract (a real kube-apiserver with
 * Istio's CRDs, started by tests/cluster/run.sh, or any cluster named by KUBECONFIG).
 */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          // Integration and e2e share one running app and its seed objects: run them one after the other.
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'contract',
          // The raw contract checks, the differential checks of the sandbox, and the same
          // API tests the integration project runs on the sandbox, here on the real cluster.
          include: ['tests/contract/**/*.test.ts', 'tests/integration/api/**/*.test.ts'],
          globalSetup: ['tests/contract/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One cluster, one namespace, fixed object names: files must not interleave.
          fileParallelism: false,
        },
      },
    ],
  },
});

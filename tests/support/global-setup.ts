/**
 * Starts Splitscope the way an operator does (`npm start`'s launcher) on a fresh data
 * dir with the embedded cluster, for the integration and e2e projects, and stops it
 * afterwards. Tests reach it only over HTTP (and kubectl, through the sandbox's
 * kubeconfig), exactly as users do.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startSplitscope } from './launcher';
import './under-test';

/** Context names the sandbox writes into its kubeconfig (lib/sandbox/kubeconfig.ts). */
const SANDBOX_ADMIN_CONTEXT = 'splitscope-sandbox';
const SANDBOX_READONLY_CONTEXT = 'splitscope-sandbox-readonly';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The integration and e2e projects share one running app: the first setup starts it.
  const running = process.env.SPLITSCOPE_TEST_BASE_URL;
  const runningKubeconfig = process.env.SPLITSCOPE_TEST_KUBECONFIG;
  if (running && runningKubeconfig) {
    provide(project, running, runningKubeconfig);
    return async () => {};
  }
  const app = await startSplitscope({ label: 'sandbox', env: { SPLITSCOPE_CLUSTER: 'sandbox' } });
  const kubeconfig = join(app.dataDir, 'sandbox', 'kubeconfig');
  // Test workers inherit the environment of the process that ran this setup.
  process.env.SPLITSCOPE_TEST_BASE_URL = app.baseUrl;
  process.env.SPLITSCOPE_TEST_DATA_DIR = app.dataDir;
  process.env.SPLITSCOPE_TEST_KUBECONFIG = kubeconfig;
  provide(project, app.baseUrl, kubeconfig);
  return app.stop;
}

function provide(project: TestProject, baseUrl: string, kubeconfig: string): void {
  project.provide('splitscope', {
    cluster: 'sandbox',
    baseUrl,
    kubeconfig,
    context: SANDBOX_ADMIN_CONTEXT,
    restrictedContext: SANDBOX_READONLY_CONTEXT,
    restrictedNamespace: 'restricted',
    // The sandbox is ours: everything must run there.
    strict: true,
  });
}

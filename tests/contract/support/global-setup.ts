/**
 * The contract project's global setup: starts Splitscope (`npm start`'s launcher) against
 * the real cluster the suite targets (tests/cluster/run.sh's control plane, or any cluster
 * given by KUBECONFIG), with the admin context, so that the API tests in
 * tests/integration/api run against it exactly as they run against the sandbox.
 */
import type { TestProject } from 'vitest/node';
import { startSplitscope } from '../../support/launcher';
import '../../support/under-test';
import { RESTRICTED_NAMESPACE, resolveTarget } from './target';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const target = resolveTarget();
  const pidsFile = process.env.SPLITSCOPE_CONTRACT_PIDS || undefined;
  const app = await startSplitscope({
    label: 'contract',
    env: { SPLITSCOPE_CLUSTER: 'kubeconfig', KUBECONFIG: target.kubeconfig, SPLITSCOPE_CONTEXT: target.admin.context },
    pidsFile,
  });
  project.provide('splitscope', {
    cluster: 'kubeconfig',
    baseUrl: app.baseUrl,
    kubeconfig: target.kubeconfig,
    context: target.admin.context,
    restrictedContext: target.restricted?.context,
    restrictedMissing: target.restrictedMissing,
    restrictedNamespace: RESTRICTED_NAMESPACE,
    strict: target.strict,
    pidsFile,
  });
  return app.stop;
}

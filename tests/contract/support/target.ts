import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConnection, type KubeConnection } from './kubeconfig';

/** The namespace the suite writes into (created if missing, never deleted: see README.md). */
export const CONTRACT_NAMESPACE = 'splitscope-contract';
/** The namespace the API tests (tests/integration/api) write into; the restricted identity may read it. */
export const API_NAMESPACE = 'splitscope-api';
/** The namespace the restricted identity may not read. */
export const RESTRICTED_NAMESPACE = process.env.SPLITSCOPE_CONTRACT_RESTRICTED_NAMESPACE ?? 'restricted';

/** The cluster the suite runs against and the identities it has there. */
export interface ContractTarget {
  kubeconfig: string;
  admin: KubeConnection;
  /** Absent when the kubeconfig offers no restricted context; `restrictedMissing` says why. */
  restricted?: KubeConnection;
  restrictedMissing?: string;
  /**
   * True under tests/cluster/run.sh: everything must be runnable there, so a missing
   * capability fails the test. On one's own cluster it is reported and the test skipped.
   */
  strict: boolean;
}

function kubeconfigPath(): string {
  const explicit = process.env.SPLITSCOPE_CONTRACT_KUBECONFIG;
  if (explicit !== undefined && explicit !== '') return explicit;
  // KUBECONFIG may list several files that kubectl merges; this client reads the first.
  const first = (process.env.KUBECONFIG ?? '').split(':').find((p) => p !== '');
  if (first !== undefined) return first;
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) return home;
  throw new Error(
    'The contract suite needs a cluster: run `npm run test:cluster` (builds and starts one), ' +
      'or set SPLITSCOPE_CONTRACT_KUBECONFIG or KUBECONFIG to a kubeconfig of your own cluster.',
  );
}

/** Reads the target from the environment (see tests/cluster/README.md for the variables). */
export function resolveTarget(): ContractTarget {
  const kubeconfig = kubeconfigPath();
  const admin = loadConnection(kubeconfig, process.env.SPLITSCOPE_CONTRACT_CONTEXT || undefined);
  const strict = process.env.SPLITSCOPE_CONTRACT_STRICT === '1';
  const restrictedContext = process.env.SPLITSCOPE_CONTRACT_RESTRICTED_CONTEXT;
  if (restrictedContext === undefined || restrictedContext === '') {
    return {
      kubeconfig,
      admin,
      strict,
      restrictedMissing: 'no restricted identity: set SPLITSCOPE_CONTRACT_RESTRICTED_CONTEXT to a context that may read but not write',
    };
  }
  return { kubeconfig, admin, strict, restricted: loadConnection(kubeconfig, restrictedContext) };
}

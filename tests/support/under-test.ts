/**
 * What a project's global setup hands its tests about the Splitscope it started: the
 * integration project's runs on the sandbox, the contract project's on a real cluster.
 * Passed with vitest's provide/inject, so that the two projects never see each other's.
 */
import { inject } from 'vitest';

export interface AppUnderTest {
  /** `sandbox` (the integration project) or `kubeconfig` (the contract project). */
  cluster: 'sandbox' | 'kubeconfig';
  /** Where Splitscope (the admin instance) listens. */
  baseUrl: string;
  /** The kubeconfig of the cluster Splitscope talks to, for raw requests next to the API. */
  kubeconfig: string;
  /** The context Splitscope uses: may create namespaces, VirtualServices and pods. */
  context: string;
  /** A context that may read but not write, and not read in `restrictedNamespace`. */
  restrictedContext?: string;
  /** Why there is no restricted context, when there is none. */
  restrictedMissing?: string;
  restrictedNamespace: string;
  /**
   * True where everything must be runnable (the sandbox, tests/cluster/run.sh): a missing
   * capability then fails; on one's own cluster it is reported and the test skipped.
   */
  strict: boolean;
  /** tests/cluster's pid file, where more launchers are recorded so stop.sh stops them. */
  pidsFile?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    splitscope: AppUnderTest;
  }
}

/** The Splitscope this project's global setup started. */
export function appUnderTest(): AppUnderTest {
  // Undefined when a file runs outside the projects whose global setup provides it.
  const provided: AppUnderTest | undefined = inject('splitscope');
  if (provided === undefined) {
    throw new Error('No Splitscope under test: run these tests through the integration project (npm test) or the contract project (npm run test:cluster).');
  }
  return provided;
}

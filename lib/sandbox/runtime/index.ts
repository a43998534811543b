/**
 * The sandbox runtime: everything behind the API that makes the embedded cluster
 * behave like a cluster (scenario loading, controllers, pods, the mesh).
 *
 * This first version only loads the seed scenario's manifests into an empty store;
 * the controllers, pod runtime and mesh proxy arrive with the runtime work.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../wire';
import type { AdmissionChain } from '../admission';
import type { PodLogs } from '../logs';
import type { ObjectStore } from '../store';

export interface RuntimeOptions {
  store: ObjectStore;
  admission: AdmissionChain;
  logs: PodLogs;
  /** `<data dir>/sandbox`: where the runtime may keep files of its own. */
  dir: string;
  /** True when the store was empty at start: load the scenario. */
  fresh: boolean;
  /** Scenario name (file under lib/sandbox/scenarios without .yaml); `seed` by default. */
  scenario?: string;
}

export interface Runtime {
  /** URL of the mesh proxy that pods' HTTP traffic goes through (once it exists). */
  meshProxyUrl?: string;
  stop(): Promise<void>;
}

/** Resource name in the store for a manifest's apiVersion and kind. */
export function resourceOf(object: K8sObject): string {
  const kind = (object.kind ?? '').toLowerCase();
  const plural = kind.endsWith('s') ? `${kind}es` : kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
  const group = (object.apiVersion ?? '').includes('/') ? (object.apiVersion ?? '').split('/')[0] : '';
  return group ? `${plural}.${group}` : plural;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  if (options.fresh) {
    const file = join(process.cwd(), 'lib', 'sandbox', 'scenarios', `${options.scenario ?? 'seed'}.yaml`);
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const object = doc.toJS() as K8sObject | null;
      if (!object) continue;
      options.store.create(resourceOf(object), object);
    }
  }
  return { stop: async () => {} };
}

/**
 * The sandbox runtime: everything behind the API that makes the embedded cluster behave
 * like a cluster with a mesh. It loads a scenario into a fresh store, runs the
 * controllers (Deployments, ReplicaSets, endpoints, garbage collection), the kubelet
 * (pods with real servers and processes), registers the admission plugins (sidecar
 * injection, Istio validation, Service IPs), and serves the mesh proxy that carries the
 * pods' HTTP traffic.
 */
import { tmpdir } from 'node:os';
import type { K8sObject } from '../../wire';
import { AdmissionDeniedError, type AdmissionChain } from '../admission';
import type { PodLogs } from '../logs';
import type { ObjectStore } from '../store';
import { registerAdmissionPlugins } from './admission-plugins';
import { createInformers, type Controller, type ControllerContext } from './controllers/context';
import { startDeploymentController } from './controllers/deployments';
import { startEndpointsController } from './controllers/endpoints';
import { startGarbageCollector } from './controllers/garbage-collector';
import { runInformers } from './informer';
import { istioVersionOf } from './istio/version';
import { ClusterView } from './mesh/cluster-view';
import { MeshIdentity } from './mesh/identity';
import { MeshProxy } from './mesh/proxy';
import type { PodRuntimeAccess } from './mesh/types';
import { Kubelet } from './pods/kubelet';
import { loadScenario, ScenarioError } from './scenario';

/** What the sandbox gives the runtime at start. */
export interface RuntimeOptions {
  store: ObjectStore;
  admission: AdmissionChain;
  logs: PodLogs;
  /** `<data dir>/sandbox`: where the runtime may keep files of its own. */
  dir: string;
  /** True when the store was empty at start: load the scenario. */
  fresh: boolean;
  /** Scenario name (file under lib/sandbox/scenarios without .yaml, or `large`); `seed` by default. */
  scenario?: string;
  /** Istio version for a fresh scenario, overriding the scenario's own (default 1.28.0). */
  istioVersion?: string;
  /** Command pods running at once; more wait in Pending (default 32). */
  maxCommandPods?: number;
}

/** A running sandbox runtime. */
export interface Runtime {
  /** URL of the mesh proxy that pods' HTTP traffic goes through (`http://127.0.0.1:<port>`). */
  meshProxyUrl: string;
  /**
   * The proxy URL, with credentials, that makes the mesh treat a client as pod
   * `namespace/name` (what that pod's commands get as `http_proxy`); undefined when there
   * is no such pod. A client with no credentials is treated as the node.
   */
  proxyUrlFor(namespace: string, name: string): string | undefined;
  /** The Istio version the sandbox runs (the istiod image tag). */
  istioVersion(): string;
  stop(): Promise<void>;
}

/** The node every sandbox pod runs on. */
export const NODE_NAME = 'splitscope-sandbox';

const IRREGULAR_PLURALS: Record<string, string> = { endpoints: 'endpoints' };

/** Resource name in the store for a manifest's apiVersion and kind. */
export function resourceOf(object: K8sObject): string {
  const kind = (object.kind ?? '').toLowerCase();
  const plural =
    IRREGULAR_PLURALS[kind] ??
    (kind.endsWith('s') ? `${kind}es` : kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`);
  const group = (object.apiVersion ?? '').includes('/') ? (object.apiVersion ?? '').split('/')[0] : '';
  return group ? `${plural}.${group}` : plural;
}

function apiVersionOf(object: K8sObject): string {
  const apiVersion = object.apiVersion ?? 'v1';
  return apiVersion.includes('/') ? (apiVersion.split('/')[1] ?? apiVersion) : apiVersion;
}

/** Creates the scenario's objects through admission, as `kubectl apply` of its manifests would. */
function loadInto(options: RuntimeOptions): void {
  const scenario = loadScenario(options.scenario ?? 'seed', options.istioVersion);
  for (const object of scenario.objects) {
    const resource = resourceOf(object);
    const namespace = object.metadata?.namespace;
    try {
      const admitted = options.admission.admit({
        operation: 'CREATE',
        resource,
        version: apiVersionOf(object),
        namespace,
        object,
        dryRun: false,
      });
      options.store.create(resource, admitted);
    } catch (error) {
      if (error instanceof AdmissionDeniedError) {
        throw new ScenarioError(
          `scenario "${scenario.name}": ${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name ?? ''} ` +
            `was denied by ${error.plugin}: ${error.message}`,
        );
      }
      throw error;
    }
  }
}

/**
 * Starts the runtime on `options.store`: registers its admission plugins, starts the mesh
 * proxy, the kubelet and the controllers, and loads the scenario when the store is fresh
 * (throwing a ScenarioError if the scenario is invalid or denied by admission). After a
 * restart from a persisted store it picks up where the objects say things were.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const informers = createInformers();
  const stopInformers = runInformers(options.store, Object.values(informers));
  const ctx: ControllerContext = { store: options.store, admission: options.admission, informers };
  const istioVersion = () => istioVersionOf(informers.deployments);
  const plugins = registerAdmissionPlugins(options.admission, informers, istioVersion);

  // The mesh and the kubelet need each other: the mesh asks the kubelet where pods listen,
  // the kubelet gives pods the mesh's address. The mesh starts first, reaching the kubelet late.
  const late: { kubelet?: Kubelet } = {};
  const pods: PodRuntimeAccess = {
    resolve: (ip, port) => late.kubelet?.resolve(ip, port),
    sidecar: (namespace, name) => late.kubelet?.sidecar(namespace, name) ?? 'none',
    quitSidecar: (namespace, name) => late.kubelet?.quitSidecar(namespace, name) ?? false,
  };
  const mesh = new MeshProxy(new ClusterView(informers), pods, new MeshIdentity());
  const meshProxyUrl = await mesh.start();
  const kubelet = new Kubelet({
    ctx,
    logs: options.logs,
    dir: options.dir || tmpdir(),
    maxCommands: options.maxCommandPods ?? 32,
    nodeName: NODE_NAME,
    baseEnv: (pod) => {
      const proxy = mesh.proxyUrlFor(pod);
      return {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: '/tmp',
        // Every HTTP(S) request of the pod goes through the mesh, even to localhost (pilot-agent on :15020).
        http_proxy: proxy,
        HTTP_PROXY: proxy,
        https_proxy: proxy,
        HTTPS_PROXY: proxy,
        all_proxy: proxy,
        no_proxy: '',
        NO_PROXY: '',
      };
    },
  });
  late.kubelet = kubelet;
  const controllers: Controller[] = [
    startGarbageCollector(ctx),
    startDeploymentController(ctx),
    startEndpointsController(ctx),
  ];

  if (options.fresh) {
    try {
      loadInto(options);
    } catch (error) {
      for (const controller of controllers) controller.stop();
      await kubelet.stop();
      await mesh.stop();
      plugins.disable();
      stopInformers();
      throw error;
    }
  }

  return {
    meshProxyUrl,
    proxyUrlFor(namespace, name) {
      const pod = informers.pods.get(namespace, name);
      return pod ? mesh.proxyUrlFor(pod) : undefined;
    },
    istioVersion,
    async stop() {
      for (const controller of controllers) controller.stop();
      await kubelet.stop();
      await mesh.stop();
      plugins.disable();
      stopInformers();
    },
  };
}

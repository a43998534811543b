import 'server-only';
import { InputError } from '@/lib/api/errors';
import { describeError, type DescribedError } from '@/lib/api/respond';
import {
  ClusterError,
  createVirtualService,
  getConnection,
  getVirtualService,
  istioVersionFor,
  listVirtualServices,
  patchVirtualService,
  type JsonPatchOperation,
} from '@/lib/kube';
import { checkDesign, checkSplit } from '@/lib/split/check';
import { virtualServiceFromDesign } from '@/lib/split/create';
import type { WeightedDestination } from '@/lib/split/destination';
import { yamlDiff } from '@/lib/split/diff';
import type { PatchPlan } from '@/lib/split/edit';
import { hasErrors, type Finding } from '@/lib/split/findings';
import { historyOf, planRecordedEdit, planRevert, type HistoryEntry } from '@/lib/split/history';
import { splitsOf, type RouteSplit } from '@/lib/split/model';
import { ISTIO_NETWORKING_GROUP, type K8sVirtualService } from '@/lib/wire';
import { gatherFacts } from './facts';

/** A VirtualService as the overview lists it. */
export interface VirtualServiceSummary {
  namespace: string;
  name: string;
  apiVersion: string;
  resourceVersion: string;
  hosts: string[];
  gateways: string[];
  exportTo: string[];
  routes: RouteSplit[];
  revisions: number;
  /** The newest recorded revision, for a one-click revert from the overview. */
  lastRevision?: Pick<HistoryEntry, 'revision' | 'at' | 'kind' | 'route' | 'destinations'>;
}

/** One VirtualService with its split per route, checks per HTTP route and weight history. */
export interface VirtualServiceDetail extends VirtualServiceSummary {
  object: K8sVirtualService;
  /** Findings per HTTP route index, from the stored object against the live cluster. */
  findings: Finding[][];
  history: HistoryEntry[];
  historyFindings: Finding[];
  /** What the checks could not read (permissions); their absence narrows the checks. */
  gaps: string[];
}

/** The outcome of a planned or applied change. */
export interface ChangeResult {
  dryRun: boolean;
  /** The object after the change (as the cluster returned it, or as a dry run would make it). */
  object: K8sVirtualService;
  routes: RouteSplit[];
  findings: Finding[];
  /** Unified YAML diff of exactly what changes. */
  diff: string;
  patch: JsonPatchOperation[];
  gaps: string[];
  /** The cluster's own verdict on the exact change (server-side dry run, or the real write). */
  cluster: { accepted: boolean; error?: DescribedError };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function summarize(vs: K8sVirtualService): VirtualServiceSummary {
  const history = historyOf(vs).entries;
  const last = history[history.length - 1];
  return {
    namespace: vs.metadata?.namespace ?? '',
    name: vs.metadata?.name ?? '',
    apiVersion: vs.apiVersion ?? '',
    resourceVersion: vs.metadata?.resourceVersion ?? '',
    hosts: strings(vs.spec?.hosts),
    gateways: strings(vs.spec?.gateways),
    exportTo: strings(vs.spec?.exportTo),
    routes: splitsOf(vs),
    revisions: history.length,
    ...(last ? { lastRevision: { revision: last.revision, at: last.at, kind: last.kind, route: last.route, destinations: last.destinations } } : {}),
  };
}

export async function listVirtualServiceSummaries(namespace: string): Promise<VirtualServiceSummary[]> {
  const items = await listVirtualServices({ namespace });
  return items.map(summarize).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getVirtualServiceDetail(namespace: string, name: string): Promise<VirtualServiceDetail> {
  const [object, { facts, gaps }] = await Promise.all([getVirtualService({ namespace, name }), gatherFacts(namespace)]);
  const summary = summarize(object);
  const httpCount = Array.isArray(object.spec?.http) ? object.spec.http.length : 0;
  const findings = Array.from({ length: httpCount }, (_, route) => checkSplit({ vs: object, route, facts }));
  const history = historyOf(object);
  return { ...summary, object, findings, history: history.entries, historyFindings: history.findings, gaps };
}

function refuseWhenReadOnly(dryRun: boolean): void {
  if (!dryRun && getConnection().readOnly) {
    throw new InputError('Splitscope runs read-only here (SPLITSCOPE_READ_ONLY=true): it checks changes but writes nothing.', undefined, 403, 'read_only');
  }
}

/** 409 with the object as it is now, so the UI can show what changed meanwhile. */
function staleVersion(current: K8sVirtualService, sent: string): InputError {
  return new InputError(
    `The VirtualService changed in the cluster since you loaded it (your resourceVersion ${sent}, now ${current.metadata?.resourceVersion ?? 'unknown'}). Nothing was written: review the current object and apply again.`,
    'resourceVersion',
    409,
    'conflict',
    { current: summarize(current), object: current },
  );
}

function invalidChange(findings: Finding[]): InputError {
  const errors = findings.filter((f) => f.severity === 'error');
  const first = errors[0]?.message ?? 'The change is not valid.';
  return new InputError(
    errors.length > 1 ? `${first} (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : first,
    undefined,
    422,
    'invalid_split',
    { findings },
  );
}

/**
 * Sends a planned change: the patch is guarded by the resourceVersion the user read
 * (the API server answers 409 if the object moved on in between) and by the plan's own
 * `test` operations. With `dryRun` the cluster validates and admits it, storing nothing.
 */
async function sendPlan(
  current: K8sVirtualService,
  resourceVersion: string,
  plan: PatchPlan,
  checks: (result: K8sVirtualService) => Finding[],
  gaps: string[],
  dryRun: boolean,
): Promise<ChangeResult> {
  if (!plan.ok) throw invalidChange(plan.findings);
  const findings = [...plan.findings, ...checks(plan.result)];
  if (!dryRun && hasErrors(findings)) throw invalidChange(findings);
  const patch: JsonPatchOperation[] = [
    { op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion },
    ...plan.patch,
  ];
  const namespace = current.metadata?.namespace ?? '';
  const name = current.metadata?.name ?? '';
  const diff = yamlDiff(current, plan.result);
  const base = { dryRun, findings, diff, patch, gaps };
  if (!dryRun) {
    const object = await patchVirtualService({ namespace, name, patch, dryRun }).catch((error: unknown) => conflictIfMoved(error, namespace, name, resourceVersion));
    return { ...base, object, routes: splitsOf(object), cluster: { accepted: true } };
  }
  return { ...base, ...(await askCluster(() => patchVirtualService({ namespace, name, patch, dryRun: true }), plan.result)) };
}

/**
 * A write that lands between our read and our patch makes the patch's `test` guards
 * fail, which the API server reports as a bare 422 (the guards run before the
 * resourceVersion precondition). That is a conflict: say so, with the current object.
 */
async function conflictIfMoved(error: unknown, namespace: string, name: string, resourceVersion: string): Promise<never> {
  if (error instanceof ClusterError && error.status === 422) {
    const current = await getVirtualService({ namespace, name }).catch(() => undefined);
    if (current && current.metadata?.resourceVersion !== resourceVersion) throw staleVersion(current, resourceVersion);
  }
  throw error;
}

/** A dry run's cluster verdict is a value to show next to our findings, not a failure. */
async function askCluster(
  write: () => Promise<K8sVirtualService>,
  planned: K8sVirtualService,
): Promise<Pick<ChangeResult, 'object' | 'routes' | 'cluster'>> {
  try {
    const object = await write();
    return { object, routes: splitsOf(object), cluster: { accepted: true } };
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    return { object: planned, routes: splitsOf(planned), cluster: { accepted: false, error: describeError(error) } };
  }
}

async function currentAt(namespace: string, name: string, resourceVersion: string): Promise<K8sVirtualService> {
  const current = await getVirtualService({ namespace, name });
  if (current.metadata?.resourceVersion !== resourceVersion) throw staleVersion(current, resourceVersion);
  return current;
}

/** Changes the weights (and destination list) of one HTTP route, and nothing else. */
export async function applyWeights(input: {
  namespace: string;
  name: string;
  resourceVersion: string;
  route: number;
  destinations: WeightedDestination[];
  dryRun: boolean;
}): Promise<ChangeResult> {
  refuseWhenReadOnly(input.dryRun);
  const [current, { facts, gaps }] = await Promise.all([
    currentAt(input.namespace, input.name, input.resourceVersion),
    gatherFacts(input.namespace),
  ]);
  const plan = planRecordedEdit(current, { route: input.route, destinations: input.destinations }, { at: new Date().toISOString() });
  return sendPlan(current, input.resourceVersion, plan, (result) => checkSplit({ vs: result, route: input.route, facts }), gaps, input.dryRun);
}

/** Restores the weights of a recorded revision (recording the current ones first). */
export async function revertWeights(input: {
  namespace: string;
  name: string;
  resourceVersion: string;
  revision: number;
  dryRun: boolean;
}): Promise<ChangeResult> {
  refuseWhenReadOnly(input.dryRun);
  const [current, { facts, gaps }] = await Promise.all([
    currentAt(input.namespace, input.name, input.resourceVersion),
    gatherFacts(input.namespace),
  ]);
  const plan = planRevert(current, input.revision, { at: new Date().toISOString() });
  const route = historyOf(current).entries.find((e) => e.revision === input.revision)?.route ?? 0;
  return sendPlan(current, input.resourceVersion, plan, (result) => checkSplit({ vs: result, route, facts }), gaps, input.dryRun);
}

/** Creates a VirtualService from a split design; `dryRun` checks (here and in the cluster) and writes nothing. */
export async function createSplit(input: {
  namespace: string;
  name: string;
  hosts: string[];
  destinations: WeightedDestination[];
  dryRun: boolean;
}): Promise<ChangeResult> {
  refuseWhenReadOnly(input.dryRun);
  const [version, { facts, gaps }] = await Promise.all([istioVersionFor('create a VirtualService'), gatherFacts(input.namespace)]);
  const findings = checkDesign({ namespace: input.namespace, name: input.name, hosts: input.hosts, destinations: input.destinations, facts });
  if (!input.dryRun && hasErrors(findings)) throw invalidChange(findings);
  const design = virtualServiceFromDesign({
    apiVersion: `${ISTIO_NETWORKING_GROUP}/${version}`,
    namespace: input.namespace,
    name: input.name,
    hosts: input.hosts,
    destinations: input.destinations,
  });
  const base = { dryRun: input.dryRun, findings, diff: yamlDiff({}, design), patch: [], gaps };
  if (!input.dryRun) {
    const object = await createVirtualService({ namespace: input.namespace, object: design });
    return { ...base, object, routes: splitsOf(object), cluster: { accepted: true } };
  }
  return { ...base, ...(await askCluster(() => createVirtualService({ namespace: input.namespace, object: design, dryRun: true }), design)) };
}

/**
 * The differences between the sandbox and the real server that are known and written up
 * in tests/contract/DIFFERENCES.md, by case. Each entry is the id there and the start of
 * the difference lines it covers (`<step>: <field>:`). A differential test fails on a
 * difference no entry covers, and on an entry that covers nothing any more (so the list
 * stays true when the sandbox is fixed: remove the entry here and in DIFFERENCES.md).
 */
import { appendFileSync } from 'node:fs';
import { expect, type TestContext } from 'vitest';
import { cannotRun } from './suite';
import { resolveTarget } from './target';

/** A known difference: its id in DIFFERENCES.md and the start of the lines it covers (or a pattern). */
type Known = readonly (readonly [id: string, prefix: string | RegExp])[];

function covers(prefix: string | RegExp, line: string): boolean {
  return typeof prefix === 'string' ? line.startsWith(prefix) : prefix.test(line);
}

/** A schema failure of a custom resource: the extra cause the real server adds (D7). */
const celNotChecked = (step: string): Known => [
  ['D7', `${step}: body.details.causes: length real`],
  ['D7', `${step}: body.message: real`],
];

const updateWithoutVersion = (step: string): Known => [
  ['D5', `${step}: body.details.causes[0].message:`],
  ['D5', `${step}: body.message:`],
];

const crud: Known = [['D4', 'list: body.metadata.continue: only real'], ...updateWithoutVersion('update without resourceVersion')];

const podAdmission = (step: string): Known => [
  ['D19', `${step}: body.spec.containers[0].env[0].valueFrom.fieldRef.apiVersion: only real`],
  ['D19', `${step}: body.spec.containers[0].volumeMounts: only real`],
  ['D19', `${step}: body.spec.preemptionPolicy: only real`],
  ['D19', `${step}: body.spec.priority: only real`],
  ['D19', `${step}: body.spec.serviceAccount: only real`],
  ['D19', `${step}: body.spec.serviceAccountName: only real`],
  ['D19', `${step}: body.spec.tolerations: only real`],
  ['D19', `${step}: body.spec.volumes: only real`],
];

/** The prober pod of lib/probe/pod.ts (automountServiceAccountToken: false, so no token volume). */
const probePod: Known = [
  ['D24', 'create with dryRun=All: body.spec.containers[0].env[4].value: only sandbox: ""'],
  ['D24', 'create with dryRun=All: body.spec.containers[0].env[8].value: only sandbox: ""'],
  ['D19', 'create with dryRun=All: body.spec.preemptionPolicy: only real'],
  ['D19', 'create with dryRun=All: body.spec.priority: only real'],
  ['D19', 'create with dryRun=All: body.spec.serviceAccount: only real'],
  ['D19', 'create with dryRun=All: body.spec.serviceAccountName: only real'],
  ['D19', 'create with dryRun=All: body.spec.tolerations: only real'],
];

export const KNOWN_DIFFERENCES: Record<string, Known> = {
  'discovery-groups': [
    ['D3', 'GET /version fields: body.emulationMajor: only real'],
    ['D3', 'GET /version fields: body.emulationMinor: only real'],
    ['D3', 'GET /version fields: body.minCompatibilityMajor: only real'],
    ['D3', 'GET /version fields: body.minCompatibilityMinor: only real'],
  ],
  'discovery-resources': [
    ['D1', 'GET /apis/networking.istio.io/v1: not served by the sandbox: gateways, serviceentries, sidecars, workloadentries, workloadgroups'],
    ['D1', 'GET /apis/networking.istio.io/v1beta1: not served by the sandbox: gateways, proxyconfigs, serviceentries, sidecars, workloadentries, workloadgroups'],
    ['D1', 'GET /apis/networking.istio.io/v1alpha3: not served by the sandbox: envoyfilters, gateways, serviceentries, sidecars, workloadentries, workloadgroups'],
    // Every resource the sandbox serves (it serves more over time).
    ['D2', /^GET \S+ [a-z]+: body\.storageVersionHash: only real: /],
  ],
  'crud-v1': crud,
  'crud-v1beta1': crud,
  'crud-v1alpha3': crud,
  'merge-patch': [
    ['D6', 'merge patch removing a label (null): body.metadata.labels: only sandbox: {}'],
    ['D6', 'get: body.metadata.labels: only sandbox: {}'],
    ...celNotChecked('merge patch that breaks the schema'),
    ['D10', 'merge patch that is not JSON: body.message:'],
  ],
  'json-patch': [
    ['D8', 'a failing test: body.details.causes: only sandbox'],
    ['D8', 'remove a path that does not exist: body.details.causes: only sandbox'],
    ['D8', 'replace a path that does not exist: body.details.causes: only sandbox'],
    ['D8', 'an unknown op: body.details.causes: only sandbox'],
    ['D6', 'remove the last annotation: body.metadata.annotations: only sandbox: {}'],
    ['D6', 'append with -: body.metadata.annotations: only sandbox: {}'],
    ['D6', 'a dry run: body.metadata.annotations: only sandbox: {}'],
    ['D6', 'get: body.metadata.annotations: only sandbox: {}'],
    ['D9', 'a patch that is not a list: body.message:'],
    ['D11', 'a dry run: body.metadata.generation:'],
    ...celNotChecked('a weight the schema refuses'),
  ],
  'dry-run': [
    ['D12', 'create with an unknown dryRun value: body.details.causes[0].message:'],
    ['D12', 'create with an unknown dryRun value: body.message:'],
    ...updateWithoutVersion('update with dryRun=All'),
  ],
  'conflicts-not-found': [
    ['D4', 'list in a namespace that does not exist: body.metadata.continue: only real'],
    ['D13', 'body is not JSON: body.message:'],
    ['D14', 'kind in the body is not the resource: status:'],
    ['D14', 'kind in the body is not the resource: body.code:'],
    ['D14', 'kind in the body is not the resource: body.details: only real'],
    ['D14', 'kind in the body is not the resource: body.message:'],
    ['D14', 'kind in the body is not the resource: body.reason:'],
    ['D14', 'kind in the body is not the resource (built-in): body.message:'],
  ],
  'invalid-names': [
    ...celNotChecked('VirtualService without a name'),
    ['D15', 'Namespace "aaaaaaaaaaaaaaaaaaaa": body.details.causes[1].message:'],
    ['D15', 'Namespace "aaaaaaaaaaaaaaaaaaaa": body.message:'],
    ['D16', 'Service "1-starts-with-digit": '],
    ['D16', 'Service "a.b": '],
    ['D16', 'Service "Upper": '],
  ],
  selectors: [
    ['D17', 'list {"labelSelector":"app in shop"}: body.message:'],
    ['D17', 'list {"labelSelector":"Bad Key=x"}: body.message:'],
    ['D18', 'list {"fieldSelector":"spec.hosts=x"}: body.message:'],
  ],
  pods: [
    ...podAdmission('create'),
    ...podAdmission('get'),
    ...podAdmission('delete'),
    ['D20', 'get: body.metadata.generation: real 1 ≠ sandbox 2'],
    ['D21', 'delete: body.metadata.deletionGracePeriodSeconds: only real'],
    ['D21', 'delete: body.metadata.deletionTimestamp: only real'],
  ],
  'pod-logs': [
    ['D22', 'log of the pod: '],
    ['D22', 'log of the pod, named container, tailLines=1: '],
  ],
  'watch-invalid': [['D23', 'watch with resourceVersion=abc: ']],
  'probe-pod sidecar=true': probePod,
  'probe-pod sidecar=false': probePod,
  'corpus 29-argo-rollouts-unit-mixed-http-tls-tcp.yaml': celNotChecked('create with dryRun=All'),
};

/**
 * Fails unless every line is covered by a known difference of `caseId`, and every known one
 * still occurs. The list is that of tests/cluster's bare control plane: on another cluster
 * (not strict) the differences are printed and the test is reported as not runnable there.
 */
export function expectOnlyKnown(ctx: TestContext, caseId: string, lines: readonly string[]): void {
  // SPLITSCOPE_CONTRACT_DIFF_DUMP=<file>: every case's differences, one JSON line per case, to write them up.
  const dump = process.env.SPLITSCOPE_CONTRACT_DIFF_DUMP;
  if (dump) appendFileSync(dump, `${JSON.stringify({ case: caseId, lines })}\n`);
  const known = KNOWN_DIFFERENCES[caseId] ?? [];
  const unexpected = lines.filter((l) => !known.some(([, prefix]) => covers(prefix, l)));
  const gone = known.filter(([, prefix]) => !lines.some((l) => covers(prefix, l))).map(([id, prefix]) => `${id}: ${String(prefix)}`);
  const strict = resolveTarget().strict;
  if (!strict && (unexpected.length > 0 || gone.length > 0)) {
    console.warn(`[contract] ${caseId}: differences other than those of the bare control plane:\n  ${[...unexpected, ...gone.map((g) => `not seen: ${g}`)].join('\n  ')}`);
    cannotRun(ctx, false, `the known differences are those of tests/cluster's control plane (no controllers, no webhooks); this cluster differs in ${unexpected.length + gone.length} more (printed above)`);
  }
  expect(
    { unexpected, gone },
    `${caseId}: differences between the sandbox and the real server (unexpected: write them up in tests/contract/DIFFERENCES.md and list them in known-differences.ts; gone: remove them from both)`,
  ).toEqual({ unexpected: [], gone: [] });
}

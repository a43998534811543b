/**
 * Every real-world VirtualService of tests/fixtures/corpus whose name Kubernetes accepts:
 * created raw on the cluster (through its own apiVersion), then every splittable http
 * route edited through PUT /api/virtualservices/{ns}/{name}/weights, each edit checked
 * with a raw GET: the object must be what it was, apart from the weights of that route,
 * Splitscope's history annotation and what the server manages (resourceVersion,
 * generation, managedFields). See support/corpus.ts for how the objects are placed.
 */
import { describe, expect, it } from 'vitest';
import { statusSchema } from '../../contract/support/shapes';
import { callApi, changeResultSchema, detailSchema, errorBodySchema, parseAs } from './support/api';
import { deleteIfPresent, ensureNamespace, getObject, kube, serves, vsPath } from './support/cluster';
import { CANARY_HOST, expectedAfterEdit, loadCorpus, mappedNamespace, nameAccepted, placed, plannedWeights, worldFor, type CorpusEntry, type World } from './support/corpus';
import { arr, isObject, meta, obj, str, withoutServerFields, type JsonObject } from './support/json';
import { HISTORY_ANNOTATION } from './support/scene';

const corpus = loadCorpus();
const accepted = corpus.filter((e) => nameAccepted(e.name));
const refused = corpus.filter((e) => !nameAccepted(e.name));

/** http routes Splitscope must refuse to split, by file: delegates have no destinations. */
const NOT_SPLITTABLE: Record<string, Record<number, string>> = {
  '17-ref-bookinfo-delegate-root.yaml': { 0: 'delegate', 1: 'delegate' },
  '25-flagger-e2e-delegation-root-vs.yaml': { 0: 'delegate' },
};

/**
 * Files the CRD's schema refuses as a whole (Istio 1.32 requires `sniHosts` in every tls
 * match), with the fields it names: their refusal is what is checked.
 */
const SCHEMA_REFUSED: Record<string, string[]> = {
  '29-argo-rollouts-unit-mixed-http-tls-tcp.yaml': ['spec.tls[0].match[0].sniHosts', 'spec.tls[1].match[0].sniHosts'],
};

async function putWorld(world: World): Promise<void> {
  for (const ns of world.namespaces) await ensureNamespace(ns);
  const serviceEntries = await serves('networking.istio.io/v1', 'serviceentries');
  for (const o of world.objects) {
    if (o.collection.endsWith('/serviceentries') && !serviceEntries) continue;
    await deleteIfPresent(`${o.collection}/${o.name}`);
    const res = await kube({ method: 'POST', path: o.collection, body: o.body });
    if (res.status !== 201) throw new Error(`POST ${o.collection} (${o.name}): ${res.status} ${res.text.slice(0, 300)}`);
  }
}

async function removeWorld(world: World): Promise<void> {
  for (const o of [...world.objects].reverse()) await deleteIfPresent(`${o.collection}/${o.name}`);
}

/** Whether the stored object still has file 40's `weight` nested in `destination` (a schema that prunes drops it). */
function hasMisplacedWeight(stored: JsonObject): boolean {
  const http = obj(stored.spec, 'spec').http;
  return Array.isArray(http) && http.some((r) => isObject(r) && Array.isArray(r.route) && r.route.some((e) => isObject(e) && isObject(e.destination) && 'weight' in e.destination));
}

async function editEveryRoute(entry: CorpusEntry): Promise<void> {
  const vs = placed(entry);
  const ns = str(meta(vs, 'namespace'), 'namespace');
  const world = worldFor(vs);
  const path = vsPath(ns, entry.name, entry.version);
  await putWorld(world);
  try {
    await deleteIfPresent(path);
    const created = await kube({ method: 'POST', path: vsPath(ns, undefined, entry.version), body: vs });
    const refusedFields = SCHEMA_REFUSED[entry.file];
    if (refusedFields !== undefined) {
      expect(created.status, created.text.slice(0, 500)).toBe(422);
      const causes = statusSchema.parse(created.body).details?.causes ?? [];
      expect(causes.filter((c) => c.reason === 'FieldValueRequired').map((c) => c.field)).toEqual(refusedFields);
      expect((await kube({ path })).status).toBe(404);
      return;
    }
    expect(created.status, created.text.slice(0, 500)).toBe(201);

    const detail = parseAs(detailSchema, await callApi(`/api/virtualservices/${ns}/${entry.name}`));
    const http = detail.routes.filter((r) => r.kind === 'http');
    const expectedRefusals = { ...NOT_SPLITTABLE[entry.file] };
    // File 40 nests a `weight` inside `destination`. Kept, the route is malformed; pruned by
    // the CRD's structural schema, its last two entries are the same destination.
    if (entry.file.startsWith('40-')) expectedRefusals[0] = hasMisplacedWeight(obj(await getObject(path), 'stored')) ? 'malformed' : 'duplicate';
    expect(Object.fromEntries(http.filter((r) => !r.splittable).map((r) => [r.index, r.reason]))).toEqual(expectedRefusals);

    let edits = 0;
    for (const route of http.filter((r) => r.splittable)) {
      const before = obj(await getObject(path), 'before');
      const { weights, canary } = plannedWeights(route.destinations.map((d) => d.weight));
      const destinations = [
        ...route.destinations.map((d, k) => ({ host: d.host, ...(d.subset ? { subset: d.subset } : {}), ...(d.port !== undefined ? { port: d.port } : {}), weight: weights[k] ?? 0 })),
        ...(canary !== undefined ? [{ host: CANARY_HOST, weight: canary }] : []),
      ];
      const res = await callApi(`/api/virtualservices/${ns}/${entry.name}/weights`, {
        method: 'PUT',
        body: { resourceVersion: str(meta(before, 'resourceVersion'), 'resourceVersion'), route: route.index, destinations },
      });
      const refusal = res.status === 200 ? '' : JSON.stringify(parseAs(errorBodySchema, res).error).slice(0, 1500);
      expect(res.status, `http route ${route.index}: ${refusal}`).toBe(200);
      edits += 1;
      const result = parseAs(changeResultSchema, res);
      const after = obj(await getObject(path), 'after');

      // Everything but the weights of this route is as it was.
      expect(withoutServerFields(after, [HISTORY_ANNOTATION]), `http route ${route.index}`).toEqual(
        withoutServerFields(expectedAfterEdit(before, route.index, weights, canary), [HISTORY_ANNOTATION]),
      );
      // The weights it had are recorded.
      const history = arr(JSON.parse(str(obj(meta(after, 'annotations'), 'annotations')[HISTORY_ANNOTATION], 'history')), 'history');
      expect(history.at(-1)).toMatchObject({
        revision: edits,
        route: route.index,
        destinations: route.destinations.map((d) => expect.objectContaining({ host: d.host, weight: d.weight })),
      });
      // What the API answered is what the cluster stores.
      expect(result.object.metadata.resourceVersion).toBe(meta(after, 'resourceVersion'));
      expect(result.object.spec).toEqual(after.spec);
    }
    const final = parseAs(detailSchema, await callApi(`/api/virtualservices/${ns}/${entry.name}`));
    expect(final.revisions).toBe(edits);
  } finally {
    await deleteIfPresent(path);
    await removeWorld(world);
  }
}

describe('weight edits of the real-world corpus', () => {
  it('covers the corpus: 35 files, of which 31 have a name Kubernetes accepts', () => {
    expect(corpus).toHaveLength(35);
    expect(refused.map((e) => e.file.slice(0, 2))).toEqual(['13', '14', '15', '24']);
  });

  for (const entry of accepted) {
    const what = SCHEMA_REFUSED[entry.file] ? 'the CRD schema refuses it, and nothing is stored' : 'each splittable http route edited through the API keeps everything else';
    it(`${entry.file} (${entry.version}): ${what}`, () => editEveryRoute(entry));
  }

  it.each(refused.map((e) => ({ file: e.file, entry: e })))('$file: the cluster refuses the name, and so does the API (400)', async ({ entry }) => {
    const vs = placed(entry);
    const ns = mappedNamespace(entry.namespace);
    await ensureNamespace(ns);
    const res = await kube({ method: 'POST', path: vsPath(ns, undefined, entry.version), query: { dryRun: 'All' }, body: vs });
    expect(res.status).toBe(422);
    const status = statusSchema.parse(res.body);
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
    const api = await callApi(`/api/virtualservices/${ns}/${encodeURIComponent(entry.name)}`);
    expect(api.status).toBe(400);
    expect(parseAs(errorBodySchema, api).error).toMatchObject({ code: 'invalid_input', field: 'name' });
    expect((await kube({ path: vsPath(ns) })).status).toBe(200);
  });
});

/**
 * Response tagging: a per-destination response header (`headers.response.set`) that the
 * prober reads to tell which destination answered. Adding it is opt-in and visible; taking
 * it away must leave the VirtualService exactly as before, including not leaving empty
 * `headers: {response: {set: {}}}` behind where there were none, and keeping empty ones
 * that were there. So what tagging created is recorded in an annotation on the object
 * (it survives a Splitscope restart), and untagging removes exactly that.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#Headers
 */
import { z } from 'zod';
import type { K8sVirtualService } from '../wire';
import { ANNOTATION_PREFIX, hasAnnotationMap, readAnnotation, removeAnnotationOps, setAnnotationOps } from './annotations';
import { destinationKey, type DestinationRef } from './destination';
import { identityGuards, type PatchPlan } from './edit';
import { finding, type Finding } from './findings';
import { applyOps, isRecord, parseJson, pointer, type JsonPatchOp } from './json';
import { inspectRoute, refOf } from './model';

/** Where Splitscope records the response tagging it added. */
export const TAGGING_ANNOTATION = `${ANNOTATION_PREFIX}response-tagging`;

/** The outermost thing tagging added to a destination entry. */
const CREATED = ['headers', 'response', 'set', 'entry'] as const;

const taggingRecord = z.object({
  kind: z.literal('http'),
  route: z.number().int().nonnegative(),
  header: z.string(),
  createdAnnotations: z.boolean(),
  destinations: z.array(z.object({ key: z.string(), value: z.string(), created: z.enum(CREATED) })),
});
type TaggingRecord = z.infer<typeof taggingRecord>;

/** HTTP header names are RFC 9110 tokens; Envoy sends them lower case, so we require that. */
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Visible ASCII and spaces, no leading or trailing space. */
const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function readRecords(vs: K8sVirtualService): { records: TaggingRecord[]; findings: Finding[] } {
  const raw = readAnnotation(vs, TAGGING_ANNOTATION);
  if (raw === undefined) return { records: [], findings: [] };
  const result = z.array(taggingRecord).safeParse(parseJson(raw));
  if (result.success) return { records: result.data, findings: [] };
  return {
    records: [],
    findings: [
      finding(
        'annotation-unreadable',
        `The annotation ${TAGGING_ANNOTATION} is not what Splitscope writes, so earlier response tagging cannot be undone from it. Check the route's destination headers by hand.`,
        pointer('metadata', 'annotations', TAGGING_ANNOTATION),
        'warning',
      ),
    ],
  };
}

function sameRecord(r: TaggingRecord, route: number, header: string): boolean {
  return r.route === route && r.header === header;
}

/**
 * Plans adding `headers.response.set[headerName] = valueOf(destination)` to every
 * destination of http route `route`, guarded by `test`s on each destination, and records
 * what it added in {@link TAGGING_ANNOTATION}. Refused when the header name or a value is
 * not valid, when a destination already sets or removes that header, or when the route
 * is not splittable.
 */
export function planResponseTagging(
  vs: K8sVirtualService,
  route: number,
  headerName: string,
  valueOf: (destination: DestinationRef, index: number) => string,
): PatchPlan {
  const inspection = inspectRoute(vs, 'http', route);
  if (!inspection.splittable || !inspection.route || !Array.isArray(inspection.route.route)) {
    return { ok: false, findings: inspection.findings };
  }
  const entries: unknown[] = inspection.route.route;
  const { path } = inspection;
  const findings: Finding[] = [];
  if (!HEADER_NAME.test(headerName)) {
    findings.push(finding('tag-header-invalid', `"${headerName}" is not a valid header name: use lower case letters, digits and "-" (for example x-splitscope-destination).`));
  }
  const { records, findings: notes } = readRecords(vs);
  if (records.some((r) => sameRecord(r, route, headerName))) {
    findings.push(finding('tag-header-in-use', `Splitscope already tags http route ${route} with ${headerName}. Stop that probe's tagging first, or reuse it.`, pointer('metadata', 'annotations', TAGGING_ANNOTATION)));
  }
  const ops: JsonPatchOp[] = [];
  const recorded: TaggingRecord['destinations'] = [];
  for (const [i, d] of inspection.destinations.entries()) {
    const at = `${path}/route/${d.entry}`;
    const entry = entries[d.entry];
    if (!isRecord(entry)) continue; // inspectRoute said splittable, so every entry is an object
    const value = valueOf(refOf(d), i);
    if (!HEADER_VALUE.test(value)) {
      findings.push(finding('tag-header-invalid', `The tag for ${destinationKey(d)} ("${value}") is not a valid header value: use visible ASCII characters.`, at));
      continue;
    }
    ops.push({ op: 'test', path: `${at}/destination`, value: entry.destination });
    const planned = addHeaderOps(entry, at, headerName, value);
    if ('problem' in planned) {
      findings.push(finding(planned.code, `${destinationKey(d)}: ${planned.problem}`, planned.path));
      continue;
    }
    ops.push(...planned.ops);
    recorded.push({ key: destinationKey(d), value, created: planned.created });
  }
  if (findings.length > 0) return { ok: false, findings };

  const record: TaggingRecord = { kind: 'http', route, header: headerName, createdAnnotations: !hasAnnotationMap(vs), destinations: recorded };
  const patch = [...identityGuards(vs), ...ops, ...setAnnotationOps(vs, TAGGING_ANNOTATION, JSON.stringify([...records, record]))];
  return { ok: true, patch, result: applyOps(vs, patch), findings: notes };
}

type HeaderPlan =
  | { ops: JsonPatchOp[]; created: TaggingRecord['destinations'][number]['created'] }
  | { problem: string; path: string; code: 'route-malformed' | 'tag-header-in-use' };

/** The smallest `add` that makes `entry.headers.response.set[name] = value`. */
function addHeaderOps(entry: Record<string, unknown>, at: string, name: string, value: string): HeaderPlan {
  const headers = entry.headers;
  if (headers === undefined) return { ops: [{ op: 'add', path: `${at}/headers`, value: { response: { set: { [name]: value } } } }], created: 'headers' };
  if (!isRecord(headers)) return { problem: '`headers` is not an object; fix it by hand first.', path: `${at}/headers`, code: 'route-malformed' };
  const response = headers.response;
  if (response === undefined) return { ops: [{ op: 'add', path: `${at}/headers/response`, value: { set: { [name]: value } } }], created: 'response' };
  if (!isRecord(response)) return { problem: '`headers.response` is not an object; fix it by hand first.', path: `${at}/headers/response`, code: 'route-malformed' };
  const removes = response.remove;
  if (Array.isArray(removes) && removes.some((h) => typeof h === 'string' && h.toLowerCase() === name)) {
    return { problem: `it removes the response header ${name}, which would hide the tag. Pick another header name.`, path: `${at}/headers/response/remove`, code: 'tag-header-in-use' };
  }
  const set = response.set;
  if (set === undefined) return { ops: [{ op: 'add', path: `${at}/headers/response/set`, value: { [name]: value } }], created: 'set' };
  if (!isRecord(set)) return { problem: '`headers.response.set` is not an object; fix it by hand first.', path: `${at}/headers/response/set`, code: 'route-malformed' };
  if (Object.keys(set).some((k) => k.toLowerCase() === name)) {
    return { problem: `it already sets the response header ${name}. Pick another header name.`, path: `${at}/headers/response/set`, code: 'tag-header-in-use' };
  }
  return { ops: [{ op: 'add', path: `${at}/headers/response/set/${pointer(name).slice(1)}`, value }], created: 'entry' };
}

/**
 * Plans removing the response tagging that {@link planResponseTagging} added to http
 * route `route` with `headerName`, restoring each destination entry exactly (containers
 * that tagging created are removed, those that were there stay, even when empty), and
 * dropping its record (and the annotations map, if tagging created it and nothing else
 * is in it). A destination removed since tagging is skipped; one whose tag value was
 * changed by someone else is left alone, with a note.
 */
export function planResponseUntagging(vs: K8sVirtualService, route: number, headerName: string): PatchPlan {
  const { records, findings: unreadable } = readRecords(vs);
  const record = records.find((r) => sameRecord(r, route, headerName));
  if (!record) {
    return {
      ok: false,
      findings: [
        ...unreadable,
        finding('tag-not-found', `Splitscope has no record of tagging http route ${route} with ${headerName}, so there is nothing it can remove safely. Remove the header by hand if it is there.`, pointer('metadata', 'annotations', TAGGING_ANNOTATION)),
      ],
    };
  }
  const inspection = inspectRoute(vs, 'http', route);
  const entries: unknown[] = inspection.route && Array.isArray(inspection.route.route) ? inspection.route.route : [];
  const byKey = new Map(inspection.destinations.map((d) => [destinationKey(d), d.entry]));
  const ops: JsonPatchOp[] = [];
  const notes: Finding[] = [];
  for (const tagged of record.destinations) {
    const j = byKey.get(tagged.key);
    const entry = j === undefined ? undefined : entries[j];
    if (j === undefined || !isRecord(entry)) continue;
    const at = `${inspection.path}/route/${j}`;
    const removal = removeHeaderOps(entry, at, headerName, tagged);
    if (removal) ops.push(...removal);
    else notes.push(finding('tag-header-in-use', `${tagged.key}: the tag header ${headerName} no longer has the value Splitscope set; it was left as it is.`, `${at}/headers`, 'warning'));
  }
  // Whoever created the annotations map hands that over, so the last untagging drops it.
  const rest = records
    .filter((r) => r !== record)
    .map((r, i) => (i === 0 && record.createdAnnotations ? { ...r, createdAnnotations: true } : r));
  const annotationOps =
    rest.length > 0
      ? setAnnotationOps(vs, TAGGING_ANNOTATION, JSON.stringify(rest))
      : removeAnnotationOps(vs, TAGGING_ANNOTATION, record.createdAnnotations);
  const patch = [...identityGuards(vs), ...ops, ...annotationOps];
  return { ok: true, patch, result: applyOps(vs, patch), findings: notes };
}

/** The ops that undo one destination's tag, or undefined when the tag is not as we set it. */
function removeHeaderOps(
  entry: Record<string, unknown>,
  at: string,
  name: string,
  tagged: TaggingRecord['destinations'][number],
): JsonPatchOp[] | undefined {
  const headers = entry.headers;
  const response = isRecord(headers) ? headers.response : undefined;
  const set = isRecord(response) ? response.set : undefined;
  if (!isRecord(headers) || !isRecord(response) || !isRecord(set) || set[name] !== tagged.value) return undefined;
  const keyPath = `${at}/headers/response/set/${pointer(name).slice(1)}`;
  const test: JsonPatchOp = { op: 'test', path: keyPath, value: tagged.value };
  const created = CREATED.indexOf(tagged.created);
  // Remove the outermost container that tagging created and that holds nothing else now.
  const onlyKey = Object.keys(set).length === 1;
  const onlySet = onlyKey && Object.keys(response).length === 1;
  const onlyResponse = onlySet && Object.keys(headers).length === 1;
  if (created <= CREATED.indexOf('headers') && onlyResponse) return [test, { op: 'remove', path: `${at}/headers` }];
  if (created <= CREATED.indexOf('response') && onlySet) return [test, { op: 'remove', path: `${at}/headers/response` }];
  if (created <= CREATED.indexOf('set') && onlyKey) return [test, { op: 'remove', path: `${at}/headers/response/set` }];
  return [test, { op: 'remove', path: keyPath }];
}

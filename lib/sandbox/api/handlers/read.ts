/**
 * get and list: one object, or a filtered, optionally paginated list (labelSelector,
 * fieldSelector, limit/continue), as JSON, YAML or a Table.
 *
 * Known debt:
 * - a list's `resourceVersion` and `resourceVersionMatch` are accepted but every list is
 *   served from the latest state, as `resourceVersion=""` would be.
 */
import type { K8sObject } from '../../../wire';
import { negotiate, writeObject } from '../negotiation';
import { groupVersion } from '../resources';
import {
  type FieldRequirement,
  type LabelRequirement,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SELECTABLE_FIELDS,
  SelectorError,
} from '../selectors';
import { badRequest, expired, notFound } from '../status';
import { toTable } from '../tables';
import { type Call, groupResource, served, storeNamespace } from './context';

export interface Selection {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

/** Parses labelSelector and fieldSelector; 400 for what the server would refuse. */
export function selection(call: Call): Selection {
  try {
    const labels = parseLabelSelector(call.url.searchParams.get('labelSelector') ?? '');
    const fields = parseFieldSelector(call.url.searchParams.get('fieldSelector') ?? '');
    const allowed = new Set(['metadata.name', 'metadata.namespace', ...(SELECTABLE_FIELDS[call.type.storeName] ?? [])]);
    for (const f of fields) if (!allowed.has(f.field)) throw badRequest(`field label not supported: ${f.field}`);
    // A watch on `/watch/.../name` or a named get-watch selects that name.
    if (call.info.name && call.info.verb === 'watch') fields.push({ field: 'metadata.name', operator: '=', value: call.info.name });
    return { labels, fields };
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

export function selects(s: Selection, object: K8sObject): boolean {
  return matchesLabels(s.labels, object.metadata?.labels) && matchesFields(s.fields, object);
}

export function handleGet(call: Call): void {
  const format = negotiate(call.req.headers.accept, true);
  const object = call.ctx.store.get(call.type.storeName, storeNamespace(call), call.info.name);
  if (!object) throw notFound(groupResource(call.type), call.info.name);
  const body = served(call, object);
  if (format.table) {
    writeObject(call.res, 200, toTable(call.type, format.tableVersion, [body], { resourceVersion: object.metadata?.resourceVersion ?? '' }, call.url.searchParams.get('includeObject')), format);
    return;
  }
  writeObject(call.res, 200, body, format);
}

interface ContinueToken {
  rv: string;
  start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(token.rv), start: token.start })).toString('base64');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'rv' in parsed && 'start' in parsed && typeof parsed.start === 'string') {
      return { rv: String(parsed.rv), start: parsed.start };
    }
  } catch {
    // fall through to the server's message
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

function keyOf(object: K8sObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** The objects a list or deletecollection covers. */
export function selected(call: Call): K8sObject[] {
  const s = selection(call);
  return call.ctx.store.list(call.type.storeName, storeNamespace(call)).filter((o) => selects(s, o));
}

export function handleList(call: Call): void {
  const format = negotiate(call.req.headers.accept, true);
  let items = selected(call);
  const resourceVersion = call.ctx.store.resourceVersion;
  const limitText = call.url.searchParams.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  const continueText = call.url.searchParams.get('continue');
  if (continueText) {
    const token = decodeContinue(continueText);
    if (Number(token.rv) < call.ctx.store.oldestResumableRevision) {
      throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    items = items.filter((o) => keyOf(o) > token.start);
  }
  // An unstructured (custom resource) list keeps an empty continue; a typed one, and a Table, omit it.
  const listMeta: { continue?: string; resourceVersion: string; remainingItemCount?: number } = call.type.custom && !format.table ? { continue: '', resourceVersion } : { resourceVersion };
  if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    listMeta.continue = encodeContinue({ rv: resourceVersion, start: last ? keyOf(last) : '' });
    listMeta.remainingItemCount = items.length - limit;
    items = page;
  }
  const servedItems = items.map((o) => served(call, o));
  if (format.table) {
    writeObject(call.res, 200, toTable(call.type, format.tableVersion, servedItems, listMeta, call.url.searchParams.get('includeObject')), format);
    return;
  }
  // Built-in lists carry no apiVersion/kind per item; unstructured (CRD) lists do.
  const listItems = call.type.custom
    ? servedItems
    : servedItems.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  writeObject(
    call.res,
    200,
    { apiVersion: groupVersion(call.type.group, call.info.version), kind: call.type.listKind, metadata: listMeta, items: listItems },
    format,
  );
}

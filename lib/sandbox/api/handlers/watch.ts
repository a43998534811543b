/**
 * watch: a stream of `{"type": ..., "object": ...}` lines, as the API server sends for
 * `?watch=true` (and the older `/watch/` paths). From `resourceVersion` "" or "0" it starts
 * with ADDED for every matching object; from a newer resourceVersion it replays the
 * store's history, or sends a 410 Expired ERROR event when that history is gone. With
 * `allowWatchBookmarks=true` it sends BOOKMARKs, and with `sendInitialEvents=true` the
 * bookmark that ends the initial events (annotation `k8s.io/initial-events-end`).
 * Objects leaving or entering the selector arrive as DELETED or ADDED, as from the
 * watch cache. The stream ends after `timeoutSeconds`, or when the server stops.
 */
import type { K8sObject, K8sWatchEvent } from '../../../wire';
import type { StoreEvent } from '../../store';
import { negotiate } from '../negotiation';
import { groupVersion } from '../resources';
import { badRequest, expired, serverError } from '../status';
import { type Call, served, storeNamespace } from './context';
import { selection, selects } from './read';
import { toTable } from '../tables';

/** A real server randomises watch lifetimes around its 30 minute minimum request timeout. */
const DEFAULT_TIMEOUT_SECONDS = 1800;
/** Bookmarks come about once a minute from a real server; a bit more often here. */
const BOOKMARK_INTERVAL_MS = 30_000;

function keyOf(object: K8sObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

export function handleWatch(call: Call): void {
  const format = negotiate(call.req.headers.accept, true);
  const params = call.url.searchParams;
  const filter = selection(call);
  const namespace = storeNamespace(call);
  const store = call.ctx.store;
  const rvText = params.get('resourceVersion') ?? '';
  const sendInitial = params.get('sendInitialEvents') === 'true';
  const bookmarks = params.get('allowWatchBookmarks') === 'true';
  if (sendInitial && params.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw badRequest('sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to NotOlderThan');
  }
  if (rvText !== '' && !/^\d+$/.test(rvText)) {
    // The watch cache's answer, odd as a 500 is: this is what clients see.
    throw serverError(`resourceVersion: Invalid value: ${JSON.stringify(rvText)}: strconv.ParseUint: parsing ${JSON.stringify(rvText)}: invalid syntax`);
  }
  const timeoutText = params.get('timeoutSeconds');
  const timeoutSeconds = timeoutText && /^\d+$/.test(timeoutText) ? Number(timeoutText) : DEFAULT_TIMEOUT_SECONDS;

  const res = call.res;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  // With a Table asked for (`kubectl get -w`), each object travels as a one-row Table; the
  // column definitions come with the first event only, as from the real server.
  let columnsSent = false;
  const asTable = (object: K8sObject): K8sObject => {
    if (!format.table) return object;
    const table = toTable(call.type, format.tableVersion, [object], { resourceVersion: object.metadata?.resourceVersion ?? '' }, call.url.searchParams.get('includeObject'));
    const out: K8sObject = { ...table, columnDefinitions: columnsSent ? [] : table.columnDefinitions };
    columnsSent = true;
    return out;
  };
  const send = (event: K8sWatchEvent) => {
    const object = event.type === 'BOOKMARK' || event.type === 'ERROR' ? event.object : asTable(event.object);
    if (!res.writableEnded) res.write(`${JSON.stringify({ type: event.type, object })}\n`);
  };
  const gv = groupVersion(call.type.group, call.info.version);
  const bookmark = (extra?: Record<string, string>) =>
    send({
      type: 'BOOKMARK',
      object: { kind: call.type.kind, apiVersion: gv, metadata: { resourceVersion: store.resourceVersion, ...(extra ? { annotations: extra } : {}) } },
    });

  const visible = new Set<string>();
  const inScope = (object: K8sObject) => namespace === undefined || object.metadata?.namespace === namespace;
  const deliver = (event: StoreEvent) => {
    if (event.resource !== call.type.storeName || !inScope(event.object)) return;
    const key = keyOf(event.object);
    const matches = selects(filter, event.object);
    const wasVisible = visible.has(key);
    const object = served(call, event.object);
    if (event.type === 'DELETED') {
      if (wasVisible || matches) send({ type: 'DELETED', object });
      visible.delete(key);
    } else if (matches) {
      send({ type: wasVisible ? 'MODIFIED' : 'ADDED', object });
      visible.add(key);
    } else if (wasVisible) {
      send({ type: 'DELETED', object });
      visible.delete(key);
    }
  };

  let stop = () => {};
  const finish = () => {
    stop();
    if (!res.writableEnded) res.end();
  };

  const fromScratch = rvText === '' || rvText === '0' || sendInitial;
  if (fromScratch) {
    for (const object of store.list(call.type.storeName, namespace)) {
      if (!selects(filter, object)) continue;
      visible.add(keyOf(object));
      send({ type: 'ADDED', object: served(call, object) });
    }
    if (sendInitial) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const revision = Number(rvText);
    const changes = store.changesSince(revision);
    if (!changes) {
      const { metadata: _m, ...status } = expired(`too old resource version: ${revision} (${store.oldestResumableRevision})`).status;
      send({ type: 'ERROR', object: { ...status, metadata: {} } });
      res.end();
      return;
    }
    // Which objects matched at `revision`: the state before each object's first later change.
    const first = new Map<string, StoreEvent>();
    for (const change of changes) {
      if (change.resource !== call.type.storeName || !inScope(change.object)) continue;
      if (!first.has(keyOf(change.object))) first.set(keyOf(change.object), change);
    }
    for (const object of store.list(call.type.storeName, namespace)) {
      if (!first.has(keyOf(object)) && selects(filter, object)) visible.add(keyOf(object));
    }
    for (const [key, change] of first) {
      const before = change.type === 'ADDED' ? undefined : change.type === 'MODIFIED' ? change.oldObject : change.object;
      if (before && selects(filter, before)) visible.add(key);
    }
    for (const change of changes) deliver(change);
  }

  const unsubscribe = store.watch(deliver);
  const timer = setTimeout(finish, timeoutSeconds * 1000);
  const ticker = bookmarks ? setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS) : undefined;
  const onClose = () => finish();
  call.ctx.closing.addEventListener('abort', onClose);
  stop = () => {
    unsubscribe();
    clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    call.ctx.closing.removeEventListener('abort', onClose);
  };
  call.req.on('close', finish);
}

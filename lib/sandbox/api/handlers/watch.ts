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
import { badRequest, expired } from '../status';
import { type Call, served, storeNamespace } from './context';
import { selection, selects } from './read';

/** A real server randomises watch lifetimes around its 30 minute minimum request timeout. */
const DEFAULT_TIMEOUT_SECONDS = 1800;
/** Bookmarks come about once a minute from a real server; a bit more often here. */
const BOOKMARK_INTERVAL_MS = 30_000;

function keyOf(object: K8sObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

export function handleWatch(call: Call): void {
  negotiate(call.req.headers.accept, false);
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
  if (rvText !== '' && !/^\d+$/.test(rvText)) throw badRequest(`invalid resource version: ${rvText}`);
  const timeoutText = params.get('timeoutSeconds');
  const timeoutSeconds = timeoutText && /^\d+$/.test(timeoutText) ? Number(timeoutText) : DEFAULT_TIMEOUT_SECONDS;

  const res = call.res;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const send = (event: K8sWatchEvent) => {
    if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
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
    // Objects that matched at `revision` are the ones a DELETED or a non-matching MODIFIED must report.
    for (const object of store.list(call.type.storeName, namespace)) if (selects(filter, object)) visible.add(keyOf(object));
    for (const change of changes) if (change.type === 'ADDED') visible.delete(keyOf(change.object));
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

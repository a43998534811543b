/**
 * The sandbox's Kubernetes REST API: an HTTP handler that authenticates, authorizes,
 * routes discovery and OpenAPI documents, and dispatches resource requests to the verb
 * handlers. One port serves both HTTPS (what the kubeconfig names: client-go sends
 * credentials only over TLS) and plain HTTP (for scripts and tests on 127.0.0.1): the
 * first byte of a connection tells a TLS handshake from an HTTP request. Unknown paths answer as the real server's muxes do: 404 `404 page not
 * found` outside the API groups, and a 404 or 405 Status inside the built-in ones.
 */
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AdmissionChain } from '../admission';
import type { PodLogs } from '../logs';
import type { Defaulter, ObjectStore } from '../store';
import { authenticate, forbiddenError, isAllowed, type Tokens, type User } from './auth';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION, wantsAggregated } from './discovery';
import type { ApiContext, Call } from './handlers/context';
import { handleLogs } from './handlers/logs';
import { handlePatch } from './handlers/patch';
import { handleScale } from './handlers/scale';
import { handleGet, handleList } from './handlers/read';
import { handleWatch } from './handlers/watch';
import { handleDelete, handleDeleteCollection } from './handlers/delete';
import { handleCreate, handleUpdate } from './handlers/write';
import { writeError, writeObject, writeText } from './negotiation';
import { openApiDocument, openApiRoot } from './openapi';
import { type NonResourceRequest, requestInfo, type ResourceRequest } from './request-info';
import { apiGroups, findType } from './resources';
import { ApiError, genericServerResponse, internalError, methodNotSupported, notFound, unauthorized } from './status';

export interface ApiServerOptions {
  store: ObjectStore;
  admission: AdmissionChain;
  logs: PodLogs;
  defaulter: Defaulter;
  tokens: Tokens;
  /** Server certificate and key (PEM). */
  tls: { cert: string; key: string };
}

export interface ApiServer {
  /** The listener; call `listen` on it. */
  server: Server;
  /** Ends watches and log follows, then closes the listener and every connection. */
  close(): Promise<void>;
}

function isServedGroupVersion(group: string, version: string): boolean {
  if (!group) return version === 'v1';
  return apiGroups().some((g) => g.name === group && g.versions.includes(version));
}

function discovery(req: IncomingMessage, res: ServerResponse, info: NonResourceRequest): boolean {
  const path = info.path.replace(/\/+$/, '') || '/';
  const parts = path.split('/').filter(Boolean);
  if (info.verb !== 'get') return false;
  const host = req.headers.host ?? '127.0.0.1';
  const aggregated = wantsAggregated(req.headers.accept);
  if (path === '/version') return (writeObject(res, 200, SERVER_VERSION), true);
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return (writeText(res, 200, 'ok'), true);
  if (path === '/api') {
    if (aggregated) {
      writeObject(res, 200, aggregatedDiscovery(true, aggregated), { type: 'json' }, { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList` });
    } else writeObject(res, 200, apiVersions(host));
    return true;
  }
  if (path === '/apis') {
    if (aggregated) {
      writeObject(res, 200, aggregatedDiscovery(false, aggregated), { type: 'json' }, { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList` });
    } else writeObject(res, 200, apiGroupList());
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const doc = apiGroup(parts[1] ?? '');
    if (!doc) return false;
    writeObject(res, 200, doc);
    return true;
  }
  if (parts[0] === 'api' && parts.length === 2) {
    const doc = apiResourceList('', parts[1] ?? '');
    if (!doc) return false;
    writeObject(res, 200, doc);
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const doc = apiResourceList(parts[1] ?? '', parts[2] ?? '');
    if (!doc) return false;
    writeObject(res, 200, doc);
    return true;
  }
  if (path === '/openapi/v3') return (writeObject(res, 200, openApiRoot()), true);
  if (parts[0] === 'openapi' && parts[1] === 'v3') {
    const rest = parts.slice(2);
    const doc = rest[0] === 'api' ? openApiDocument('', rest[1] ?? '') : rest[0] === 'apis' ? openApiDocument(rest[1] ?? '', rest[2] ?? '') : undefined;
    if (!doc) return false;
    writeObject(res, 200, doc);
    return true;
  }
  return false;
}

async function dispatch(call: Call): Promise<void> {
  const { info, type } = call;
  const verbs = info.subresource ? type.subresources[info.subresource] : type.verbs;
  const allowed = verbs ?? [];
  if (info.subresource && !verbs) throw notFoundPath(call);
  if (info.subresource === 'log') {
    if (info.verb !== 'get') throw notAllowed(call);
    handleLogs(call);
    return;
  }
  if (info.subresource === 'scale') {
    if (!allowed.includes(info.verb)) throw notAllowed(call);
    return handleScale(call);
  }
  if (!allowed.includes(info.verb)) throw notAllowed(call);
  // POST goes to the collection; there is no create route on an object's path.
  if (info.verb === 'create' && info.name && !info.subresource) throw notAllowed(call);
  switch (info.verb) {
    case 'get':
      return handleGet(call);
    case 'list':
      return handleList(call);
    case 'watch':
      return handleWatch(call);
    case 'create':
      return handleCreate(call);
    case 'update':
      return handleUpdate(call);
    case 'patch':
      return handlePatch(call);
    case 'delete':
      return handleDelete(call);
    case 'deletecollection':
      return handleDeleteCollection(call);
    default:
      throw notAllowed(call);
  }
}

function notFoundPath(call: Call): ApiError {
  if (call.type.custom) return notFound({ group: call.type.group, resource: call.type.plural }, call.info.name);
  return genericServerResponse(404, '404: Page Not Found');
}

function notAllowed(call: Call): ApiError {
  if (call.type.custom) return methodNotSupported({ group: call.type.group, resource: call.type.plural }, call.info.verb);
  return genericServerResponse(405, '405: Method Not Allowed');
}

async function handleResource(req: IncomingMessage, res: ServerResponse, url: URL, info: ResourceRequest, user: User, ctx: ApiContext): Promise<void> {
  const type = findType(info.group, info.version, info.resource);
  if (!type || (info.namespace && !type.namespaced && info.resource !== 'namespaces')) {
    if (isServedGroupVersion(info.group, info.version) && !info.group.endsWith('istio.io')) throw genericServerResponse(404, '404: Page Not Found');
    writeText(res, 404, '404 page not found\n');
    return;
  }
  if (type.namespaced && !info.namespace && info.name) {
    // A named object of a namespaced type needs a namespace in the path.
    throw genericServerResponse(404, '404: Page Not Found');
  }
  await dispatch({ req, res, url, info, type, user, ctx });
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const closing = new AbortController();
  const ctx: ApiContext = {
    store: options.store,
    admission: options.admission,
    logs: options.logs,
    defaulter: options.defaulter,
    closing: closing.signal,
  };
  const handler: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const info = requestInfo(req.method ?? 'GET', url);
    const run = async () => {
      const user = authenticate(req.headers.authorization, options.tokens);
      if (!user) throw unauthorized();
      if (!isAllowed(user, info)) throw forbiddenError(user, info);
      if (info.kind === 'non-resource') {
        if (!discovery(req, res, info)) writeText(res, 404, '404 page not found\n');
        return;
      }
      await handleResource(req, res, url, info, user, ctx);
    };
    run().catch((error: unknown) => {
      if (error instanceof ApiError) writeError(res, error);
      else writeError(res, internalError(error instanceof Error ? error.message : String(error)));
    });
  };
  const http = createHttpServer(handler);
  const https = createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // 0x16: a TLS handshake record.
      (first[0] === 0x16 ? https : http).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  return {
    server,
    close: () =>
      new Promise((resolve) => {
        closing.abort();
        server.close(() => resolve());
        http.closeAllConnections();
        https.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

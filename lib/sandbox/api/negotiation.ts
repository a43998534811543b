/**
 * Content negotiation: which media type a client accepts (JSON, YAML, or a
 * meta.k8s.io Table), reading request bodies in the types the server decodes, and
 * writing objects and Status errors back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { K8sObject } from '../../wire';
import { ApiError, badRequest, notAcceptable, unsupportedMediaType } from './status';
import { goJsonKindProbeError, goJsonSyntaxError, summarizeData } from './go-json';

/** Media types the server can answer with, in its order of preference. */
export const RESPONSE_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** Media types accepted as a create or update body. */
export const BODY_TYPES_BUILTIN = ['application/json', 'application/yaml'];
export const BODY_TYPES_CUSTOM = ['application/json', 'application/yaml'];

/** Largest body the server reads (the real limit is 3 MiB for most requests). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim());
      const parsed: Record<string, string> = {};
      for (const p of params) {
        const eq = p.indexOf('=');
        if (eq > 0) parsed[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
      }
      return { type: type.toLowerCase(), params: parsed };
    })
    .filter((r) => r.type.length > 0);
}

export type ResponseFormat = { type: 'json' | 'yaml'; table: false } | { type: 'json' | 'yaml'; table: true; tableVersion: string };

/**
 * Picks the answer's format from the Accept header: a Table when asked (and allowed for
 * this request), else JSON or YAML; protobuf is never chosen, so a client that accepts
 * only protobuf gets 406, as from a server without it.
 */
export function negotiate(header: string | undefined, allowTable: boolean): ResponseFormat {
  for (const range of parseAccept(header)) {
    const isJson = range.type === 'application/json' || range.type === '*/*' || range.type === 'application/*';
    const isYaml = range.type === 'application/yaml';
    if (!isJson && !isYaml) continue;
    const as = range.params.as;
    if (as === undefined) {
      if (Object.keys(range.params).some((k) => k === 'g' || k === 'v')) continue;
      return { type: isYaml ? 'yaml' : 'json', table: false };
    }
    if (as === 'Table' && range.params.g === 'meta.k8s.io' && (range.params.v === 'v1' || range.params.v === 'v1beta1')) {
      if (allowTable) return { type: isYaml ? 'yaml' : 'json', table: true, tableVersion: range.params.v };
      continue;
    }
    // PartialObjectMetadata and other transformations are not offered.
  }
  throw notAcceptable(RESPONSE_TYPES);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Request entity too large: limit is 3145728',
        reason: 'RequestEntityTooLarge',
        code: 413,
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type of a request body, without parameters. */
export function contentTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decodes a create or update body (JSON or YAML) into an object. */
export function decodeObject(body: Buffer, contentType: string, accepted: string[], expectedKind: string): K8sObject {
  const type = contentType || 'application/json';
  if (!accepted.includes(type)) throw unsupportedMediaType(accepted);
  const text = body.toString('utf8');
  const unrecognized = (why: string) =>
    badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): couldn't get version/kind; json parse error: ${why} (${summarizeData(body)})`);
  let parsed: unknown;
  try {
    parsed = type === 'application/yaml' ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    // Go's scanner words JSON syntax errors; YAML's parser words its own.
    const why = (type === 'application/yaml' ? undefined : goJsonSyntaxError(body)) ?? (error instanceof Error ? error.message : String(error));
    throw unrecognized(why);
  }
  if (!isRecord(parsed)) throw unrecognized(goJsonKindProbeError(parsed) ?? 'expected an object');
  return parsed;
}

export function writeObject(res: ServerResponse, code: number, body: unknown, format: { type: 'json' | 'yaml' } = { type: 'json' }, headers: Record<string, string> = {}): void {
  const text = format.type === 'yaml' ? stringifyYaml(body) : `${JSON.stringify(body)}\n`;
  res.writeHead(code, {
    'Content-Type': format.type === 'yaml' ? 'application/yaml' : 'application/json',
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function writeError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeObject(res, error.code, error.status, { type: 'json' }, error.headers);
}

/** A plain-text answer, as Go's http.NotFound and the log endpoint give. */
export function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

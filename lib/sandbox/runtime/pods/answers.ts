/**
 * What a pod's container answers over HTTP, decided from the pod's annotations and the
 * container's image (pure; the server that answers is answer-server.ts). The annotations
 * are the sandbox's own (documented in lib/sandbox/scenarios/README.md); a real cluster
 * ignores them, so scenarios stay valid manifests.
 */
import type { Container } from '../shapes';

/** The response body (see lib/sandbox/scenarios/README.md for all answer annotations). */
export const ANSWER = 'splitscope.dev/answer';
/** The response status code. */
export const ANSWER_STATUS = 'splitscope.dev/answer-status';
/** Response headers, a JSON object. */
export const ANSWER_HEADERS = 'splitscope.dev/answer-headers';
/** Milliseconds to wait before answering. */
export const ANSWER_DELAY_MS = 'splitscope.dev/answer-delay-ms';
/** `"true"`: answer a JSON description of the request. */
export const ANSWER_ECHO = 'splitscope.dev/answer-echo';

/** How a container answers. */
export interface AnswerSpec {
  status: number;
  headers: Record<string, string>;
  body: string;
  delayMs: number;
  /** Answer a JSON description of the request instead of `body` (to see what arrived). */
  echo: boolean;
  /** Ports to listen on (the container's TCP ports, or the image's default). */
  ports: number[];
}

interface KnownImage {
  pattern: RegExp;
  server: string;
  body: string;
  port: number;
}

/** Images whose stock behaviour the sandbox knows: they answer their default page. */
const KNOWN_IMAGES: KnownImage[] = [
  {
    pattern: /(^|\/)httpd(:|@|$)/,
    server: 'Apache/2.4.65 (Unix)',
    body: '<html><body><h1>It works!</h1></body></html>\n',
    port: 80,
  },
  {
    pattern: /(^|\/)nginx(:|@|$)/,
    server: 'nginx/1.29.1',
    body:
      '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n' +
      '<p>If you see this page, the nginx web server is successfully installed and working.</p>\n</body>\n</html>\n',
    port: 80,
  },
];

function knownImage(image: string | undefined): KnownImage | undefined {
  return image === undefined ? undefined : KNOWN_IMAGES.find((known) => known.pattern.test(image));
}

function contentTypeOf(body: string): string {
  const start = body.trimStart();
  if (start.startsWith('<')) return 'text/html';
  if (start.startsWith('{') || start.startsWith('[')) return 'application/json';
  return 'text/plain; charset=utf-8';
}

function parseHeaders(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v);
    return out;
  } catch {
    return {};
  }
}

/**
 * The answer of `container` in a pod with `annotations`, or undefined when it answers
 * nothing (a command runs instead, or the image is unknown and no answer is given).
 * `first` says whether this is the pod's first application container: the pod-level
 * answer annotations belong to it.
 */
export function answerFor(
  annotations: Record<string, string> | undefined,
  container: Container,
  first: boolean,
): AnswerSpec | undefined {
  if (container.command !== undefined || container.args !== undefined) return undefined;
  const known = knownImage(container.image);
  const given = first ? annotations?.[ANSWER] : undefined;
  const echo = first && annotations?.[ANSWER_ECHO] === 'true';
  if (given === undefined && !echo && !known) return undefined;
  const body = given ?? known?.body ?? '';
  const declared = (container.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP').map((p) => p.containerPort);
  const status = Number(first ? annotations?.[ANSWER_STATUS] : undefined);
  const delay = Number(first ? annotations?.[ANSWER_DELAY_MS] : undefined);
  return {
    status: Number.isInteger(status) && status >= 100 && status <= 599 ? status : 200,
    headers: {
      'content-type': contentTypeOf(body),
      ...(known ? { server: known.server } : {}),
      ...parseHeaders(first ? annotations?.[ANSWER_HEADERS] : undefined),
    },
    body,
    delayMs: Number.isFinite(delay) && delay > 0 ? delay : 0,
    echo,
    ports: declared.length > 0 ? [...new Set(declared)] : [known?.port ?? 80],
  };
}

/**
 * How a client tells the mesh proxy which pod it is: HTTP proxy credentials
 * (`Proxy-Authorization: Basic`), user `<namespace>.<pod>` and a password derived from
 * the pod's uid with a secret of this runtime, so one pod cannot pass for another and a
 * pod recreated under the same name gets new credentials. No credentials at all means
 * the node itself (curl on the host): no sidecar, no namespace, no DNS search path.
 *
 * A pod's commands get these credentials in `http_proxy`; anything else (tests, the
 * dashboard) can ask the runtime for a pod's proxy URL.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who a request comes from, as its proxy credentials say. */
export type ClientIdentity =
  | { kind: 'node' }
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'invalid'; reason: string };

/** Issues and checks pods' proxy credentials (see the top of this file). */
export class MeshIdentity {
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

  password(uid: string): string {
    return createHmac('sha256', this.secret).update(uid).digest('hex').slice(0, 32);
  }

  /** User and password for the pod `namespace/name` with `uid`. */
  credentials(namespace: string, name: string, uid: string): { username: string; password: string } {
    return { username: `${namespace}.${name}`, password: this.password(uid) };
  }

  /** The identity a request's Proxy-Authorization header proves; `uidOf` finds a pod's current uid. */
  identify(header: string | undefined, uidOf: (namespace: string, name: string) => string | undefined): ClientIdentity {
    if (header === undefined || header === '') return { kind: 'node' };
    const match = /^Basic\s+(.+)$/i.exec(header.trim());
    if (!match) return { kind: 'invalid', reason: 'only Basic proxy credentials are understood' };
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const dot = user.indexOf('.');
    if (dot <= 0) return { kind: 'invalid', reason: 'the proxy user must be <namespace>.<pod>' };
    const namespace = user.slice(0, dot);
    const name = user.slice(dot + 1);
    const uid = uidOf(namespace, name);
    if (uid === undefined) return { kind: 'invalid', reason: `no pod ${namespace}/${name}` };
    const expected = Buffer.from(this.password(uid));
    const given = Buffer.from(password);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { kind: 'invalid', reason: `wrong credentials for pod ${namespace}/${name}` };
    }
    return { kind: 'pod', namespace, name };
  }
}

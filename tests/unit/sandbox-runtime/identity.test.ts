import { describe, expect, it } from 'vitest';
import { MeshIdentity } from '@/lib/sandbox/runtime/mesh/identity';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('mesh client identity', () => {
  const identity = new MeshIdentity(Buffer.from('secret'));
  const uids: Record<string, string> = { 'default/client-1': 'uid-1' };
  const uidOf = (namespace: string, name: string) => uids[`${namespace}/${name}`];

  it('knows a pod by its credentials', () => {
    const { username, password } = identity.credentials('default', 'client-1', 'uid-1');
    expect(username).toBe('default.client-1');
    expect(identity.identify(basic(username, password), uidOf)).toEqual({ kind: 'pod', namespace: 'default', name: 'client-1' });
  });

  it('treats no credentials as the node', () => {
    expect(identity.identify(undefined, uidOf)).toEqual({ kind: 'node' });
  });

  it('refuses a wrong password, an unknown pod, a recreated pod and another secret', () => {
    expect(identity.identify(basic('default.client-1', 'nope'), uidOf).kind).toBe('invalid');
    expect(identity.identify(basic('default.ghost', 'x'), uidOf).kind).toBe('invalid');
    const old = identity.password('uid-0');
    expect(identity.identify(basic('default.client-1', old), uidOf).kind).toBe('invalid');
    const other = new MeshIdentity(Buffer.from('other')).password('uid-1');
    expect(identity.identify(basic('default.client-1', other), uidOf).kind).toBe('invalid');
    expect(identity.identify('Bearer x', uidOf).kind).toBe('invalid');
  });
});

import { describe, expect, it } from 'vitest';
import { storageVersionHash } from '@/lib/sandbox/api/discovery';
import { RESOURCE_TYPES } from '@/lib/sandbox/api/resources';

/** The hashes kube-apiserver 1.37 with Istio 1.32's CRDs lists (tests/contract, `npm run test:cluster`). */
const REAL_HASHES: Record<string, string> = {
  Pod: 'xPOwRZ+Yhw8=',
  Service: '0/CO1lhkEBI=',
  Namespace: 'Q3oi5N2YM8M=',
  Endpoints: 'fWeeMqaN/OA=',
  Deployment: '8aSe+NMegvE=',
  ReplicaSet: 'P1RzHs8/mWQ=',
  EndpointSlice: 'qgS0xkrxYAI=',
  VirtualService: '4myxAxwji4I=',
  DestinationRule: 'RzP0ejj0QFo=',
  Gateway: 'kGh5BEeT2e8=',
  ServiceEntry: 'uwV2awIxHZ8=',
  Sidecar: 'YzCqUsa8ZYQ=',
  WorkloadEntry: 'TCCKGA06viw=',
  WorkloadGroup: 'sLOzM3aAdoM=',
  ProxyConfig: 'kPQjAU3oP18=',
  EnvoyFilter: 'cC04AzOKdkE=',
};

describe('storage version hashes', () => {
  it.each(RESOURCE_TYPES.map((t) => [t.kind, t] as const))('%s hashes as the real server does', (kind, type) => {
    expect(storageVersionHash(type)).toBe(REAL_HASHES[kind]);
  });
});

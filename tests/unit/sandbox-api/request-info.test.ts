import { describe, expect, it } from 'vitest';
import { requestInfo } from '@/lib/sandbox/api/request-info';

function info(method: string, path: string) {
  return requestInfo(method, new URL(path, 'http://x'));
}

describe('request info', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', { verb: 'list', namespace: 'default', resource: 'pods', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods/p', { verb: 'get', namespace: 'default', resource: 'pods', name: 'p' }],
    ['GET', '/api/v1/namespaces/default/pods/p/log', { verb: 'get', resource: 'pods', name: 'p', subresource: 'log' }],
    ['GET', '/api/v1/namespaces/default/pods?watch=true', { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/watch/namespaces/default/pods/p', { verb: 'watch', resource: 'pods', name: 'p', watchPath: true }],
    ['GET', '/api/v1/namespaces', { verb: 'list', resource: 'namespaces', namespace: '' }],
    ['GET', '/api/v1/namespaces/ns1', { verb: 'get', resource: 'namespaces', name: 'ns1', namespace: 'ns1' }],
    ['PUT', '/api/v1/namespaces/ns1/status', { verb: 'update', resource: 'namespaces', name: 'ns1', subresource: 'status' }],
    ['POST', '/apis/networking.istio.io/v1/namespaces/d/virtualservices', { verb: 'create', group: 'networking.istio.io', version: 'v1', resource: 'virtualservices' }],
    ['PATCH', '/apis/apps/v1/namespaces/d/deployments/x', { verb: 'patch', group: 'apps', resource: 'deployments', name: 'x' }],
    ['DELETE', '/apis/apps/v1/namespaces/d/deployments/x', { verb: 'delete' }],
    ['DELETE', '/apis/apps/v1/namespaces/d/deployments', { verb: 'deletecollection' }],
    ['GET', '/apis/networking.istio.io/v1/virtualservices', { verb: 'list', namespace: '', resource: 'virtualservices' }],
  ])('%s %s', (method, path, expected) => {
    expect(info(method, path)).toMatchObject({ kind: 'resource', ...expected });
  });

  it.each(['/version', '/api', '/api/', '/apis', '/apis/apps', '/openapi/v3', '/healthz'])('%s is not a resource request', (path) => {
    expect(info('GET', path).kind).toBe('non-resource');
  });
});

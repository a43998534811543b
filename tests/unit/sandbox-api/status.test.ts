import { describe, expect, it } from 'vitest';
import { alreadyExists, conflict, expired, forbidden, genericServerResponse, invalid, notFound, OPTIMISTIC_LOCK_MESSAGE, successStatus, unauthorized, unsupportedMediaType } from '@/lib/sandbox/api/status';

describe('Status errors', () => {
  it('shapes NotFound for a core resource without a group', () => {
    expect(notFound({ group: '', resource: 'pods' }, 'x').status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "x" not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods' },
      code: 404,
    });
  });

  it('qualifies the resource with its group', () => {
    const status = notFound({ group: 'networking.istio.io', resource: 'virtualservices' }, 'r').status;
    expect(status.message).toBe('virtualservices.networking.istio.io "r" not found');
    expect(status.details).toEqual({ name: 'r', group: 'networking.istio.io', kind: 'virtualservices' });
  });

  it('keeps the field order of the Go struct, code last', () => {
    expect(Object.keys(alreadyExists({ group: '', resource: 'services' }, 's').status)).toEqual(['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code']);
  });

  it('words a conflict as the registry does', () => {
    const status = conflict({ group: 'networking.istio.io', resource: 'virtualservices' }, 'r', OPTIMISTIC_LOCK_MESSAGE).status;
    expect(status.code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe(
      'Operation cannot be fulfilled on virtualservices.networking.istio.io "r": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('lists one invalid field inline and several in brackets, with causes', () => {
    const one = invalid({ group: '', kind: 'Service' }, 's', [{ type: 'FieldValueRequired', field: 'spec.ports', detail: '' }]).status;
    expect(one.message).toBe('Service "s" is invalid: spec.ports: Required value');
    expect(one.details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' }]);
    const two = invalid({ group: 'networking.istio.io', kind: 'VirtualService' }, 'v', [
      { type: 'FieldValueTypeInvalid', field: 'spec.hosts', value: 'string', detail: 'spec.hosts in body must be of type array: "string"' },
      { type: 'FieldValueInvalid', field: 'metadata.resourceVersion', valueText: '0x0', detail: 'must be specified for an update' },
    ]).status;
    expect(two.message).toBe(
      'VirtualService.networking.istio.io "v" is invalid: [spec.hosts: Invalid value: "string": spec.hosts in body must be of type array: "string", metadata.resourceVersion: Invalid value: 0x0: must be specified for an update]',
    );
    expect(two.code).toBe(422);
  });

  it('shapes 401, 403, 405, 410, 415 and a success Status', () => {
    expect(unauthorized().status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    const denied = forbidden({ group: 'networking.istio.io', resource: 'virtualservices' }, 'r', 'User "u" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "default"').status;
    expect(denied.message).toBe('virtualservices.networking.istio.io "r" is forbidden: User "u" cannot update resource "virtualservices" in API group "networking.istio.io" in the namespace "default"');
    expect(genericServerResponse(405, '405: Method Not Allowed').status).toMatchObject({
      reason: 'MethodNotAllowed',
      message: 'the server does not allow this method on the requested resource',
      details: { causes: [{ reason: 'UnexpectedServerResponse', message: '405: Method Not Allowed' }] },
    });
    expect(expired('too old resource version: 1 (5)').status).toMatchObject({ code: 410, reason: 'Expired' });
    expect(unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']).status.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json',
    );
    expect(successStatus({ name: 'r', group: 'networking.istio.io', kind: 'virtualservices', uid: 'u1' })).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'r', group: 'networking.istio.io', kind: 'virtualservices', uid: 'u1' },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, kube, startTestSandbox, type TestSandbox } from './support';

let t: TestSandbox;

beforeAll(async () => {
  t = await startTestSandbox();
});

afterAll(async () => {
  await t.cleanup();
});

interface Event {
  type: string;
  object: Record<string, unknown>;
}

/** Reads watch events until `count` arrived or the stream ends. */
async function watchEvents(path: string, count: number, during?: () => Promise<void>, accept = 'application/json'): Promise<Event[]> {
  const controller = new AbortController();
  const response = await fetch(`${t.sandbox.httpUrl}${path}`, { headers: { authorization: `Bearer ${t.sandbox.tokens.admin}`, accept }, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const events: Event[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const pending = during?.();
  const timer = setTimeout(() => controller.abort(), 5000);
  try {
    while (events.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)) as Event);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
      }
    }
  } catch (error) {
    if (!(error instanceof Error && error.name === 'AbortError')) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
    await pending;
  }
  return events;
}

const NS_PATH = '/api/v1/namespaces';

describe('watch', () => {
  it('starts with ADDED for what exists, then streams changes', async () => {
    const existing = ((await kube(t.sandbox, NS_PATH)).body as { items: unknown[] }).items.map((i) => `ADDED ${String(field(i, 'metadata', 'name'))}`);
    expect(existing).toContain('ADDED default');
    const events = await watchEvents(`${NS_PATH}?watch=true`, existing.length + 1, async () => {
      await kube(t.sandbox, NS_PATH, { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } } });
    });
    expect(events.slice(0, existing.length).map((e) => `${e.type} ${String(field(e.object, 'metadata', 'name'))}`)).toEqual(existing);
    const last = events[existing.length];
    expect(last?.type).toBe('ADDED');
    expect(field(last?.object, 'metadata', 'name')).toBe('watched');
    expect(field(last?.object, 'kind')).toBe('Namespace');
  });

  it('resumes from a resourceVersion, and reports label changes as leaving the selection', async () => {
    const created = await kube(t.sandbox, '/api/v1/namespaces/default/services', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'w', labels: { watch: 'me' } }, spec: { ports: [{ port: 80 }] } },
    });
    const rv = String(field(created.body, 'metadata', 'resourceVersion'));
    await kube(t.sandbox, '/api/v1/namespaces/default/services/w', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { a: 'b' } } } });
    await kube(t.sandbox, '/api/v1/namespaces/default/services/w', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { watch: 'not-me' } } } });
    const events = await watchEvents(`/api/v1/namespaces/default/services?watch=1&labelSelector=watch%3Dme&resourceVersion=${rv}`, 2);
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const res = await fetch(`${t.sandbox.httpUrl}${NS_PATH}?watch=true&timeoutSeconds=1`, { headers: { authorization: `Bearer ${t.sandbox.tokens.admin}` } });
    const lines = (await res.text()).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('ends the initial events with a bookmark when sendInitialEvents is asked', async () => {
    const count = ((await kube(t.sandbox, NS_PATH)).body as { items: unknown[] }).items.length;
    const events = await watchEvents(`${NS_PATH}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, count + 1);
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(field(bookmark?.object, 'metadata', 'annotations', 'k8s.io/initial-events-end')).toBe('true');
  });

  it('sends one-row Tables to kubectl get -w, with the columns once', async () => {
    const events = await watchEvents(
      '/apis/networking.istio.io/v1/namespaces/default/virtualservices?watch=true',
      2,
      async () => {
        await kube(t.sandbox, '/apis/networking.istio.io/v1/namespaces/default/virtualservices/hujin-virtual-svc', {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { metadata: { labels: { seen: 'yes' } } },
        });
      },
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    );
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(events.map((e) => field(e.object, 'kind'))).toEqual(['Table', 'Table']);
    expect((field(events[0]?.object, 'columnDefinitions') as unknown[]).length).toBe(4);
    expect(field(events[1]?.object, 'columnDefinitions')).toEqual([]);
    expect(field(events[1]?.object, 'rows', 0, 'cells', 0)).toBe('hujin-virtual-svc');
  });

  it('watches one object through a /watch/ path', async () => {
    const events = await watchEvents('/api/v1/watch/namespaces/default', 1);
    expect(events.map((e) => field(e.object, 'metadata', 'name'))).toEqual(['default']);
  });
});

describe('pod logs', () => {
  const pod = (name: string, containers: string[]) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    // No sidecar: the test wants exactly the containers it names.
    metadata: { name, annotations: { 'sidecar.istio.io/inject': 'false' } },
    spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
  });

  beforeAll(async () => {
    await kube(t.sandbox, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('one', ['main']) });
    await kube(t.sandbox, '/api/v1/namespaces/default/pods', { method: 'POST', body: pod('two', ['a', 'b']) });
    t.sandbox.logs.append('default', 'one', 'main', 'line 1\nline 2\nline 3\n');
    t.sandbox.logs.append('default', 'two', 'b', 'from b\n');
  });

  it('serves a container log as text, with tailLines, timestamps and limitBytes', async () => {
    expect((await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log')).text).toBe('line 1\nline 2\nline 3\n');
    expect((await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log?tailLines=1')).text).toBe('line 3\n');
    expect((await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log?timestamps=true&tailLines=1')).text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 3\n$/);
    expect((await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log?limitBytes=8')).text).toBe('line 1\nl');
    expect((await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log?sinceSeconds=60')).text).toBe('line 1\nline 2\nline 3\n');
  });

  it('asks for a container when a pod has several, as the real server does', async () => {
    const res = await kube(t.sandbox, '/api/v1/namespaces/default/pods/two/log');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'a container name must be specified for pod two, choose one of: [a b]',
      reason: 'BadRequest',
      code: 400,
    });
    expect((await kube(t.sandbox, '/api/v1/namespaces/default/pods/two/log?container=b')).text).toBe('from b\n');
    expect(field((await kube(t.sandbox, '/api/v1/namespaces/default/pods/two/log?container=c')).body, 'message')).toBe('container c is not valid for pod two');
  });

  it('refuses sinceSeconds with sinceTime, and a negative tailLines', async () => {
    const both = await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log?sinceSeconds=5&sinceTime=2024-01-01T00:00:00Z');
    expect(both.status).toBe(422);
    const negative = await kube(t.sandbox, '/api/v1/namespaces/default/pods/one/log?tailLines=-1');
    expect(field(negative.body, 'message')).toBe('PodLogOptions "one" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
  });

  it('follows new lines until the container ends', async () => {
    const response = await fetch(`${t.sandbox.httpUrl}/api/v1/namespaces/default/pods/one/log?follow=true&tailLines=0`, { headers: { authorization: `Bearer ${t.sandbox.tokens.admin}` } });
    setTimeout(() => {
      t.sandbox.logs.append('default', 'one', 'main', 'later\n');
      t.sandbox.logs.close('default', 'one', 'main');
    }, 50);
    expect(await response.text()).toBe('later\n');
  });
});

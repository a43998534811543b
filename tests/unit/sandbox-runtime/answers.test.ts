import { describe, expect, it } from 'vitest';
import { answerFor } from '@/lib/sandbox/runtime/pods/answers';

describe('what a pod answers', () => {
  it('answers the annotation body on the declared ports, typed by its first character', () => {
    const spec = answerFor({ 'splitscope.dev/answer': '<h1>test1</h1>' }, { name: 'c', image: 'httpd:alpine', ports: [{ containerPort: 80 }, { containerPort: 81, protocol: 'UDP' }] }, true);
    expect(spec).toMatchObject({ status: 200, body: '<h1>test1</h1>', ports: [80], headers: { 'content-type': 'text/html', server: 'Apache/2.4.65 (Unix)' } });
    expect(answerFor({ 'splitscope.dev/answer': '{"v":1}' }, { name: 'c', image: 'x' }, true)?.headers['content-type']).toBe('application/json');
  });

  it('reads status, headers, delay and echo annotations', () => {
    const spec = answerFor(
      {
        'splitscope.dev/answer': 'down',
        'splitscope.dev/answer-status': '503',
        'splitscope.dev/answer-headers': '{"X-Version": "v2"}',
        'splitscope.dev/answer-delay-ms': '25',
        'splitscope.dev/answer-echo': 'true',
      },
      { name: 'c', image: 'x' },
      true,
    );
    expect(spec).toMatchObject({ status: 503, delayMs: 25, echo: true, ports: [80], headers: { 'x-version': 'v2' } });
  });

  it('answers known images with their default page and nothing for unknown images or command containers', () => {
    expect(answerFor(undefined, { name: 'c', image: 'docker.io/library/nginx:1.27' }, true)?.body).toContain('Welcome to nginx!');
    expect(answerFor(undefined, { name: 'c', image: 'httpd' }, true)?.body).toContain('It works!');
    expect(answerFor(undefined, { name: 'c', image: 'busybox' }, true)).toBeUndefined();
    expect(answerFor({ 'splitscope.dev/answer': 'x' }, { name: 'c', image: 'httpd', command: ['sh'] }, true)).toBeUndefined();
  });

  it('gives the pod annotations to the first container only', () => {
    expect(answerFor({ 'splitscope.dev/answer': 'x' }, { name: 'second', image: 'busybox' }, false)).toBeUndefined();
  });
});

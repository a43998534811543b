import { describe, expect, it } from 'vitest';
import { commandLineFor, expandReferences } from '@/lib/sandbox/runtime/pods/command';
import type { Container, Pod } from '@/lib/sandbox/runtime/shapes';

const pod: Pod = {
  metadata: { name: 'probe-1', namespace: 'default', uid: 'u-1', labels: { app: 'probe' } },
  spec: { containers: [], nodeName: 'node-a' },
  status: { podIP: '127.1.0.9' },
};

describe('container command lines', () => {
  it('expands $(VAR) from env, keeps unknown references and unescapes $$', () => {
    expect(expandReferences('$(A)-$(B)-$$(A)', { A: 'x' })).toBe('x-$(B)-$(A)');
  });

  it('runs command followed by args, with env values and downward API fields on top of the base', () => {
    const container: Container = {
      name: 'c',
      image: 'alpine',
      command: ['sh', '-c'],
      args: ['echo $(GREETING) from $(POD)'],
      env: [
        { name: 'GREETING', value: 'hello' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'GREETING2', value: '$(GREETING) again' },
      ],
    };
    const line = commandLineFor(pod, container, { PATH: '/bin', http_proxy: 'http://p' });
    expect(line?.file).toBe('sh');
    expect(line?.args).toEqual(['-c', 'echo hello from probe-1']);
    expect(line?.env).toMatchObject({ PATH: '/bin', http_proxy: 'http://p', HOSTNAME: 'probe-1', IP: '127.1.0.9', APP: 'probe', GREETING2: 'hello again' });
  });

  it('takes args alone as the command, except for images with an entrypoint', () => {
    expect(commandLineFor(pod, { name: 'c', image: 'busybox', args: ['sleep', '1'] }, {})).toMatchObject({ file: 'sleep', args: ['1'] });
    expect(commandLineFor(pod, { name: 'c', image: 'curlimages/curl:8.10.1', args: ['-s', 'http://x'] }, {})).toMatchObject({ file: 'curl', args: ['-s', 'http://x'] });
  });

  it('has no command line for a container without command and args', () => {
    expect(commandLineFor(pod, { name: 'c', image: 'httpd' }, {})).toBeUndefined();
  });
});

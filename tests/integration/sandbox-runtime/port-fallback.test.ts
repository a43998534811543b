/**
 * When a pod's own address cannot be bound (here: something else already listens on
 * port 80 of every pod IP the seed will use), answer servers fall back to ephemeral
 * ports, say so in the container's log, and the mesh still reaches them.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TEST1, SEED_TEST2, runningPod, startTestSandbox, tally, viaMesh, waitForDeployments, withinBinomialBand, type TestSandbox } from './support';

describe('answer servers on a taken port', () => {
  const squatters: Server[] = [];
  let sandbox: TestSandbox;

  beforeAll(async () => {
    for (let n = 1; n <= 12; n += 1) {
      const server = createServer((_req, res) => res.end('squatter'));
      const taken = await new Promise<boolean>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
        server.listen(80, `127.1.0.${n}`, () => resolve(true));
      });
      // Already taken (another sandbox on this machine, such as the app the integration
      // project runs, answers there): the port is just as unavailable to this sandbox.
      if (taken) squatters.push(server);
    }
    sandbox = await startTestSandbox();
    await waitForDeployments(sandbox.store, 'default', ['my-nginx', 'my-nginx-2', 'my-nginx-client']);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await Promise.all(squatters.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('says in the log where it answers instead', () => {
    const backend = runningPod(sandbox.store, 'default', 'my-nginx-2-');
    const lines = sandbox.logs.lines('default', backend?.metadata.name ?? '', 'my-nginx-2').map((l) => l.text);
    expect(lines[0]).toMatch(/could not listen on 127\.1\.0\.\d+:80 \(.*EADDRINUSE.*\); answering on 127\.1\.0\.\d+:\d+ instead/);
  });

  it('still routes the split through the mesh, never to the squatters', async () => {
    const client = runningPod(sandbox.store, 'default', 'my-nginx-client');
    const proxy = sandbox.runtime.proxyUrlFor('default', client?.metadata.name ?? '') ?? '';
    const counts = await tally(1000, () => viaMesh(proxy, 'http://my-apache-vs/'), (a) => (a.body === SEED_TEST1 ? 'test1' : a.body === SEED_TEST2 ? 'test2' : a.body));
    expect(counts.squatter).toBeUndefined();
    expect(withinBinomialBand(counts.test1 ?? 0, 1000, 0.1)).toBe(true);
  });
});

/**
 * `npm run sandbox`: runs the embedded cluster until SIGINT or SIGTERM.
 *
 *   --data-dir <dir>   default: $SPLITSCOPE_DATA_DIR or ./.splitscope
 *   --port <n>         default: the port used last time, else any free one
 *   --scenario <name>  scenario for a fresh sandbox (default: seed)
 *   --reset            forget the previous state
 *   --istio-version V  Istio version of a fresh sandbox
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      scenario: { type: 'string' },
      reset: { type: 'boolean', default: false },
      'istio-version': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: npm run sandbox -- [--data-dir DIR] [--port N] [--scenario NAME] [--reset] [--istio-version V]\n');
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`--port must be a port number, not ${values.port ?? ''}`);
  }
  const dataDir = values['data-dir'] ?? process.env.SPLITSCOPE_DATA_DIR ?? './.splitscope';
  const started = Date.now();
  const sandbox = await startSandbox({ dataDir, port, scenario: values.scenario, reset: values.reset, istioVersion: values['istio-version'] });
  process.stdout.write(
    [
      `Splitscope sandbox listening on ${sandbox.url} (started in ${Date.now() - started} ms; mesh proxy ${sandbox.runtime.meshProxyUrl})`,
      `kubeconfig: ${sandbox.kubeconfigPath}`,
      '',
      `  export KUBECONFIG=${sandbox.kubeconfigPath}`,
      '  kubectl get virtualservices -A',
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the sandbox...\n`);
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

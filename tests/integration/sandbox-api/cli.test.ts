import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'splitscope-sandbox-cli-'));

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run sandbox', () => {
  it('prints the kubeconfig export line, serves kubectl, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(process.cwd(), 'lib', 'sandbox', 'cli.ts'), '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const kubeconfig = join(dataDir, 'sandbox', 'kubeconfig');
    expect(stdout).toContain(`export KUBECONFIG=${kubeconfig}`);
    const config = readFileSync(kubeconfig, 'utf8');
    expect(config).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(config).toContain('current-context: splitscope-sandbox');
    const ns = await new Promise<string>((resolve) => {
      const kubectl = spawn('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dataDir, 'cache'), 'get', 'ns', '-o', 'name'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      kubectl.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      kubectl.on('exit', () => resolve(out));
    });
    expect(ns).toContain('namespace/default');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'sandbox', 'state.json'))).toBe(true);
  });
});

import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The README's quick start, run as a user would, on a free port. */
describe('README quick start', () => {
  it('serves the orders it records and shuts down cleanly on SIGTERM', async () => {
    const readme = await readFile(resolve(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Quick start'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBeDefined();
    const file = resolve(root, 'test/docs/.readme-quickstart.ts');
    await writeFile(file, code ?? '');
    try {
      const child = spawn(resolve(root, 'node_modules/.bin/tsx'), [file], {
        cwd: root,
        env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /metrics at (http:\/\/[^\s]+)\/metrics/.exec(output);
          if (match?.[1] !== undefined) resolveUrl(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('exit', (exitCode) => reject(new Error(`exited ${String(exitCode)} before serving: ${output}`)));
      });
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/trading_orders_total\{[^}]*trading_order_status="placed"[^}]*\} 1/);
      expect(text).toMatch(/trading_pnl_realized\{[^}]*\} -120\.5/);
      const exitCode = await new Promise<number | null>((resolveExit) => {
        child.removeAllListeners('exit');
        child.on('exit', resolveExit);
        child.kill('SIGTERM');
      });
      expect(exitCode, output).toBe(0);
    } finally {
      await rm(file, { force: true });
    }
  }, 60_000);
});

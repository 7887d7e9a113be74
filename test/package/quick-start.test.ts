import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, ensureBuilt, root, typeCheck } from '../support/built-package.js';
import { run } from '../support/processes.js';

/**
 * The README's quick start, as a new user meets it: pasted into a fresh strict TypeScript app
 * that installs the packed tarball (npm pack, unpacked into node_modules, its dependencies
 * beside it). It must compile, serve /metrics, become ready, and exit 0 on SIGTERM.
 */
describe('the README quick start, from the packed tarball', () => {
  let app: string;
  let packed: string;
  let tarball: string;

  beforeAll(async () => {
    await ensureBuilt();
    packed = await mkdtemp(join(tmpdir(), 'trading-telemetry-pack-'));
    const pack = await run('npm', ['pack', '--silent', '--pack-destination', packed, root]);
    expect(pack.code, pack.output).toBe(0);
    tarball = join(packed, pack.output.trim().split('\n').at(-1) ?? '');
    app = await consumerProject('quick-start', tarball);
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Quick start')))?.[1];
    if (code === undefined) throw new Error('README.md has no ```ts block under ## Quick start');
    await writeFile(join(app, 'main.ts'), code);
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out', noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true },
        files: ['main.ts'],
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await rm(app, { recursive: true, force: true });
    await rm(packed, { recursive: true, force: true });
  });

  it('the tarball holds what a user needs and nothing of the repository’s tests', async () => {
    const listing = await run('tar', ['-tzf', tarball]);
    const files = listing.output.split('\n');
    for (const needed of ['package/dist/index.js', 'package/dist/index.cjs', 'package/dist/index.d.ts', 'package/dist/alerting.js', 'package/dist/cli.js', 'package/dist/dashboard/assets/app.js', 'package/deploy/grafana/dashboards/trading-overview.json', 'package/README.md']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toEqual([]);
  });

  it('compiles in a strict app, serves /metrics, becomes ready, and exits 0 on SIGTERM', async () => {
    const compiled = await typeCheck(join(app, 'tsconfig.json'));
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
    const child = spawn('node', [join(app, 'out', 'main.js')], { cwd: app, env: { ...process.env, OTEL_EXPORTER_PROMETHEUS_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /metrics at (http:\/\/[^\s]+)\/metrics/.exec(output);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        void exit.then((code) => reject(new Error(`exited ${String(code)} before serving: ${output}`)));
      });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/trading_orders_total\{[^}]*trading_order_status="placed"[^}]*\} 1/);
      expect(metrics).toMatch(/trading_pnl_realized\{[^}]*\} -120\.5/);
      expect((await fetch(`${url}/health/ready`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exit, output).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});

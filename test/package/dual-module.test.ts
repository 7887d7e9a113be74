import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');

/**
 * Builds the package and uses it the way a user would: from a scratch project whose
 * node_modules/trading-telemetry points at this package, through `import` and `require`,
 * and type-checked in both module modes.
 */
describe('the built package', () => {
  let scratch: string;

  beforeAll(async () => {
    const build = await run('npm', ['run', 'build', '--prefix', root]);
    expect(build.code, build.output).toBe(0);
    scratch = await mkdtemp(join(tmpdir(), 'trading-telemetry-consumer-'));
    await mkdir(join(scratch, 'node_modules', '@opentelemetry'), { recursive: true });
    await symlink(root, join(scratch, 'node_modules', 'trading-telemetry'), 'dir');
    await symlink(join(root, 'node_modules', '@opentelemetry', 'api'), join(scratch, 'node_modules', '@opentelemetry', 'api'), 'dir');
    await symlink(join(root, 'node_modules', '@types'), join(scratch, 'node_modules', '@types'), 'dir');
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  }, 120_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const usage = `
    const orders = telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
    orders.placed();
    orders.filled();
    console.log(JSON.stringify({ placed: telemetry.snapshot().orders.placed, name: Instruments.orders.name }));
  `;

  it('works through import (ESM)', async () => {
    const file = join(scratch, 'esm.mjs');
    await writeFile(file, `import { createTradingTelemetry, Instruments } from 'trading-telemetry';\nconst telemetry = createTradingTelemetry();\n${usage}`);
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output)).toEqual({ placed: 1, name: 'trading.orders' });
  });

  it('works through require (CommonJS)', async () => {
    const file = join(scratch, 'cjs.cjs');
    await writeFile(
      file,
      `const { createTradingTelemetry, createLogger, Instruments } = require('trading-telemetry');\nconst telemetry = createTradingTelemetry();\ncreateLogger({ level: 'silent' }).info('x');\n${usage}`,
    );
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output)).toEqual({ placed: 1, name: 'trading.orders' });
  });

  it.each([
    ['esm', 'dashboard.mjs', `import { startTelemetry } from 'trading-telemetry';`],
    ['cjs', 'dashboard.cjs', `const { startTelemetry } = require('trading-telemetry');`],
  ])('serves the dashboard and its assets from the built package (%s)', async (_format, name, importLine) => {
    const file = join(scratch, name);
    await writeFile(
      file,
      `${importLine}
(async () => {
  const handle = await startTelemetry({ serviceName: 'pkg', server: { port: 0 }, env: {} });
  const statuses = [];
  for (const path of ['/', '/assets/app.js', '/assets/app.css', '/assets/uplot.js', '/api/config']) statuses.push((await fetch(handle.url + path)).status);
  console.log(JSON.stringify(statuses));
  await handle.shutdown();
})();`,
    );
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output)).toEqual([200, 200, 200, 200, 200]);
  });

  it('ships a working CLI (bin: trading-telemetry)', async () => {
    const result = await run('node', [join(root, 'dist', 'cli.js'), 'report', 'http://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.output).toContain('trading-telemetry report:');
  });

  it('ships types that resolve in both module modes and catch misuse', async () => {
    const typed = (importLine: string): string => `${importLine}
const telemetry: TradingTelemetry = createTradingTelemetry();
const orders = telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
orders.rejected('rate_limited');
// @ts-expect-error 'hold' is not a Side
telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'hold' });
// @ts-expect-error not a RejectReason
orders.rejected('bad luck');
`;
    await writeFile(join(scratch, 'typed.mts'), typed(`import { createTradingTelemetry, type TradingTelemetry } from 'trading-telemetry';`));
    await writeFile(
      join(scratch, 'typed.cts'),
      typed(`import tt = require('trading-telemetry');\nconst { createTradingTelemetry } = tt;\ntype TradingTelemetry = tt.TradingTelemetry;`),
    );
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
        files: ['typed.mts', 'typed.cts'],
      }),
    );
    const tsc = await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(scratch, 'tsconfig.json')]);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
  }, 60_000);
});

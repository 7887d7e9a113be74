import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, ensureBuilt, root, typeCheck } from '../support/built-package.js';
import { run } from '../support/processes.js';

/** The last line of `output` that parses as JSON: what the script printed, after the library's own log lines. */
function lastJson(output: string): unknown {
  const line = output.trim().split('\n').reverse().find((l) => /^[[{"]/.test(l) && !l.startsWith('{"level"'));
  return line === undefined ? undefined : JSON.parse(line);
}

/**
 * Builds the package and uses it the way a user would: from a scratch project whose
 * node_modules/trading-telemetry is this package, through `import` and `require`, every entry
 * point, and type-checked in both module modes with skipLibCheck off.
 */
describe('the built package', () => {
  let scratch: string;

  beforeAll(async () => {
    await ensureBuilt();
    scratch = await consumerProject('consumer');
  }, 180_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  const usage = `
    const orders = telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
    orders.placed();
    orders.filled();
    let sameClass = false;
    try { tradingPresets({ dailyLossLimit: -1 }); } catch (error) { sameClass = error instanceof TelemetryConfigError; }
    console.log(JSON.stringify({ placed: telemetry.snapshot().orders.placed, name: Instruments.orders.name, stages: ORDER_STAGES.length, monitor: typeof ConnectionMonitor, sameClass }));
  `;
  const expected = { placed: 1, name: 'trading.orders', stages: 9, monitor: 'function', sameClass: true };

  it('works through import (ESM), every entry point, one class across them', async () => {
    const file = join(scratch, 'esm.mjs');
    await writeFile(
      file,
      `import { createTradingTelemetry, createLogger, Instruments, TelemetryConfigError } from 'trading-telemetry';
import { tradingPresets } from 'trading-telemetry/alerting';
import { ConnectionMonitor } from 'trading-telemetry/connections';
import { ORDER_STAGES } from 'trading-telemetry/conventions';
const telemetry = createTradingTelemetry({ logger: createLogger({ level: 'silent' }) });
${usage}`,
    );
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(lastJson(result.output)).toEqual(expected);
  });

  it('works through require (CommonJS), every entry point, one class across them', async () => {
    const file = join(scratch, 'cjs.cjs');
    await writeFile(
      file,
      `const { createTradingTelemetry, createLogger, Instruments, TelemetryConfigError } = require('trading-telemetry');
const { tradingPresets } = require('trading-telemetry/alerting');
const { ConnectionMonitor } = require('trading-telemetry/connections');
const { ORDER_STAGES } = require('trading-telemetry/conventions');
const telemetry = createTradingTelemetry({ logger: createLogger({ level: 'silent' }) });
${usage}`,
    );
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(lastJson(result.output)).toEqual(expected);
  });

  it.each([
    ['esm', 'dashboard.mjs', `import { createLogger, startTelemetry } from 'trading-telemetry';\nimport { startAlerting } from 'trading-telemetry/alerting';`],
    ['cjs', 'dashboard.cjs', `const { createLogger, startTelemetry } = require('trading-telemetry');\nconst { startAlerting } = require('trading-telemetry/alerting');`],
  ])('serves the dashboard, its assets and the alerting API from the built package (%s)', async (_format, name, importLine) => {
    const file = join(scratch, name);
    await writeFile(
      file,
      `${importLine}
(async () => {
  const handle = await startTelemetry({ serviceName: 'pkg', server: { port: 0 }, env: {}, logger: createLogger({ level: 'silent' }) });
  await startAlerting(handle, { rules: [], incidents: { path: require('node:path').join(require('node:os').tmpdir(), 'pkg-incidents-' + process.pid + '.jsonl') } });
  const statuses = [];
  for (const path of ['/', '/assets/app.js', '/assets/app.css', '/assets/uplot.js', '/api/config', '/api/alerts']) statuses.push((await fetch(handle.url + path)).status);
  const config = await (await fetch(handle.url + '/api/config')).json();
  console.log(JSON.stringify({ statuses, features: config.features }));
  await handle.shutdown();
})();`.replace(/require\('node:(path|os)'\)/g, name.endsWith('.mjs') ? "(await import('node:$1'))" : "require('node:$1')"),
    );
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(lastJson(result.output)).toEqual({ statuses: [200, 200, 200, 200, 200, 200], features: ['alerting'] });
  });

  it('ships the Grafana dashboards as trading-telemetry/dashboards/*.json', async () => {
    const file = join(scratch, 'dashboards.cjs');
    await writeFile(file, `const d = require('trading-telemetry/dashboards/trading-overview.json'); console.log(JSON.stringify({ title: d.title, panels: d.panels.length > 0 }));`);
    const result = await run('node', [file]);
    expect(result.code, result.output).toBe(0);
    expect(lastJson(result.output)).toMatchObject({ panels: true });
  });

  it('ships a working CLI (bin: trading-telemetry)', async () => {
    const result = await run('node', [join(root, 'dist', 'cli.js'), 'report', 'http://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.output).toContain('trading-telemetry report:');
    expect((await run('node', [join(root, 'dist', 'cli.js'), '--help'])).code).toBe(0);
  });

  it('ships types that resolve in both module modes, for every entry point, and catch misuse', async () => {
    const typed = (importLines: string): string => `${importLines}
const telemetry: TradingTelemetry = createTradingTelemetry();
const orders = telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
orders.rejected('rate_limited');
const rules: AlertRule[] = tradingPresets({ dailyLossLimit: 1000 });
const feed: FeedOptions = { exchange: 'x', url: 'wss://example.invalid/ws', onOpen: (socket) => socket.send('{}') };
void rules; void feed;
// @ts-expect-error 'hold' is not a Side
telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'hold' });
// @ts-expect-error not a RejectReason
orders.rejected('bad luck');
`;
    await writeFile(
      join(scratch, 'typed.mts'),
      typed(`import { createTradingTelemetry, type TradingTelemetry } from 'trading-telemetry';
import { tradingPresets, type AlertRule } from 'trading-telemetry/alerting';
import type { FeedOptions } from 'trading-telemetry/connections';`),
    );
    await writeFile(
      join(scratch, 'typed.cts'),
      typed(`import tt = require('trading-telemetry');
import alerting = require('trading-telemetry/alerting');
import connections = require('trading-telemetry/connections');
const { createTradingTelemetry } = tt;
const { tradingPresets } = alerting;
type TradingTelemetry = tt.TradingTelemetry;
type AlertRule = alerting.AlertRule;
type FeedOptions = connections.FeedOptions;`),
    );
    await writeFile(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
        files: ['typed.mts', 'typed.cts'],
      }),
    );
    const tsc = await typeCheck(join(scratch, 'tsconfig.json'));
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
  }, 60_000);
});

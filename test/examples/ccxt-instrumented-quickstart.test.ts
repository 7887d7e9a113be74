import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');

/** The ccxt quick start of README.md and docs/ccxt.md (shown from this file, which the snippets test checks) runs. */
describe('the instrumented ccxt quick start', () => {
  it('traces an order through its lifecycle and serves its metrics, then exits 0', async () => {
    const { code, output } = await run('env', ['OTEL_EXPORTER_PROMETHEUS_PORT=0', 'LOG_LEVEL=warn', resolve(root, 'node_modules/.bin/tsx'), resolve(root, 'examples/ccxt/quick-start.ts')]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^[0-9a-f]{32} created → sent → acknowledged → filled$/m);
    expect(output).toMatch(/^trading_exchange_request_duration_count\{trading_exchange="binance",trading_exchange_method="createOrder",trading_outcome="ok",.*\} 1$/m);
  }, 60_000);
});

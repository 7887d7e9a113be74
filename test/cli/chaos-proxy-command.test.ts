import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { parseChaosProxyArguments } from '../../src/cli/chaos-proxy-command.js';
import { BinanceSimulator } from '../support/binance-simulator.js';
import { run } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');
const cli = resolve(root, 'src/cli/main.ts');

describe('trading-telemetry chaos --proxy', () => {
  let simulator: BinanceSimulator;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
  });
  afterAll(async () => simulator.close());

  it('prints a JSON ready line, forwards a ccxt bot to the upstream, takes faults, and stops cleanly on SIGTERM', async () => {
    const child = spawn(tsx, [cli, 'chaos', '--proxy', '--upstream', simulator.exchange.httpUrl, '--listen', '127.0.0.1:0', '--token', 'proxy-token-0123456789'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const ready = JSON.parse(line) as { proxy: string; control: string; upstream: string };
    expect(ready.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready).toMatchObject({ control: `${ready.proxy}/__chaos`, upstream: simulator.exchange.httpUrl });

    const bot = new ccxt.pro.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(ready.proxy) });
    try {
      await bot.loadMarkets();
      const headers = { 'content-type': 'application/json', authorization: 'Bearer proxy-token-0123456789' };
      const answer = await fetch(`${ready.control}/http-status`, { method: 'POST', headers, body: JSON.stringify({ status: 503, count: 1 }) });
      expect(answer.status).toBe(200);
      await expect(bot.fetchTime()).rejects.toBeInstanceOf(ccxt.ExchangeNotAvailable);
      expect(await bot.fetchTime()).toBeGreaterThan(0);
    } finally {
      await bot.close();
    }
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  });

  it('--help exits 0 and explains the proxy; a bad upstream fails with the option named', async () => {
    const help = await run(tsx, [cli, 'chaos', '--proxy', '--help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain('--upstream URL');
    expect(help.output).toContain('rate-limit-storm');
    const bad = await run(tsx, [cli, 'chaos', '--proxy', '--upstream', 'ftp://127.0.0.1:1']);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('upstream: must be http:// or https://');
  });

  it('parses --listen and the token from the environment', () => {
    expect(parseChaosProxyArguments(['--upstream', 'http://127.0.0.1:1', '--listen', '[::1]:8081'], {})).toEqual({ upstream: 'http://127.0.0.1:1', wsUpstream: undefined, host: '::1', port: 8081, token: undefined });
    expect(parseChaosProxyArguments(['--upstream', 'http://127.0.0.1:1', '--listen', '8081'], { TRADING_TELEMETRY_CHAOS_TOKEN: 't'.repeat(16) })).toMatchObject({ host: '127.0.0.1', port: 8081, token: 't'.repeat(16) });
    expect(() => parseChaosProxyArguments(['--listen', '127.0.0.1:1'], {})).toThrow(/--upstream is required/);
    expect(() => parseChaosProxyArguments(['--upstream', 'http://127.0.0.1:1', '--listen', 'nope'], {})).toThrow(/--listen must be HOST:PORT/);
    expect(() => parseChaosProxyArguments(['--upstream', 'http://127.0.0.1:1', '--bogus'], {})).toThrow(/not an option/);
  });
});

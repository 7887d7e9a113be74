import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrderKey, startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { ORDER_STAGES, ORDER_TYPES, REJECT_REASONS, SIDES, TERMINAL_STATUSES } from 'trading-telemetry/conventions';
import { anyNumber } from '../support/arbitraries.js';
import { run } from '../support/processes.js';

const RUNS = 1000;

/** Anything a JS caller might pass where a label value is expected. */
const anyLabel = fc.oneof(
  fc.constantFrom('binance', 'BTC-USDT', 'ETH/USD', 'kraken:spot', 'mm'),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ minLength: 60, maxLength: 5000 }),
  fc.constantFrom('a"b', 'a\nb', 'a\\b', 'a b', '', 'é', '💥', '{x="y"}'),
  fc.anything(),
);
function anyMember(members: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(fc.constantFrom(...members), fc.string(), fc.anything());
}
const anyKey = fc.record(
  { exchange: anyLabel, symbol: anyLabel, side: anyMember(SIDES), orderType: anyMember(ORDER_TYPES), strategy: anyLabel },
  { requiredKeys: [] },
);
const validLabel = /^[A-Za-z0-9_.:/@+-]{1,64}$/;
function isValidKey(key: Record<string, unknown>): boolean {
  const label = (v: unknown): boolean => typeof v === 'string' && validLabel.test(v);
  return (
    label(key.exchange) &&
    label(key.symbol) &&
    (SIDES as readonly unknown[]).includes(key.side) &&
    (key.orderType === undefined || (ORDER_TYPES as readonly unknown[]).includes(key.orderType)) &&
    (key.strategy === undefined || label(key.strategy))
  );
}
const isCount = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;

describe('every metrics API under arbitrary input (fast-check, 1000 runs each)', () => {
  let handle: TelemetryHandle;
  beforeAll(async () => {
    handle = await startTelemetry({ serviceName: 'properties', server: { port: 0 }, runtimeMetrics: false, env: {} });
  });
  afterAll(async () => handle.shutdown());

  it('orders.for(key) and every bound method: never throw; only valid input is counted', () => {
    let expectedPlaced = handle.telemetry.snapshot().orders.placed;
    fc.assert(
      fc.property(anyKey, anyNumber, anyMember(REJECT_REASONS), anyMember(ORDER_STAGES), anyMember(TERMINAL_STATUSES), (key, n, reason, stage, status) => {
        const orders = handle.telemetry.orders.for(key as unknown as OrderKey);
        orders.placed(n as number);
        orders.partiallyFilled(n as number);
        orders.filled(n as number);
        orders.cancelled(n as number);
        orders.expired(n as number);
        orders.rejected(reason as 'other', n as number);
        orders.trade(n as number);
        orders.slippage(n as number);
        orders.fillRatio(n as number);
        orders.stageDuration(stage as 'sent', n as number);
        orders.orderDuration(status as 'filled', n as number);
        // placed(count?: number): an undefined count is no count given, which is one.
        const placed = n === undefined ? 1 : n;
        if (isValidKey(key) && isCount(placed)) expectedPlaced += placed as number;
        expect(handle.telemetry.snapshot().orders.placed).toBe(expectedPlaced);
      }),
      { numRuns: RUNS },
    );
  });

  it('portfolio setters: never throw; a refused value never replaces the last good one', () => {
    fc.assert(
      fc.property(anyLabel, anyLabel, anyNumber, anyLabel, (exchange, symbol, value, strategy) => {
        const p = handle.telemetry.portfolio;
        p.setPosition(exchange as string, symbol as string, value as number);
        p.setBalance(exchange as string, symbol as string, value as number);
        p.setPnl({ realized: value as number, unrealized: value as number, strategy: strategy as string });
        p.setPnl({ realized: value as number });
        p.setPnl(value as never);
        for (const position of p.positions()) expect(Number.isFinite(position.size)).toBe(true);
        expect(Number.isFinite(p.pnl().total)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('market data: never throws, for any feed or connection update', () => {
    fc.assert(
      fc.property(anyLabel, anyLabel, anyNumber, fc.anything(), (exchange, symbol, count, connected) => {
        handle.telemetry.marketData.for(exchange as string, symbol as string).message(count as number);
        handle.telemetry.marketData.setConnected(exchange as string, connected as boolean);
      }),
      { numRuns: RUNS },
    );
  });

  it('snapshot() stays JSON-serialisable with finite numbers after all of that', () => {
    const snapshot = handle.telemetry.snapshot();
    const json = JSON.stringify(snapshot);
    expect(JSON.parse(json)).toEqual(snapshot);
    expect(snapshot.telemetry.rejectedMeasurements).toBeGreaterThan(0);
  });

  it('/metrics after all of that passes promtool check metrics, with no refused label value in it', async () => {
    const text = await (await fetch(`${handle.url}/metrics`)).text();
    const result = await run('promtool', ['check', 'metrics'], text);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
    for (const [, , value] of text.matchAll(/(trading_(?:exchange|symbol|strategy|asset))="((?:[^"\\]|\\.)*)"/g)) {
      expect(value).toMatch(validLabel);
    }
  }, 60_000);
});

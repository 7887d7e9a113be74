import { afterEach, describe, expect, it } from 'vitest';
import { type BotProcess, eventually, sample, startBotProcess, total } from '../support/bot-process.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { run } from '../support/processes.js';

const metrics = async (bot: BotProcess): Promise<string> => (await fetch(`${bot.url}/metrics`)).text();

describe('npm start: the instrumented example bot end to end', () => {
  let bot: BotProcess | undefined;
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await bot?.stop(1000);
    await receiver?.close();
  });

  it('trades, exposes clean /metrics, exports complete lifecycles whose correlation ids its logs carry, and exits 0 after draining', async () => {
    receiver = await OtlpReceiver.start();
    bot = await startBotProcess(['--duration', '10', '--port', '0', '--rate', '20', '--keep-traces', 'all'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    const running = bot;

    const text = await eventually(async () => {
      const body = await metrics(running);
      return total(body, 'trading_orders_total', { trading_order_status: 'filled' }) > 5 ? body : undefined;
    }, 'filled orders');
    expect(total(text, 'trading_orders_total', { trading_order_status: 'placed' })).toBeGreaterThan(5);
    expect(text).toMatch(/trading_order_stage_duration_bucket\{[^}]*trading_order_stage="acknowledged"/);
    expect(text).toMatch(/trading_order_duration_bucket\{[^}]*trading_order_status="filled"/);
    expect(text).toMatch(/trading_market_data_latency_bucket\{/);
    expect(sample(text, 'trading_pnl_realized', { trading_strategy: 'mean-reversion' })).toBeTypeOf('number');
    expect(sample(text, 'trading_pnl_unrealized', { trading_strategy: 'mean-reversion' })).toBeTypeOf('number');
    expect(text).toMatch(/trading_position_size\{[^}]*trading_symbol="BTC\/USDT"/);
    expect(sample(text, 'trading_exchange_connected', { trading_exchange: 'binance' })).toBe(1);
    // The instrumented ccxt client: its calls, book streams and rate-limit headers.
    expect(sample(text, 'trading_exchange_request_duration_count', { trading_exchange_method: 'createOrder', trading_outcome: 'ok' })).toBeGreaterThan(5);
    expect(sample(text, 'trading_exchange_stream_messages_total', { trading_stream: 'order_book', trading_symbol: 'BTC/USDT' })).toBeGreaterThan(5);
    expect(sample(text, 'trading_exchange_rate_limit_used', { trading_rate_limit: 'request_weight_1m' })).toBeGreaterThan(0);
    const promtool = await run('promtool', ['check', 'metrics'], text);
    expect(promtool.output).toBe('');
    expect(promtool.code).toBe(0);
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);

    expect(await running.exit).toBe(0);

    // Complete lifecycles reached the collector, with no lifecycle code in the bot: a lifecycle
    // span with an event per stage, the ccxt call as its child and the HTTP request under that.
    const spans = receiver.spans;
    const filled = spans.filter((s) => s.name === 'order.lifecycle' && s.attributes['trading.order.status'] === 'filled');
    expect(filled.length).toBeGreaterThan(5);
    for (const lifecycle of filled.slice(0, 5)) {
      const stages = lifecycle.events.map((e) => e.name);
      expect(stages, JSON.stringify(stages)).toEqual(expect.arrayContaining(['order.sent', 'order.acknowledged', 'order.filled']));
      const call = spans.find((s) => s.parentSpanId === lifecycle.spanId && s.name === 'ccxt.createOrder');
      expect(call?.attributes['trading.correlation_id']).toBe(lifecycle.attributes['trading.correlation_id']);
      expect(spans.filter((s) => s.parentSpanId === call?.spanId).map((s) => s.name)).toEqual(['POST /api/v3/order']);
      expect(lifecycle.serviceName).toBe('example-trading-bot');
    }
    // The bot's log lines about orders carry their correlation ids, which find their traces.
    const exported = new Set(spans.map((s) => s.attributes['trading.correlation_id']));
    const logged = running.lines.filter((l) => l.msg === 'order finished' && typeof l.correlation_id === 'string');
    expect(logged.length).toBeGreaterThan(5);
    for (const line of logged) expect(exported.has(String(line.correlation_id)), String(line.correlation_id)).toBe(true);
    expect(running.lines.some((l) => l.msg === 'open orders cancelled')).toBe(true);
  }, 90_000);

  it('an exchange outage shows in health and metrics; the bot reconnects and carries on trading', async () => {
    bot = await startBotProcess(['--duration', '15', '--port', '0', '--rate', '20']);
    const running = bot;
    await eventually(async () => ((await fetch(`${running.url}/health/ready`)).status === 200 ? true : undefined), 'ready');
    const before = total(await metrics(running), 'trading_orders_total', { trading_order_status: 'placed' });

    await fetch(`${running.control}/outage?millis=2500`, { method: 'POST' });
    await eventually(async () => (sample(await metrics(running), 'trading_exchange_connected', { trading_exchange: 'binance' }) === 0 ? true : undefined), 'disconnected gauge');
    const during = (await (await fetch(`${running.url}/health`)).json()) as { checks: { name: string; status: string; reason: string }[] };
    const check = during.checks.find((c) => c.name === 'exchange:binance');
    expect(check?.status).toBe('unhealthy');
    expect(check?.reason).toContain('binance: disconnected');
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(503);

    await eventually(async () => {
      const text = await metrics(running);
      return sample(text, 'trading_exchange_connected', { trading_exchange: 'binance' }) === 1 && (sample(text, 'trading_exchange_reconnects_total', { trading_exchange: 'binance' }) ?? 0) >= 1 ? true : undefined;
    }, 'reconnected');
    await eventually(async () => ((await fetch(`${running.url}/health/ready`)).status === 200 ? true : undefined), 'ready again');
    await eventually(async () => (total(await metrics(running), 'trading_orders_total', { trading_order_status: 'filled' }) > before ? true : undefined), 'trading after reconnect');
    expect(await running.exit).toBe(0);
  }, 90_000);
});

/**
 * The strategy process of the distributed example: decides to trade, tracks each order's
 * lifecycle, and sends it to the execution gateway over HTTP with the trace context and
 * the correlation id in the headers (`inject`). Exits when its orders are done.
 *
 *   GATEWAY_URL=http://127.0.0.1:PORT OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
 *     npx tsx examples/distributed/strategy.ts --orders 3
 */
import { SpanKind } from '@opentelemetry/api';
import { createLogger, inject, startTelemetry, traced } from 'trading-telemetry';

const gatewayUrl = process.env.GATEWAY_URL;
if (gatewayUrl === undefined) throw new Error('GATEWAY_URL must point at the execution gateway (see gateway.ts)');
const orderCount = Number(process.argv[process.argv.indexOf('--orders') + 1] ?? 3) || 3;

const { telemetry, shutdown } = await startTelemetry({ serviceName: 'strategy', server: false });
const log = createLogger({ component: 'strategy' });

/** Sends one order to the gateway; the span is the client side of the cross-process call. */
const submit = traced(
  'gateway.submit',
  async (order: { symbol: string; quantity: number; price: number }) => {
    const response = await fetch(`${gatewayUrl}/orders`, {
      method: 'POST',
      headers: inject({ 'content-type': 'application/json' }),
      body: JSON.stringify(order),
    });
    return (await response.json()) as { exchangeOrderId: string; fillPrice: number };
  },
  { kind: SpanKind.CLIENT },
);

for (let i = 1; i <= orderCount; i++) {
  const intent = { exchange: 'sim', symbol: 'BTC-USD', side: 'buy', quantity: 0.1, price: 50_000 + i, clientOrderId: `strategy-${i}` } as const;
  const order = telemetry.orders.track(intent);
  order.riskChecked();
  const result = await order.run(() => submit({ symbol: intent.symbol, quantity: intent.quantity, price: intent.price }));
  order.sent();
  order.acknowledged({ exchangeOrderId: result.exchangeOrderId });
  order.filled({ price: result.fillPrice });
  order.run(() => log.info({ exchangeOrderId: result.exchangeOrderId }, 'order filled'));
}

await shutdown();

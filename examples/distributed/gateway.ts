/**
 * The execution gateway of the distributed example: an HTTP service on 127.0.0.1 that
 * receives orders from the strategy process and "executes" them. It continues the
 * strategy's trace from the W3C `traceparent` and `baggage` headers, so one order is one
 * trace across both processes, with the correlation id on both sides.
 *
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npx tsx examples/distributed/gateway.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind } from '@opentelemetry/api';
import { correlationIdOf, createLogger, extract, startTelemetry, withSpan } from 'trading-telemetry';

const telemetry = await startTelemetry({ serviceName: 'execution-gateway', server: false });
const log = createLogger({ component: 'gateway' });
let nextExchangeOrderId = 1;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    // Continue the caller's trace: its span becomes our parent, its baggage our baggage.
    void context.with(extract(req.headers), () =>
      withSpan(
        'gateway.execute',
        async (span) => {
          const order = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { symbol: string; quantity: number; price: number };
          span.setAttribute('trading.symbol', order.symbol);
          await new Promise((resolve) => setTimeout(resolve, 5)); // the exchange round trip
          const exchangeOrderId = `EX-${nextExchangeOrderId++}`;
          log.info({ exchangeOrderId, correlationId: correlationIdOf() }, 'order executed');
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ exchangeOrderId, fillPrice: order.price + 0.5 }));
        },
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'POST', 'url.path': req.url ?? '/' } },
      ),
    );
  });
});

server.listen(Number(process.env.GATEWAY_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // One machine-readable line so scripts and tests can find the port.
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}` }));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    void telemetry.shutdown().then(() => process.exit(0));
  });
}

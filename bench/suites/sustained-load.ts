import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger, startTelemetry } from 'trading-telemetry';
import { BENCH_INTENT, benchOrder } from './bench-order.js';

/** What a sustained run achieved. */
export interface SustainedResult {
  readonly seconds: number;
  readonly ordersPerSecond: number;
  readonly eventLoopP99Millis: number;
  /** RSS once per second, MiB. */
  readonly rssMiB: readonly number[];
  readonly spansExported: number;
  readonly spansDropped: number;
}

/** An OTLP/HTTP sink in its own process, so receiving costs the measured core nothing. */
async function startSink(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', `
    const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.end('{}')); });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/**
 * Full order instrumentation (track → sent → acknowledged → filled, one log line) as fast as
 * one core allows for `seconds`, in chunks of 50 orders per macrotask so the event loop keeps
 * turning, with startTelemetry's real pipeline exporting spans over OTLP to a sink process.
 */
export async function runSustainedLoad(seconds: number): Promise<SustainedResult> {
  const sink = await startSink();
  const handle = await startTelemetry({ serviceName: 'bench-sustained', server: false, otlp: { endpoint: sink.url }, runtimeMetrics: false, env: {} });
  const log = createLogger({ level: 'info', otel: false, destination: { write: () => undefined }, env: {} });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage.rss() / 1024 / 1024), 1000);
  let orders = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await new Promise<void>((resolve) => {
    const chunk = (): void => {
      for (let i = 0; i < 50; i++) {
        const order = handle.telemetry.orders.track(benchOrder(`o-${++orders}`));
        order.sent().acknowledged().filled({ price: 50_001 });
        order.run(() => log.info({ symbol: BENCH_INTENT.symbol }, 'order filled'));
      }
      if (performance.now() < deadline) setImmediate(chunk);
      else resolve();
    };
    setImmediate(chunk);
  });
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  loop.disable();
  const exportHealth = handle.exportHealth().find((h) => h.signal === 'traces');
  await handle.shutdown();
  sink.stop();
  return {
    seconds: elapsed,
    ordersPerSecond: orders / elapsed,
    eventLoopP99Millis: loop.percentile(99) / 1e6,
    rssMiB: rss.map((m) => Math.round(m)),
    spansExported: exportHealth?.exported ?? 0,
    spansDropped: Object.values(exportHealth?.dropped ?? {}).reduce((sum, n) => sum + n, 0),
  };
}

/** The result as the bench prints it. */
export function formatSustained(result: SustainedResult): string {
  return [
    '\n## Sustained load (one core, full instrumentation, OTLP export active)',
    `orders/s            ${Math.round(result.ordersPerSecond).toLocaleString('en-US')}  (target ≥ 20,000: ${result.ordersPerSecond >= 20_000 ? 'met' : 'MISSED'})`,
    `event-loop p99      ${result.eventLoopP99Millis.toFixed(2)} ms  (target < 10 ms: ${result.eventLoopP99Millis < 10 ? 'met' : 'MISSED'})`,
    `RSS per second MiB  ${result.rssMiB.join(' ')}`,
    `spans exported      ${result.spansExported.toLocaleString('en-US')}, dropped ${result.spansDropped.toLocaleString('en-US')}`,
  ].join('\n');
}

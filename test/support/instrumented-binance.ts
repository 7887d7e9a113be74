import { Writable } from 'node:stream';
import { createLogger, type StartTelemetryOptions, startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { type InstrumentExchangeOptions, instrumentExchange } from 'trading-telemetry/ccxt';
import type { SimulatedExchangeOptions } from '../../examples/simulated-exchange/simulated-exchange.js';
import { BinanceSimulator, type ProBinance } from './binance-simulator.js';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

/** One sample of a Prometheus text exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Every sample of a `/metrics` text. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * Telemetry as a bot runs it (startTelemetry with its server, OTLP traces to a receiver on
 * 127.0.0.1, JSON log lines captured), the Binance simulator, and real ccxt.pro clients
 * pointed at it and instrumented on that telemetry.
 */
export class InstrumentedBinance {
  readonly handle: TelemetryHandle;
  readonly simulator: BinanceSimulator;
  readonly receiver: OtlpReceiver;
  /** Every log line written, library and bot loggers alike. */
  readonly logLines: string[];

  private constructor(handle: TelemetryHandle, simulator: BinanceSimulator, receiver: OtlpReceiver, logLines: string[]) {
    this.handle = handle;
    this.simulator = simulator;
    this.receiver = receiver;
    this.logLines = logLines;
  }

  /** `orders` as startTelemetry takes it: a test that reads each order's trace keeps them all (`{ keep: 'all' }`). */
  static async start(options: { simulator?: SimulatedExchangeOptions; orders?: StartTelemetryOptions['orders'] } = {}): Promise<InstrumentedBinance> {
    const receiver = await OtlpReceiver.start();
    const logLines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ destination, level: 'debug', env: {} });
    // No render cache: each test reads /metrics right after what it measures.
    const handle = await startTelemetry({ serviceName: 'ccxt-instrumentation-test', server: { port: 0, metricsCacheMillis: 0 }, otlp: { endpoint: receiver.url }, runtimeMetrics: false, env: {}, logger, ...(options.orders === undefined ? {} : { orders: options.orders }) });
    const simulator = await BinanceSimulator.start(options.simulator);
    return new InstrumentedBinance(handle, simulator, receiver, logLines);
  }

  /** A ccxt.pro.binance on the simulator, instrumented on the handle. */
  client(config: Parameters<BinanceSimulator['client']>[0] = {}, options: InstrumentExchangeOptions = {}): ProBinance {
    return instrumentExchange(this.simulator.client(config), this.handle, options);
  }

  /** The text of the handle's `/metrics`. */
  async metricsText(): Promise<string> {
    return (await fetch(`${this.handle.url ?? ''}/metrics`)).text();
  }

  /** The value of the one sample of `name` whose labels include `labels`, or undefined. */
  async sample(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const matching = parseSamples(await this.metricsText()).filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
    if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return matching[0]?.value;
  }

  /** Every span exported so far (flushed first). */
  async spans(): Promise<ReceivedSpan[]> {
    await this.handle.forceFlush();
    return this.receiver.spans;
  }

  async close(): Promise<void> {
    await this.simulator.close();
    await this.handle.shutdown('test done');
    await this.receiver.close();
  }
}

import ccxt from 'ccxt';
import { createTradingTelemetry, SeriesProducer } from 'trading-telemetry';
import { instrumentExchange } from 'trading-telemetry/ccxt';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { SimulatedExchange } from '../../examples/simulated-exchange/simulated-exchange.js';
import type { Suite } from '../harness.js';
import { sdkProviders, tailKeptTelemetry } from './sdk-providers.js';

/** A suite that holds a running simulated exchange until `close()`. */
export interface LiveSuite {
  readonly suite: Suite;
  close(): Promise<void>;
}

type Binance = InstanceType<typeof ccxt.binance>;

/**
 * The cost `instrumentExchange` adds to a `createOrder` round trip: the real ccxt.binance
 * placing a market order (buy and sell in turn, so balances hold) against the simulated
 * exchange on 127.0.0.1 (in this process, no added latency), uninstrumented and instrumented
 * on a facade over real SDK providers (batched spans to a discarding exporter, the Prometheus
 * reader with the fast path, as startTelemetry has them). Each with ccxt's throttler on (its
 * default: each order waits its 10 ms turn) and off (the bare round trip, where the
 * instrumentation's share is largest); the bare one also under tail-kept traces, as
 * startTelemetry keeps them by default.
 */
export async function ccxtCreateOrderSuite(): Promise<LiveSuite> {
  const simulator = new SimulatedExchange({ latency: { baseMillis: 0, jitterMeanMillis: 0 }, binance: { weightBudget: { limit: 1e9, banAfter: 1e9, banSeconds: 1 } } });
  await simulator.start();
  const seriesProducer = new SeriesProducer();
  const telemetry = createTradingTelemetry({ ...sdkProviders(seriesProducer), seriesProducer });
  // startTelemetry's default keep policy, with nothing kept for a low rate: a routine order, its
  // ccxt.createOrder and request spans are held while it runs and dropped when it ends.
  const tailKept = tailKeptTelemetry({ keepAllBelowPerSecond: 0 });
  const client = (enableRateLimit: boolean): Binance => new ccxt.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(simulator.httpUrl), enableRateLimit });
  const exchanges = {
    plainThrottled: client(true),
    instrumentedThrottled: instrumentExchange(client(true), telemetry, { health: false }),
    plain: client(false),
    instrumented: instrumentExchange(client(false), telemetry, { health: false }),
    instrumentedTailKept: instrumentExchange(client(false), tailKept.telemetry, { health: false }),
  };
  for (const exchange of Object.values(exchanges)) await exchange.loadMarkets();
  const roundTrip = (exchange: Binance): (() => Promise<void>) => {
    let buy = true;
    return async () => {
      await exchange.createOrder('BTC/USDT', 'market', buy ? 'buy' : 'sell', 0.001);
      buy = !buy;
    };
  };
  const suite: Suite = {
    title: 'ccxt createOrder round trip against the local simulator: instrumentExchange vs none',
    cases: [
      { name: 'ccxt, throttler on', fn: roundTrip(exchanges.plainThrottled) },
      { name: 'ccxt + instrumentExchange, throttler on', fn: roundTrip(exchanges.instrumentedThrottled) },
      { name: 'ccxt, throttler off', fn: roundTrip(exchanges.plain) },
      { name: 'ccxt + instrumentExchange, throttler off', fn: roundTrip(exchanges.instrumented) },
      { name: 'ccxt + instrumentExchange, throttler off, tail-kept traces', fn: roundTrip(exchanges.instrumentedTailKept) },
    ],
    ratios: [
      ['ccxt + instrumentExchange, throttler on', 'ccxt, throttler on'],
      ['ccxt + instrumentExchange, throttler off', 'ccxt, throttler off'],
      ['ccxt + instrumentExchange, throttler off, tail-kept traces', 'ccxt, throttler off'],
    ],
    targets: {
      'ccxt + instrumentExchange, throttler on / ccxt, throttler on': 1.05,
      'ccxt + instrumentExchange, throttler off / ccxt, throttler off': 1.05,
      'ccxt + instrumentExchange, throttler off, tail-kept traces / ccxt, throttler off': 1.05,
    },
  };
  return {
    suite,
    close: async () => {
      telemetry.close();
      tailKept.telemetry.close();
      await simulator.stop();
    },
  };
}

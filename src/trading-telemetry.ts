import { metrics, type MeterProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { z } from 'zod';
import { DEFAULT_CARDINALITY_LIMIT, SCOPE_NAME } from './conventions.js';
import { createLogger } from './logging/create-logger.js';
import { type TelemetryLogger, telemetryLoggerSchema } from './telemetry-logger.js';
import type { BoundOrderMetrics, OrderTotals } from './metrics/bound-order-metrics.js';
import { type HistogramData, histogramData } from './metrics/histogram-data.js';
import type { SeriesProducer } from './metrics/series-producer.js';
import type { FamilyContext } from './metrics/instrument-families.js';
import { type Clock, MarketDataMetrics } from './metrics/market-data-metrics.js';
import { MeasurementGuard } from './metrics/measurement-guard.js';
import type { OrderKey } from './metrics/order-key.js';
import { OrderMetrics } from './metrics/order-metrics.js';
import { PortfolioMetrics } from './metrics/portfolio-metrics.js';
import { ratio, type SlippageSummary, type TelemetrySnapshot } from './metrics/snapshot.js';
import { epochClock } from './tracing/epoch-clock.js';
import { LifecycleErrors } from './tracing/lifecycle-errors.js';
import type { OrderIntent, OrderSummary } from './tracing/order-intent.js';
import type { OrderTrace } from './tracing/order-trace.js';
import { OrderTracker, type StageUpdate } from './tracing/order-tracker.js';
import { orderTrackerFields, type OrderTrackerOptions, withOrderDefaults } from './tracing/order-tracker-options.js';
import { fn, hasMethods, instance, parseOptions, schemaOf } from './validation/parse-options.js';
import type { StageReport } from './tracing/stage-report.js';
import { KeepPolicy } from './tracing/keep-policy.js';
import type { ResolvedKeepPolicy } from './tracing/keep-policy-options.js';
import type { OrderSpanPipeline } from './tracing/order-span-processor.js';
import { RANDOM_IDS, type TraceIdSource } from './tracing/trace-ids.js';
import { VERSION } from './version.js';

function slippageSummary(orders: OrderMetrics): SlippageSummary | null {
  const adverse = orders.slippage('adverse');
  const favorable = orders.slippage('favorable');
  const count = adverse.count + favorable.count;
  if (count === 0) return null;
  return {
    count,
    meanBps: (adverse.sum - favorable.sum) / count,
    adverseShare: adverse.count / count,
    p95AdverseBps: adverse.count === 0 ? 0 : adverse.quantile(0.95),
  };
}

/** Options of {@link createTradingTelemetry}. */
export interface TradingTelemetryOptions extends OrderTrackerOptions {
  /** Where instruments are created. Defaults to the global MeterProvider (a no-op until an SDK registers one). */
  readonly meterProvider?: MeterProvider;
  /** Where order spans are created. Defaults to the global TracerProvider. */
  readonly tracerProvider?: TracerProvider;
  /** Distinct attribute sets one instrument may hold before new ones fold into an overflow series. Default 2000. */
  readonly cardinalityLimit?: number;
  /** Wall clock in milliseconds since the epoch. Defaults to `Date.now`; tests inject their own. */
  readonly clock?: Clock;
  /**
   * The fast path: counters, gauges and histograms export through this producer, which must be
   * attached to the provider's readers (`metricProducers`), instead of SDK instruments.
   * startTelemetry sets it up; without it, they go through `meterProvider` like any OTel metric.
   */
  readonly seriesProducer?: SeriesProducer;
  /** Where refused measurements are reported (the first per instrument and reason). Default `createLogger({ component: 'trading-telemetry' })`. */
  readonly logger?: TelemetryLogger;
}

/** The strict schema of {@link TradingTelemetryOptions}. */
const optionsSchema = schemaOf<TradingTelemetryOptions>()(z.strictObject({
  ...orderTrackerFields,
  meterProvider: instance<MeterProvider>('a MeterProvider (with getMeter)', hasMethods('getMeter')).optional(),
  tracerProvider: instance<TracerProvider>('a TracerProvider (with getTracer)', hasMethods('getTracer')).optional(),
  cardinalityLimit: z.number().int().positive().optional(),
  clock: fn<Clock>().optional(),
  seriesProducer: instance<SeriesProducer>('the SeriesProducer attached to your readers', hasMethods('register', 'collect')).optional(),
  logger: telemetryLoggerSchema.optional(),
  // Not an option here: named so the error says why and where it is one.
  keep: z
    .never({ error: 'tail-kept order traces need the span pipeline startTelemetry builds: startTelemetry({ orders: { keep } }). Over your own TracerProvider every order has its SDK span, sampled by your sampler' })
    .optional(),
}));

/** Orders: metrics per order stream, and the traced lifecycle of each order. */
export interface OrdersTelemetry {
  /** Resolves an order stream's labels once; the handle only records counters and histograms. */
  for(key: OrderKey): BoundOrderMetrics;
  /** Starts tracing one order (and counts it as placed); see {@link OrderTrace}. */
  track(intent: OrderIntent): OrderTrace;
  /** The open order with this correlation id (by default the active one). */
  get(correlationId?: string): OrderTrace | undefined;
  /** Reports a stage for an open order by correlation id (late fills from a WebSocket, ...). */
  update(correlationId: string | undefined, update: StageUpdate): void;
  /** Open orders, oldest first. */
  open(): OrderSummary[];
  /** Recently finished orders, newest first. */
  recent(limit?: number): OrderSummary[];
  /** An open or recently finished order by correlation id. */
  find(correlationId: string): OrderSummary | undefined;
  /** Per-stage p50/p95/p99 and the dominant stage: where order time goes. */
  stageReport(): StageReport;
  /** Order totals across every stream. */
  totals(): OrderTotals;
  /** Cumulative order durations (creation to terminal status) as histogram data, in seconds. */
  latencyHistogram(): HistogramData;
  /**
   * Cumulative exchange round trips (order sent → acknowledged) as histogram data, in seconds:
   * the latency the exchange and the network add, free of how long an order rests in the book.
   */
  ackLatencyHistogram(): HistogramData;
}


/**
 * The trading telemetry facade: typed, validated, and safe on the hot path. Nothing here
 * throws into trading code; refused input is counted in `trading.telemetry.*` metrics.
 */
export interface TradingTelemetry {
  /** Order counters and latency per stream, and order lifecycle traces. */
  readonly orders: OrdersTelemetry;
  /** Positions, balances and P&L gauges. */
  readonly portfolio: PortfolioMetrics;
  /** Market-data message counts, staleness and exchange connection state. */
  readonly marketData: MarketDataMetrics;
  /** The in-process view: totals, rates, latency percentiles, P&L, connections. */
  snapshot(): TelemetrySnapshot;
  /** Stops background timers (the order timeout sweeper). Recording keeps working. */
  close(): void;
}

/**
 * What a facade keeps out of its public type, for the parts that instrument exchange clients
 * on top of it (`trading-telemetry/ccxt`): its instrument context (so their series share the
 * facade's fast path, cardinality limit and refused-measurement accounting), its tracer, its
 * library logger and its clock.
 */
export interface FacadeInternals {
  readonly families: FamilyContext;
  readonly tracer: Tracer;
  readonly logger: TelemetryLogger;
  readonly clock: Clock;
}

const facadeInternals = new WeakMap<object, FacadeInternals>();

/** The internals of a facade {@link createTradingTelemetry} built, or undefined for anything else. */
export function facadeInternalsOf(telemetry: object): FacadeInternals | undefined {
  return facadeInternals.get(telemetry);
}

/**
 * What startTelemetry hands the facade for tail-kept order traces (no public option: the span
 * pipeline is the one it builds): the keep policy, the pipeline, and where ids come from.
 */
export interface TailTracing {
  readonly keep: ResolvedKeepPolicy;
  readonly pipeline: OrderSpanPipeline;
  /** Random by default; tests pass a deterministic source. */
  readonly ids?: TraceIdSource;
}

/**
 * Builds the facade over any MeterProvider: the global one by default, so a process that
 * runs its own OpenTelemetry SDK (2.x or 3.x) can use it without {@link startTelemetry}.
 * Each order's span is an SDK span from its start, sampled by the provider's sampler.
 *
 * @throws TelemetryConfigError naming the option when one is unknown or unusable.
 */
export function createTradingTelemetry(given: TradingTelemetryOptions = {}): TradingTelemetry {
  return buildTradingTelemetry(parseOptions(optionsSchema, given), undefined);
}

/** The facade over validated `options`; with `tail`, order traces are tail-kept in its pipeline. */
export function buildTradingTelemetry(options: TradingTelemetryOptions, tail: TailTracing | undefined): TradingTelemetry {
  const cardinalityLimit = options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT;
  const clock = options.clock ?? Date.now;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE_NAME, VERSION);
  const logger = options.logger ?? createLogger({ component: SCOPE_NAME });
  const guard = new MeasurementGuard(meter, logger);
  const ctx: FamilyContext = { meter, guard, cardinalityLimit, ...(options.seriesProducer === undefined ? {} : { seriesProducer: options.seriesProducer }) };
  const orderMetrics = new OrderMetrics(ctx);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE_NAME, VERSION);
  const tracker = new OrderTracker(
    {
      tracer,
      metrics: orderMetrics,
      errors: new LifecycleErrors(meter, logger),
      guard,
      now: epochClock(),
      ...(tail === undefined ? {} : { tail: { policy: new KeepPolicy(tail.keep), pipeline: tail.pipeline, ids: tail.ids ?? RANDOM_IDS } }),
    },
    withOrderDefaults(options),
  );
  const orders: OrdersTelemetry = {
    for: (key) => orderMetrics.for(key),
    track: (intent) => tracker.track(intent),
    get: (correlationId) => tracker.get(correlationId),
    update: (correlationId, update) => tracker.update(correlationId, update),
    open: () => tracker.open(),
    recent: (limit) => tracker.recent(limit),
    find: (correlationId) => tracker.find(correlationId),
    stageReport: () => tracker.stageReport(),
    totals: () => orderMetrics.totals(),
    latencyHistogram: () => histogramData(orderMetrics.orderDurations()),
    ackLatencyHistogram: () => histogramData(orderMetrics.stageDurations('acknowledged')),
  };
  const portfolio = new PortfolioMetrics(ctx);
  const marketData = new MarketDataMetrics(ctx, clock);
  const startedAt = clock();

  const facade: TradingTelemetry = {
    orders,
    portfolio,
    marketData,
    snapshot(): TelemetrySnapshot {
      const now = clock();
      const totals = orderMetrics.totals();
      const exchanges = marketData.exchanges();
      return {
        timestamp: now,
        uptimeSeconds: (now - startedAt) / 1000,
        connected: exchanges.every((e) => e.connected),
        orders: totals,
        fillRate: ratio(totals.filled, totals.placed),
        rejectionRate: ratio(totals.rejected, totals.placed),
        latency: orderMetrics.orderDurations().summary() ?? null,
        slippage: slippageSummary(orderMetrics),
        pnl: portfolio.pnl(),
        positions: portfolio.positions(),
        balances: portfolio.balances(),
        exchanges,
        telemetry: { rejectedMeasurements: guard.rejectedTotal(), cardinalityOverflow: guard.overflowTotal() },
      };
    },
    close: () => tracker.close(),
  };
  facadeInternals.set(facade, { families: ctx, tracer, logger, clock });
  return facade;
}

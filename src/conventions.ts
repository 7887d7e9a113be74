/**
 * Trading semantic conventions: the one place that names every instrument, attribute,
 * unit and bucket layout this package emits. docs/conventions.md is generated from the
 * same facts and a test keeps the two in step.
 *
 * Names follow OpenTelemetry style (dot-separated, no unit in the name); units are UCUM.
 * The Prometheus name each one gets at `/metrics` is listed in docs/conventions.md.
 */

/** Attribute keys of the closed trading attribute set. Nothing else becomes a metric label. */
export const Attr = {
  exchange: 'trading.exchange',
  symbol: 'trading.symbol',
  side: 'trading.side',
  orderType: 'trading.order.type',
  orderStatus: 'trading.order.status',
  orderStage: 'trading.order.stage',
  strategy: 'trading.strategy',
  rejectReason: 'trading.reject_reason',
  asset: 'trading.asset',
  /** `adverse` (worse than expected) or `favorable` (price improvement); see the slippage histogram. */
  slippageDirection: 'trading.slippage.direction',
  /** Span attribute and baggage key only: never a metric label (unbounded cardinality). */
  correlationId: 'trading.correlation_id',
  /** The exchange client's unified method (ccxt's `createOrder`, `fetchBalance`, …). */
  exchangeMethod: 'trading.exchange.method',
  /** How an exchange call ended: `ok`, or the exchange client's error class (ccxt's `InsufficientFunds`, …). */
  outcome: 'trading.outcome',
  /** The exchange client's error class (ccxt's `RequestTimeout`, …), `other` for an error that is none of them. */
  errorClass: 'trading.error.class',
  /** What a WebSocket subscription carries: `order_book`, `ticker`, `trades`, `ohlcv`, `orders`, `my_trades`, `balance`, … */
  stream: 'trading.stream',
  /** One of an exchange's rate limits: Binance `request_weight_1m`, `orders_10s`, `orders_1d`, `sapi_ip_weight_1m`; Bybit the endpoint path. */
  rateLimit: 'trading.rate_limit',
  /** The HTTP status of an exchange's answer (OpenTelemetry's own attribute). */
  httpStatusCode: 'http.response.status_code',
  /** How an order book update was wrong: `crossed` (best bid above best ask) or `locked` (equal). */
  bookCondition: 'trading.book.condition',
  /** What set a governor block: `rate_limit`, `ban`, `clock` or `book`. */
  blockSource: 'trading.block.source',
  /** How hard a governor block holds new risk back: `throttle` or `halt`. */
  blockLevel: 'trading.block.level',
} as const;

/** Order side. */
export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

/** Order type as sent to the exchange. */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/**
 * Order counter statuses. `placed` counts every order the strategy submits (including the
 * ones a risk check rejects), so `filled / placed` is the fill rate and
 * `placed - (filled + cancelled + rejected + expired)` is the number of active orders.
 */
export const ORDER_STATUSES = [
  'placed',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses that end an order's life. */
export const TERMINAL_STATUSES = ['filled', 'cancelled', 'rejected', 'expired'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/**
 * Order lifecycle stages, in order:
 * created → risk_checked → sent → acknowledged → partially_filled* → filled | cancelled | rejected | expired.
 */
export const ORDER_STAGES = [
  'created',
  'risk_checked',
  'sent',
  'acknowledged',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
] as const;
export type OrderStage = (typeof ORDER_STAGES)[number];

/**
 * Why an order was rejected. Exchange-specific codes should be mapped onto this closed set;
 * anything unmapped is recorded as `other` (and counted as a rejected measurement value).
 */
export const REJECT_REASONS = [
  'insufficient_balance',
  'price_out_of_band',
  'rate_limited',
  'unknown_symbol',
  'risk_limit',
  'invalid_order',
  'timeout',
  'other',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * Slippage direction. OTel histograms take non-negative values only (the SDK drops negative
 * ones), so signed slippage is recorded as a magnitude plus this direction.
 */
export const SLIPPAGE_DIRECTIONS = ['adverse', 'favorable'] as const;
export type SlippageDirection = (typeof SLIPPAGE_DIRECTIONS)[number];

/** Why the facade refused a measurement. Values of `trading.telemetry.rejected_measurements{reason}`. */
export const MEASUREMENT_REJECTIONS = [
  'non_finite',
  'negative',
  'out_of_range',
  'invalid_label',
  'invalid_enum',
  'too_long',
] as const;
export type MeasurementRejection = (typeof MEASUREMENT_REJECTIONS)[number];

/** Describes one instrument: its OTel name, kind, UCUM unit, description and label keys. */
export interface InstrumentConvention {
  readonly name: string;
  readonly kind: 'counter' | 'gauge' | 'histogram';
  readonly unit: string;
  readonly description: string;
  readonly attributes: readonly string[];
}

function instrument<const T extends InstrumentConvention>(spec: T): T {
  return spec;
}

/**
 * Latency buckets in seconds, from 50 µs to 10 s, roughly 1-2.5-5 per decade.
 * Trading latency lives between co-located microseconds and a congested REST call.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
  2.5, 5, 10,
];

/** Slippage magnitude buckets in basis points (the direction is an attribute). */
export const SLIPPAGE_BUCKETS_BPS: readonly number[] = [0, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 250];

/** Fill-ratio buckets: the share of the ordered quantity that was filled, 0 to 1. */
export const FILL_RATIO_BUCKETS: readonly number[] = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];

/** Every instrument the facade creates. */
export const Instruments = {
  orders: instrument({
    name: 'trading.orders',
    kind: 'counter',
    unit: '{order}',
    description: 'Orders by status. placed counts every submitted order; rejections carry a reason.',
    attributes: [Attr.exchange, Attr.symbol, Attr.side, Attr.orderType, Attr.strategy, Attr.orderStatus, Attr.rejectReason],
  }),
  activeOrders: instrument({
    name: 'trading.orders.active',
    kind: 'gauge',
    unit: '{order}',
    description: 'Orders placed and not yet filled, cancelled, rejected or expired.',
    attributes: [Attr.exchange, Attr.symbol, Attr.side, Attr.orderType, Attr.strategy],
  }),
  trades: instrument({
    name: 'trading.trades',
    kind: 'counter',
    unit: '{trade}',
    description: 'Executions (full or partial fills) received from the exchange.',
    attributes: [Attr.exchange, Attr.symbol, Attr.side, Attr.strategy],
  }),
  stageDuration: instrument({
    name: 'trading.order.stage.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time from the previous lifecycle stage to this one.',
    attributes: [Attr.exchange, Attr.orderStage],
  }),
  orderDuration: instrument({
    name: 'trading.order.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Time from order creation to its terminal status.',
    attributes: [Attr.exchange, Attr.orderStatus],
  }),
  slippage: instrument({
    name: 'trading.order.slippage',
    kind: 'histogram',
    unit: '{bp}',
    description: 'Slippage magnitude of a fill against the expected price, in basis points; the direction attribute says adverse or favorable.',
    attributes: [Attr.exchange, Attr.symbol, Attr.side, Attr.slippageDirection],
  }),
  fillRatio: instrument({
    name: 'trading.order.fill_ratio',
    kind: 'histogram',
    unit: '1',
    description: 'Filled quantity over ordered quantity when an order ends.',
    attributes: [Attr.exchange, Attr.symbol],
  }),
  notional: instrument({
    name: 'trading.notional',
    kind: 'counter',
    unit: '{currency}',
    description: 'Traded notional (fill price times quantity) in the quote currency of the symbol.',
    attributes: [Attr.exchange, Attr.symbol, Attr.side, Attr.strategy],
  }),
  fees: instrument({
    name: 'trading.fees',
    kind: 'counter',
    unit: '{unit}',
    description: 'Trading fees paid on fills, in units of the fee asset.',
    attributes: [Attr.exchange, Attr.asset],
  }),
  feeRebates: instrument({
    name: 'trading.fee_rebates',
    kind: 'counter',
    unit: '{unit}',
    description: 'Fee rebates received on fills (a negative fee, as maker rebates are), in units of the fee asset.',
    attributes: [Attr.exchange, Attr.asset],
  }),
  positionSize: instrument({
    name: 'trading.position.size',
    kind: 'gauge',
    unit: '{unit}',
    description: 'Signed position size in base-asset units; short positions are negative.',
    attributes: [Attr.exchange, Attr.symbol],
  }),
  openPositions: instrument({
    name: 'trading.positions.open',
    kind: 'gauge',
    unit: '{position}',
    description: 'Symbols with a non-zero position.',
    attributes: [Attr.exchange],
  }),
  balance: instrument({
    name: 'trading.balance',
    kind: 'gauge',
    unit: '{unit}',
    description: 'Signed balance per asset, in units of that asset.',
    attributes: [Attr.exchange, Attr.asset],
  }),
  realizedPnl: instrument({
    name: 'trading.pnl.realized',
    kind: 'gauge',
    unit: '{currency}',
    description: 'Realized profit and loss in the quote currency; negative is a loss.',
    attributes: [Attr.strategy],
  }),
  unrealizedPnl: instrument({
    name: 'trading.pnl.unrealized',
    kind: 'gauge',
    unit: '{currency}',
    description: 'Unrealized (mark-to-market) profit and loss in the quote currency.',
    attributes: [Attr.strategy],
  }),
  pnlFees: instrument({
    name: 'trading.pnl.fees',
    kind: 'gauge',
    unit: '{currency}',
    description: 'Fees charged against realized P&L, in the quote currency, as last reported; rebates make it lower.',
    attributes: [Attr.strategy],
  }),
  realizedNetPnl: instrument({
    name: 'trading.pnl.realized_net',
    kind: 'gauge',
    unit: '{currency}',
    description: 'Realized P&L net of fees: trading.pnl.realized minus trading.pnl.fees.',
    attributes: [Attr.strategy],
  }),
  funding: instrument({
    name: 'trading.funding',
    kind: 'gauge',
    unit: '{currency}',
    description: 'Funding on perpetual positions since the process started: received is positive, paid is negative.',
    attributes: [Attr.exchange, Attr.symbol],
  }),
  dailyPnl: instrument({
    name: 'trading.pnl.daily',
    kind: 'gauge',
    unit: '{currency}',
    description: 'Total P&L since the trading day began (UTC midnight unless configured), kept across restarts; what the daily loss limit judges.',
    attributes: [],
  }),
  highWaterMark: instrument({
    name: 'trading.pnl.high_water_mark',
    kind: 'gauge',
    unit: '{currency}',
    description: 'The highest total P&L seen, kept across restarts.',
    attributes: [],
  }),
  drawdown: instrument({
    name: 'trading.pnl.drawdown',
    kind: 'gauge',
    unit: '{currency}',
    description: 'How far total P&L stands below its high-water mark; 0 at a new high.',
    attributes: [],
  }),
  exchangeConnected: instrument({
    name: 'trading.exchange.connected',
    kind: 'gauge',
    unit: '1',
    description: '1 while the exchange connection is up, 0 while it is down.',
    attributes: [Attr.exchange],
  }),
  marketDataMessages: instrument({
    name: 'trading.market_data.messages',
    kind: 'counter',
    unit: '{message}',
    description: 'Market-data messages received.',
    attributes: [Attr.exchange, Attr.symbol],
  }),
  marketDataStaleness: instrument({
    name: 'trading.market_data.staleness',
    kind: 'gauge',
    unit: 's',
    description: 'Seconds since the last market-data message, computed at collection time.',
    attributes: [Attr.exchange, Attr.symbol],
  }),
  marketDataLatency: instrument({
    name: 'trading.market_data.latency',
    kind: 'histogram',
    unit: 's',
    description: 'Receive latency of market data: local receive time minus the exchange timestamp.',
    attributes: [Attr.exchange],
  }),
  exchangeReconnects: instrument({
    name: 'trading.exchange.reconnects',
    kind: 'counter',
    unit: '{reconnect}',
    description: 'Reconnections to an exchange feed after the connection was lost.',
    attributes: [Attr.exchange],
  }),
  exchangeRequestDuration: instrument({
    name: 'trading.exchange.request.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Duration of an exchange client call (ccxt unified method, throttling and retries included), by method and outcome (ok or the error class).',
    attributes: [Attr.exchange, Attr.exchangeMethod, Attr.outcome],
  }),
  exchangeErrors: instrument({
    name: 'trading.exchange.errors',
    kind: 'counter',
    unit: '{error}',
    description: 'Exchange client calls that failed, by method and error class.',
    attributes: [Attr.exchange, Attr.exchangeMethod, Attr.errorClass],
  }),
  throttleWait: instrument({
    name: 'trading.exchange.throttle.wait',
    kind: 'histogram',
    unit: 's',
    description: "Time a request waited in the exchange client's own rate limiter (ccxt's throttler) before it was sent.",
    attributes: [Attr.exchange],
  }),
  rateLimitUsed: instrument({
    name: 'trading.exchange.rate_limit.used',
    kind: 'gauge',
    unit: '{unit}',
    description: "Usage of one of the exchange's rate limits as its latest response headers report it (request weight, orders).",
    attributes: [Attr.exchange, Attr.rateLimit],
  }),
  rateLimitLimit: instrument({
    name: 'trading.exchange.rate_limit.limit',
    kind: 'gauge',
    unit: '{unit}',
    description: 'The size of that rate limit, where the exchange publishes it (Binance exchangeInfo, Bybit headers).',
    attributes: [Attr.exchange, Attr.rateLimit],
  }),
  rateLimitRefusals: instrument({
    name: 'trading.exchange.rate_limit.refusals',
    kind: 'counter',
    unit: '{response}',
    description: 'Requests the exchange refused for their rate: 429 (too many requests) or 418 (IP banned).',
    attributes: [Attr.exchange, Attr.httpStatusCode],
  }),
  rateLimitRetryAfter: instrument({
    name: 'trading.exchange.rate_limit.retry_after',
    kind: 'gauge',
    unit: 's',
    description: "Seconds left of the latest refusal's Retry-After, computed at collection; 0 once it has passed.",
    attributes: [Attr.exchange],
  }),
  streamMessages: instrument({
    name: 'trading.exchange.stream.messages',
    kind: 'counter',
    unit: '{message}',
    description: 'Updates delivered on a WebSocket subscription, by stream and symbol.',
    attributes: [Attr.exchange, Attr.stream, Attr.symbol],
  }),
  streamAge: instrument({
    name: 'trading.exchange.stream.age',
    kind: 'gauge',
    unit: 's',
    description: 'Seconds since the last update of a WebSocket subscription (since it was made, before the first), computed at collection.',
    attributes: [Attr.exchange, Attr.stream, Attr.symbol],
  }),
  rateLimitUsage: instrument({
    name: 'trading.exchange.rate_limit.usage',
    kind: 'gauge',
    unit: '1',
    description: "Share of one of the exchange's rate limits used, 0 to 1: used over size from the response headers, or ccxt's own throttler (trading.rate_limit=\"ccxt_throttler\"): the cost it admitted in the last 10 s over what its rate allows.",
    attributes: [Attr.exchange, Attr.rateLimit],
  }),
  clockOffset: instrument({
    name: 'trading.exchange.clock.offset',
    kind: 'gauge',
    unit: 's',
    description: "The exchange's clock minus ours, signed (positive: the exchange is ahead), from its server time with the round trip compensated.",
    attributes: [Attr.exchange],
  }),
  clockUncertainty: instrument({
    name: 'trading.exchange.clock.uncertainty',
    kind: 'gauge',
    unit: 's',
    description: 'The error bound of that offset: half the round trip of the measurement it comes from. NaN while WebSocket stamps alone measured the offset (then only a lower bound).',
    attributes: [Attr.exchange],
  }),
  orderBookAge: instrument({
    name: 'trading.order_book.age',
    kind: 'gauge',
    unit: 's',
    description: "Seconds since a subscribed order book's last update (since it was subscribed, before the first), computed at collection.",
    attributes: [Attr.exchange, Attr.symbol],
  }),
  orderBookGaps: instrument({
    name: 'trading.order_book.gaps',
    kind: 'counter',
    unit: '{gap}',
    description: "Sequence gaps in an order book's updates (update ids that skip: ccxt's ChecksumError or InvalidNonce on the book).",
    attributes: [Attr.exchange, Attr.symbol],
  }),
  orderBookResyncs: instrument({
    name: 'trading.order_book.resyncs',
    kind: 'counter',
    unit: '{resync}',
    description: 'Order book re-snapshots after a gap: the first update after it.',
    attributes: [Attr.exchange, Attr.symbol],
  }),
  orderBookCrossed: instrument({
    name: 'trading.order_book.crossed',
    kind: 'counter',
    unit: '{update}',
    description: 'Order book updates whose best bid is above (crossed) or equal to (locked) the best ask.',
    attributes: [Attr.exchange, Attr.symbol, Attr.bookCondition],
  }),
  orderBookSilent: instrument({
    name: 'trading.order_book.silent',
    kind: 'gauge',
    unit: '1',
    description: "1 while an order book is a zombie: silent past max(3 × its median update interval, 2 s) while the exchange's other streams go on; 0 otherwise.",
    attributes: [Attr.exchange, Attr.symbol],
  }),
  governorBlocks: instrument({
    name: 'trading.governor.blocks',
    kind: 'gauge',
    unit: '{block}',
    description: 'Blocks exchange health holds new risk back with, in force now, by exchange, source (rate_limit, ban, clock, book) and level (throttle, halt).',
    attributes: [Attr.exchange, Attr.blockSource, Attr.blockLevel],
  }),
  healthCheckStatus: instrument({
    name: 'trading.health.check.status',
    kind: 'gauge',
    unit: '1',
    description: 'Last result of a health check: 1 healthy, 0.5 degraded, 0 unhealthy.',
    attributes: ['check'],
  }),
  lifecycleState: instrument({
    name: 'trading.process.state',
    kind: 'gauge',
    unit: '1',
    description: '1 for the process lifecycle state it is in (starting, ready, draining, stopped), 0 for the others.',
    attributes: ['state'],
  }),
  streamDroppedClients: instrument({
    name: 'trading.telemetry.stream.dropped_clients',
    kind: 'counter',
    unit: '{client}',
    description: 'Live-stream (SSE) clients disconnected for reading too slowly, or refused over the client limit.',
    attributes: ['reason'],
  }),
  serverRefused: instrument({
    name: 'trading.telemetry.server.refused',
    kind: 'counter',
    unit: '{request}',
    description: 'Requests the embedded server refused before any route ran: a Host it does not serve, a cross-site request, or too many waiting (503).',
    attributes: ['reason'],
  }),
  alertsFiring: instrument({
    name: 'trading.alerts.firing',
    kind: 'gauge',
    unit: '{alert}',
    description: '1 while the in-process alert rule is firing, 0 otherwise.',
    attributes: ['rule', 'severity'],
  }),
  alertRuleErrors: instrument({
    name: 'trading.alerts.rule_errors',
    kind: 'counter',
    unit: '{evaluation}',
    description: 'Evaluations whose rule condition threw; the rule shows as errored and the others keep evaluating.',
    attributes: ['rule'],
  }),
  alertNotifications: instrument({
    name: 'trading.alerts.notifications',
    kind: 'counter',
    unit: '{notification}',
    description: 'Notifications by channel and outcome: delivered, failed (after retries) or dropped (queue full).',
    attributes: ['channel', 'outcome'],
  }),
  anomalies: instrument({
    name: 'trading.alerts.anomalies',
    kind: 'counter',
    unit: '{detection}',
    description: 'Anomalies detected against the learned baseline, by watched metric.',
    attributes: ['metric'],
  }),
  incidentWriteFailures: instrument({
    name: 'trading.alerts.incident_write_failures',
    kind: 'counter',
    unit: '{write}',
    description: 'Incident history writes that failed (the incidents stay in memory; the incident_store health check says why).',
    attributes: [],
  }),
  incidentsSuppressed: instrument({
    name: 'trading.alerts.incidents_suppressed',
    kind: 'counter',
    unit: '{incident}',
    description: 'Incidents kept in memory but not written because their source (a kind for one rule) passed 60 a minute.',
    attributes: ['kind'],
  }),
  governorState: instrument({
    name: 'trading.governor.state',
    kind: 'gauge',
    unit: '1',
    description: '1 for the activity governor state in force (normal, throttled, halted), 0 for the others.',
    attributes: ['state'],
  }),
  rejectedMeasurements: instrument({
    name: 'trading.telemetry.rejected_measurements',
    kind: 'counter',
    unit: '{measurement}',
    description: 'Measurements the facade refused (bad number, label or enum); nothing reached a series.',
    attributes: ['instrument', 'reason'],
  }),
  cardinalityOverflow: instrument({
    name: 'trading.telemetry.cardinality_overflow',
    kind: 'counter',
    unit: '{measurement}',
    description: 'Measurements folded into the otel.metric.overflow series because an instrument hit its series limit.',
    attributes: ['instrument'],
  }),
  lifecycleErrors: instrument({
    name: 'trading.telemetry.lifecycle_errors',
    kind: 'counter',
    unit: '{event}',
    description: 'Order lifecycle calls that did not fit (finished twice, unknown order, out of order, timed out, ...).',
    attributes: ['reason'],
  }),
  orderTraces: instrument({
    name: 'trading.telemetry.order_traces',
    kind: 'counter',
    unit: '{order}',
    description: 'Finished orders whose trace the keep policy kept (decision="kept") or left out ("unkept"), by why: the tail-kept traces of startTelemetry.',
    attributes: ['decision', 'reason'],
  }),
  orderTraceChildSpans: instrument({
    name: 'trading.telemetry.order_traces.child_spans',
    kind: 'counter',
    unit: '{span}',
    description: 'Spans started inside an order (exchange calls, traced() work), by what became of them: released with a kept order, discarded with an unkept one, or lost to a full buffer (overflow).',
    attributes: ['outcome'],
  }),
  orderTraceHeldSpans: instrument({
    name: 'trading.telemetry.order_traces.held_spans',
    kind: 'gauge',
    unit: '{span}',
    description: 'Finished child spans held until their order is decided.',
    attributes: [],
  }),
  telemetryOffered: instrument({
    name: 'trading.telemetry.export.offered',
    kind: 'counter',
    unit: '{item}',
    description: 'Telemetry items (spans, log records) handed to the export pipeline; offered = exported + dropped + queued.',
    attributes: ['signal'],
  }),
  telemetryExported: instrument({
    name: 'trading.telemetry.exported',
    kind: 'counter',
    unit: '{item}',
    description: 'Telemetry items (spans, log records) the collector accepted.',
    attributes: ['signal'],
  }),
  telemetryDropped: instrument({
    name: 'trading.telemetry.dropped',
    kind: 'counter',
    unit: '{item}',
    description: 'Telemetry items (spans, log records) dropped before export: queue full, export failed or timed out.',
    attributes: ['signal', 'reason'],
  }),
  exportQueueSize: instrument({
    name: 'trading.telemetry.export.queue_size',
    kind: 'gauge',
    unit: '{item}',
    description: 'Items the export pipeline holds: waiting in the queue or in the batch being exported.',
    attributes: ['signal'],
  }),
  exportConsecutiveFailures: instrument({
    name: 'trading.telemetry.export.consecutive_failures',
    kind: 'gauge',
    unit: '{export}',
    description: 'Export attempts that failed in a row; 0 after a success.',
    attributes: ['signal'],
  }),
} as const;

/** Why an order lifecycle call did not fit. Values of `trading.telemetry.lifecycle_errors{reason}`. */
export const LIFECYCLE_ERRORS = [
  'double_finish',
  'unknown_order',
  'out_of_order',
  'missing_correlation_id',
  'duplicate_correlation_id',
  'registry_full',
  'timed_out',
] as const;
export type LifecycleError = (typeof LIFECYCLE_ERRORS)[number];

/** Span attribute keys of the order lifecycle (spans only, never metric labels). */
export const SpanAttr = {
  quantity: 'trading.order.quantity',
  price: 'trading.order.price',
  exchangeOrderId: 'trading.order.exchange_id',
  fillPrice: 'trading.fill.price',
  fillQuantity: 'trading.fill.quantity',
  filledQuantity: 'trading.order.filled_quantity',
  averageFillPrice: 'trading.order.average_fill_price',
  slippageBps: 'trading.fill.slippage_bps',
  /** The fee charged on a fill, in units of {@link SpanAttr.fillFeeAsset}; negative for a rebate. */
  fillFee: 'trading.fill.fee',
  fillFeeAsset: 'trading.fill.fee_asset',
  /** On a `trading.lifecycle.out_of_order` event: the stage the order had reached when an earlier one arrived. */
  previousStage: 'trading.order.previous_stage',
  /** On a tail-kept `order.lifecycle` span: why its trace was kept (one of {@link TRACE_KEEP_REASONS}). */
  keptBy: 'trading.trace.kept_by',
  /** On an exchange request's HTTP span: seconds it waited in the exchange client's throttler. */
  throttleWait: 'trading.exchange.throttle_wait',
} as const;

/** Why a finished order's trace was kept. Values of `trading.trace.kept_by` and of `trading.telemetry.order_traces{decision="kept",reason}`. */
export const TRACE_KEEP_REASONS = ['all', 'parent', 'cause', 'slow', 'low_rate', 'random'] as const;
export type TraceKeepReason = (typeof TRACE_KEEP_REASONS)[number];

/** Why a finished order's trace was not kept. Values of `trading.telemetry.order_traces{decision="unkept",reason}`. */
export const TRACE_UNKEPT_REASONS = ['sampled_out', 'parent'] as const;
export type TraceUnkeptReason = (typeof TRACE_UNKEPT_REASONS)[number];

/** What became of a span started inside an order. Values of `trading.telemetry.order_traces.child_spans{outcome}`. */
export const CHILD_SPAN_OUTCOMES = ['released', 'discarded', 'overflow'] as const;
export type ChildSpanOutcome = (typeof CHILD_SPAN_OUTCOMES)[number];

/** Why telemetry was dropped. Values of `trading.telemetry.dropped{reason}`. */
export const DROP_REASONS = ['queue_full', 'export_failed', 'export_timeout', 'shutdown'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Attribute OTel uses for the overflow series once an instrument hits its cardinality limit. */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

/** Default number of distinct attribute sets one instrument may hold. */
export const DEFAULT_CARDINALITY_LIMIT = 2000;

/** Instrumentation scope name used for the meter and tracer. */
export const SCOPE_NAME = 'trading-telemetry';

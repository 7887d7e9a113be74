// trading-telemetry: what a trading bot needs. Further concerns have their own entry points:
// trading-telemetry/alerting, trading-telemetry/connections, trading-telemetry/conventions.
export { startTelemetry, type TelemetryHandle } from './setup/start-telemetry.js';
export type { StartTelemetryOptions } from './setup/options.js';
export type { ResolvedConfig } from './setup/config.js';
export { createTradingTelemetry, type OrdersTelemetry, type TradingTelemetry, type TradingTelemetryOptions } from './trading-telemetry.js';
export { TelemetryConfigError } from './errors.js';
export { VERSION } from './version.js';
export { Attr, Instruments, SpanAttr, type OrderStage, type OrderType, type RejectReason, type Side } from './conventions.js';
export type { BoundOrderMetrics } from './metrics/bound-order-metrics.js';
export type { OrderKey } from './metrics/order-key.js';
export type { BoundGauge, PnlUpdate, PortfolioMetrics } from './metrics/portfolio-metrics.js';
export type { BoundMarketData, MarketDataMetrics } from './metrics/market-data-metrics.js';
export type { TelemetrySnapshot } from './metrics/snapshot.js';
export { SeriesProducer } from './metrics/series-producer.js';
export { formatReport } from './metrics/report.js';
export type { FillDetails, OrderIntent, OrderSummary } from './tracing/order-intent.js';
export type { OrderKeepOption, OrderKeepPolicy, SlowerThanQuantile, SlowerThanSeconds, SlowOrderRule } from './tracing/keep-policy-options.js';
export type { OrderTrace } from './tracing/order-trace.js';
export type { StageUpdate } from './tracing/order-tracker.js';
export { traced, type TracedOptions, withSpan } from './tracing/traced.js';
export { correlationIdOf, withCorrelationId } from './tracing/correlation-id.js';
export { extract, inject } from './tracing/propagation.js';
export { createLogger, type CreateLoggerOptions } from './logging/create-logger.js';
export type { TelemetryLogger } from './telemetry-logger.js';
export type { CheckOutcome, HealthCheckFn, HealthStatus } from './health/health-check.js';
export type { HealthRegistry } from './health/health-registry.js';
export type { LifecycleState, ProcessLifecycle } from './health/process-lifecycle.js';

import { describe, expect, it } from 'vitest';

/**
 * The runtime exports of every entry point, pinned: adding or removing one is a decision made
 * here, in review, not a side effect. Internals (the server, the history buffer, chaos parts)
 * are exported by none of them.
 */
const PINNED: Record<string, readonly string[]> = {
  'trading-telemetry': [
    'Attr',
    'Instruments',
    'SeriesProducer',
    'SpanAttr',
    'TelemetryConfigError',
    'VERSION',
    'correlationIdOf',
    'createLogger',
    'createTradingTelemetry',
    'extract',
    'formatReport',
    'inject',
    'startTelemetry',
    'traced',
    'withCorrelationId',
    'withSpan',
  ],
  'trading-telemetry/alerting': [
    'AnomalyDetector',
    'DEFAULT_WATCHED',
    'anomalyRule',
    'clockOffset',
    'consecutiveLosses',
    'crossedOrderBook',
    'dailyLossLimit',
    'exchangeBanned',
    'exchangeDisconnected',
    'fillsStopped',
    'latencySpike',
    'logNotifier',
    'maxDrawdown',
    'orderBookGaps',
    'positionTooLarge',
    'rateLimitHeadroom',
    'rejectionRateSpike',
    'slackNotifier',
    'staleMarketData',
    'startAlerting',
    'telegramNotifier',
    'tradingPresets',
    'webhookNotifier',
    'zombieOrderBook',
  ],
  'trading-telemetry/connections': ['ConnectionMonitor', 'exchangeCheck'],
  'trading-telemetry/ccxt': ['CcxtInstrumentation', 'instrumentExchange'],
  'trading-telemetry/conventions': [
    'Attr',
    'CHILD_SPAN_OUTCOMES',
    'DEFAULT_CARDINALITY_LIMIT',
    'DROP_REASONS',
    'FILL_RATIO_BUCKETS',
    'Instruments',
    'LATENCY_BUCKETS_SECONDS',
    'LIFECYCLE_ERRORS',
    'MEASUREMENT_REJECTIONS',
    'ORDER_STAGES',
    'ORDER_STATUSES',
    'ORDER_TYPES',
    'OVERFLOW_ATTRIBUTE',
    'REJECT_REASONS',
    'SCOPE_NAME',
    'SIDES',
    'SLIPPAGE_BUCKETS_BPS',
    'SLIPPAGE_DIRECTIONS',
    'SpanAttr',
    'TERMINAL_STATUSES',
    'TRACE_KEEP_REASONS',
    'TRACE_UNKEPT_REASONS',
  ],
};

const load: Record<string, () => Promise<object>> = {
  'trading-telemetry': () => import('trading-telemetry'),
  'trading-telemetry/alerting': () => import('trading-telemetry/alerting'),
  'trading-telemetry/connections': () => import('trading-telemetry/connections'),
  'trading-telemetry/ccxt': () => import('trading-telemetry/ccxt'),
  'trading-telemetry/conventions': () => import('trading-telemetry/conventions'),
};

describe('entry points', () => {
  it.each(Object.keys(PINNED))('%s exports exactly its pinned runtime names', async (entry) => {
    const names = Object.keys(await (load[entry] ?? (() => Promise.resolve({})))()).sort();
    expect(names).toEqual([...(PINNED[entry] ?? [])].sort());
  });

  it('every entry point is in package.json exports and the build', async () => {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { exports: Record<string, unknown> };
    const { default: tsup } = await import('../../tsup.config.js');
    const entries = Object.keys((tsup as { entry: Record<string, string> }).entry);
    for (const entry of Object.keys(PINNED)) {
      const subpath = entry === 'trading-telemetry' ? '.' : `./${entry.slice('trading-telemetry/'.length)}`;
      expect(pkg.exports, subpath).toHaveProperty([subpath]);
      expect(entries).toContain(subpath === '.' ? 'index' : subpath.slice(2));
    }
  });
});

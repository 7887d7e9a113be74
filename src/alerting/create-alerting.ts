import type { Meter } from '@opentelemetry/api';
import type { TelemetryLogger } from '../telemetry-logger.js';
import type { TradingTelemetry } from '../trading-telemetry.js';
import { ActivityGovernor } from './activity-governor.js';
import { AlertEngine } from './alert-engine.js';
import type { AlertingOptions } from './alerting-options.js';
import { IncidentLog } from './incident-log.js';
import { NotificationDispatcher } from './notification-dispatcher.js';
import { logNotifier } from './notifiers/log-notifier.js';
import { exchangeViewsOf } from '../exchange-health-view.js';
import { blocksOf } from '../risk-blocks.js';
import { RiskState } from './risk-state.js';

/** Alerting, assembled: engine, notifications, incident history and the activity governor. */
export interface Alerting {
  readonly engine: AlertEngine;
  readonly dispatcher: NotificationDispatcher;
  readonly incidents: IncidentLog;
  readonly governor: ActivityGovernor;
  /** The trading day's start and the high-water mark, kept across restarts. */
  readonly risk: RiskState;
  /** Stops evaluating; queued notifications and incident writes still finish. */
  close(): Promise<void>;
}

/**
 * Builds and starts alerting over a telemetry facade, from validated options: the engine
 * evaluates the rules on its timer, notifications go out through the notifiers by their
 * routes, every transition is an incident, and the governor follows the firing alerts.
 */
export async function createAlerting(telemetry: TradingTelemetry, options: AlertingOptions, meter: Meter, defaultLogger: TelemetryLogger): Promise<Alerting> {
  const logger = options.logger ?? defaultLogger;
  const incidents = await IncidentLog.open(options.incidents, { meter, logger });
  const risk = await RiskState.open({ path: `${options.incidents.path}.risk.json`, meter, logger, ...(options.tradingDay === undefined ? {} : { tradingDay: options.tradingDay }) });
  const dispatcher = new NotificationDispatcher({
    notifiers: options.notifiers ?? [logNotifier(logger)],
    ...(options.routes === undefined ? {} : { routes: options.routes }),
    ...(options.groupWaitMillis === undefined ? {} : { groupWaitMillis: options.groupWaitMillis }),
    meter,
    onOutcome: (channel, outcome, notification, error) => {
      if (outcome !== 'delivered') logger.error({ channel, outcome, error: error?.message, alert: notification.kind }, `alert notification ${outcome} on ${channel}`);
    },
  });
  const engine = new AlertEngine({
    rules: options.rules,
    source: { snapshot: () => telemetry.snapshot(), latency: () => telemetry.orders.ackLatencyHistogram(), exchanges: () => exchangeViewsOf(telemetry).all() },
    dispatcher,
    incidents,
    risk,
    ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
    ...(options.evaluateEveryMillis === undefined ? {} : { evaluateEveryMillis: options.evaluateEveryMillis }),
    meter,
  });
  const governor = new ActivityGovernor({ ...options.governor, incidents, meter, logger, blocks: blocksOf(telemetry) });
  engine.on('change', () => governor.updateFromAlerts(engine.alerts()));
  engine.start();
  return {
    engine,
    dispatcher,
    incidents,
    governor,
    risk,
    async close() {
      engine.stop();
      dispatcher.close();
      await dispatcher.idle();
      await Promise.all([incidents.close(), risk.close()]);
    },
  };
}

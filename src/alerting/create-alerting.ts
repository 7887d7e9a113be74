import type { Meter } from '@opentelemetry/api';
import type { TradingTelemetry } from '../trading-telemetry.js';
import { ActivityGovernor, type GovernorOptions } from './activity-governor.js';
import { AlertEngine } from './alert-engine.js';
import type { AlertRule } from './alert-types.js';
import { IncidentLog, type IncidentLogOptions } from './incident-log.js';
import { type DispatcherOptions, NotificationDispatcher } from './notification-dispatcher.js';
import type { Notifier } from './notifiers/notifier.js';

/** Options of {@link createAlerting}. */
export interface AlertingOptions {
  readonly rules: readonly AlertRule[];
  readonly notifiers: readonly Notifier[];
  readonly routes?: DispatcherOptions['routes'];
  readonly groupWaitMillis?: number;
  readonly escalation?: { readonly afterMillis: number; readonly channels: readonly string[] };
  readonly incidents: IncidentLogOptions;
  readonly evaluateEveryMillis?: number;
  readonly governor?: Omit<GovernorOptions, 'incidents' | 'meter'>;
  readonly logger?: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
}

/** Alerting, assembled: engine, notifications, incident history and the activity governor. */
export interface Alerting {
  readonly engine: AlertEngine;
  readonly dispatcher: NotificationDispatcher;
  readonly incidents: IncidentLog;
  readonly governor: ActivityGovernor;
  /** Stops evaluating; queued notifications and incident writes still finish. */
  close(): Promise<void>;
}

/**
 * Builds and starts alerting over a telemetry facade: the engine evaluates `rules` on its
 * timer, notifications go out through `notifiers` by `routes`, every transition is an incident,
 * and the governor follows the firing alerts. Mount its API with `mountAlertingRoutes`
 * (startTelemetry does it when given `alerting`).
 */
export async function createAlerting(telemetry: TradingTelemetry, options: AlertingOptions, meter?: Meter): Promise<Alerting> {
  const incidents = await IncidentLog.open(options.incidents);
  const logger = options.logger;
  const dispatcher = new NotificationDispatcher({
    notifiers: options.notifiers,
    ...(options.routes === undefined ? {} : { routes: options.routes }),
    ...(options.groupWaitMillis === undefined ? {} : { groupWaitMillis: options.groupWaitMillis }),
    ...(meter === undefined ? {} : { meter }),
    onOutcome: (channel, outcome, notification, error) => {
      if (outcome !== 'delivered') logger?.error({ channel, outcome, error: error?.message, alert: notification.kind }, `alert notification ${outcome} on ${channel}`);
    },
  });
  const engine = new AlertEngine({
    rules: options.rules,
    source: { snapshot: () => telemetry.snapshot(), latency: () => telemetry.orders.ackLatencyHistogram() },
    dispatcher,
    incidents,
    ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
    ...(options.evaluateEveryMillis === undefined ? {} : { evaluateEveryMillis: options.evaluateEveryMillis }),
    ...(meter === undefined ? {} : { meter }),
  });
  const governor = new ActivityGovernor({ ...options.governor, incidents, ...(meter === undefined ? {} : { meter }), ...(logger === undefined ? {} : { logger }) });
  engine.on('change', () => governor.updateFromAlerts(engine.alerts()));
  engine.start();
  return {
    engine,
    dispatcher,
    incidents,
    governor,
    async close() {
      engine.stop();
      dispatcher.close();
      await dispatcher.idle();
      await incidents.flushed();
    },
  };
}

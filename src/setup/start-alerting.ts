import { metrics } from '@opentelemetry/api';
import { type AlertingOptions, alertingOptionsSchema } from '../alerting/alerting-options.js';
import { type Alerting, createAlerting } from '../alerting/create-alerting.js';
import { SCOPE_NAME } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { createLogger } from '../logging/create-logger.js';
import { mountAlertingRoutes } from '../server/routes/alerting-routes.js';
import type { TradingTelemetry } from '../trading-telemetry.js';
import { parseOptions } from '../validation/parse-options.js';
import { VERSION } from '../version.js';
import { internalsOf } from './handle-internals.js';
import type { TelemetryHandle } from './start-telemetry.js';

function isFacade(value: object): value is TradingTelemetry {
  const candidate = value as Partial<TradingTelemetry>;
  return typeof candidate.snapshot === 'function' && typeof candidate.orders === 'object';
}

/**
 * Attaches alerting to running telemetry: the rules are evaluated on their own timer over the
 * facade's numbers, notifications go to the notifiers, every transition is an incident in the
 * history file, and the activity governor follows the firing alerts.
 *
 * Given the handle `startTelemetry` returned, it also serves the alerting API on the embedded
 * server (`/api/alerts`, `/api/silences`, `/api/incidents`, `/api/governor`), shows alerts on
 * the dashboard, exports its self-metrics, and stops with the handle's shutdown (after your
 * own `onShutdown` hooks, before telemetry is flushed). Given a bare facade (`createTradingTelemetry`), alerting runs with no API; call
 * `close()` yourself.
 *
 * Attach it once the state the rules read exists: rules run only after this resolves.
 *
 * @throws TelemetryConfigError naming the option when one is unknown or unusable, or when
 * alerting is already attached to this handle.
 */
export async function startAlerting(telemetry: TelemetryHandle | TradingTelemetry, options: AlertingOptions): Promise<Alerting> {
  if (typeof telemetry !== 'object' || (telemetry as object | null) === null) {
    throw new TelemetryConfigError('startAlerting', 'pass the handle startTelemetry() returned, or a createTradingTelemetry() facade');
  }
  const parsed = parseOptions(alertingOptionsSchema, options);
  const internals = internalsOf(telemetry);
  if (internals === undefined) {
    if (!isFacade(telemetry)) throw new TelemetryConfigError('startAlerting', 'pass the handle startTelemetry() returned, or a createTradingTelemetry() facade');
    return createAlerting(telemetry, parsed, metrics.getMeterProvider().getMeter(SCOPE_NAME, VERSION), createLogger({ component: SCOPE_NAME }));
  }
  if (internals.features.has('alerting')) throw new TelemetryConfigError('startAlerting', 'alerting is already attached to this telemetry handle');
  const handle = telemetry as TelemetryHandle;
  const alerting = await createAlerting(handle.telemetry, parsed, internals.meter, internals.logger);
  internals.features.add('alerting');
  if (internals.server !== undefined) mountAlertingRoutes(internals.server, alerting);
  // Shown in /health, never deciding a probe: a failing disk must not stop trading, but nobody may miss it.
  handle.health.register('incident_store', () => alerting.incidents.health(), { probes: [] });
  handle.health.register('risk_state', () => alerting.risk.health(), { probes: [] });
  // After the app's own shutdown hooks (cancelling orders may still raise incidents), before telemetry flushes.
  internals.closers.push(() => alerting.close());
  return alerting;
}

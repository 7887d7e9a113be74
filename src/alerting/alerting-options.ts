import { z } from 'zod';
import { type TelemetryLogger, telemetryLoggerSchema } from '../telemetry-logger.js';
import { fn, instance, schemaOf } from '../validation/parse-options.js';
import type { AlertRule } from './alert-types.js';
import type { IncidentLogOptions } from './incident-log.js';
import type { Routes } from './notification-dispatcher.js';
import type { Notifier } from './notifiers/notifier.js';
import { isTimeZone, type TradingDayOptions } from './trading-day.js';

/** Options of `startAlerting`. */
export interface AlertingOptions {
  /** The rules to evaluate (`tradingPresets(...)` and your own). Names must be unique. */
  readonly rules: readonly AlertRule[];
  /** Where notifications go. Default: the library logger (`logNotifier`). */
  readonly notifiers?: readonly Notifier[];
  /** Channels per severity, by notifier name. Default: every notifier for every severity. */
  readonly routes?: Routes;
  /** Alerts of one group within this window go out as one notification, in ms. Default 0. */
  readonly groupWaitMillis?: number;
  /** An unacknowledged critical alert goes to these channels after `afterMillis`. */
  readonly escalation?: { readonly afterMillis: number; readonly channels: readonly string[] };
  /** The incident history file (JSON lines, rotated by size); it survives restarts. */
  readonly incidents: IncidentLogOptions;
  /** How often the rules run, in ms. Default 1000. */
  readonly evaluateEveryMillis?: number;
  /** The activity governor: orders per second while throttled (default 1), and a clock for tests. */
  readonly governor?: { readonly throttledOrdersPerSecond?: number; readonly now?: () => number };
  /** Where delivery failures and governor transitions are logged. Default: the telemetry handle's logger. */
  readonly logger?: TelemetryLogger;
  /**
   * When the trading day begins, for the daily loss limit: an hour in an IANA time zone. Default
   * UTC midnight. The day's starting P&L and the high-water mark are kept beside the incident
   * history (`<incidents.path>.risk.json`), so a restart forgives nothing.
   */
  readonly tradingDay?: TradingDayOptions;
}

const millis = z.number().min(0);
const severity = z.enum(['info', 'warning', 'critical']);

const ruleSchema = z.strictObject({
  // The name is the `rule` label of the alert metrics and the id in /api/alerts/<id>/ack.
  name: z.string().regex(/^[A-Za-z0-9_.:/@+-]{1,128}$/, 'must be 1 to 128 letters, digits or _ . : / @ + -'),
  severity,
  labels: z.record(z.string().min(1), z.string()).optional(),
  condition: fn<AlertRule['condition']>(),
  forMillis: millis.optional(),
  keepFiringForMillis: millis.optional(),
  cooldownMillis: millis.optional(),
  repeatIntervalMillis: millis.optional(),
  notifyResolved: z.boolean().optional(),
  instrument: fn<NonNullable<AlertRule['instrument']>>().optional(),
});

const notifierSchema = instance<Notifier>('a notifier ({ name, send })', (v) => typeof (v as Partial<Notifier>).name === 'string' && typeof (v as Partial<Notifier>).send === 'function');

/** The strict schema of {@link AlertingOptions}. */
export const alertingOptionsSchema = schemaOf<AlertingOptions>()(
  z.strictObject({
    rules: z.array(ruleSchema).refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, 'rule names must be unique'),
    notifiers: z.array(notifierSchema).optional(),
    routes: z.partialRecord(severity, z.array(z.string())).optional(),
    groupWaitMillis: millis.optional(),
    escalation: z.strictObject({ afterMillis: millis, channels: z.array(z.string()) }).optional(),
    incidents: z.strictObject(
      {
        path: z.string().min(1),
        maxBytes: z.number().int().min(1024).optional(),
        keepFiles: z.number().int().min(0).max(100).optional(),
        memoryLimit: z.number().int().min(1).optional(),
      },
      { error: (issue) => (issue.code === 'invalid_type' ? "is required: { path: '/var/lib/my-bot/incidents.jsonl' }, where the incident history is kept" : undefined) },
    ),
    evaluateEveryMillis: z.number().min(10).optional(),
    governor: z.strictObject({ throttledOrdersPerSecond: z.number().positive().optional(), now: fn<() => number>().optional() }).optional(),
    logger: telemetryLoggerSchema.optional(),
    tradingDay: z
      .strictObject({
        timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as UTC or America/New_York').optional(),
        startHour: z.number().int().min(0).max(23).optional(),
      })
      .optional(),
  }),
);

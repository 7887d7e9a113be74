import type { Meter } from '@opentelemetry/api';
import type { ExchangeHealthView } from '../exchange-health-view.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { RiskView } from './risk-state.js';

/** How bad an alert is. Critical alerts inhibit warnings of their group and escalate when nobody acknowledges them. */
export type Severity = 'info' | 'warning' | 'critical';

/** Where an alert is: waiting out its `for`, firing, resolved, or its condition threw. */
export type AlertState = 'inactive' | 'pending' | 'firing' | 'errored';

/** What a rule's condition sees at each evaluation. */
export interface RuleContext {
  readonly now: number;
  readonly snapshot: TelemetrySnapshot;
  /** The trading day's P&L and the drawdown, kept across restarts. */
  readonly risk: RiskView;
  /** The health of each exchange instrumented on the same telemetry (trading-telemetry/ccxt): rate limits, clock, books. */
  readonly exchanges: readonly ExchangeHealthView[];
  /** Counts over the last evaluation interval (deltas of the cumulative totals). */
  readonly interval: {
    readonly seconds: number;
    readonly placed: number;
    readonly filled: number;
    readonly rejected: number;
    readonly messages: number;
    /** p95 exchange round trip (order sent → acknowledged) of the orders acknowledged in the interval, seconds; NaN when none. */
    readonly latencyP95: number;
  };
}

/** A condition's verdict when it is met. */
export interface RuleMatch {
  readonly message: string;
  /** The value that crossed the threshold, for the notification and the incident. */
  readonly value?: number;
  readonly correlationId?: string;
  readonly traceId?: string;
}

/** An alerting rule. */
export interface AlertRule {
  readonly name: string;
  readonly severity: Severity;
  /** Static labels, matched by silences; `group` groups, inhibits and routes together. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Met when it returns a match. Runs on the engine's timer, never on the trading path. */
  readonly condition: (context: RuleContext) => RuleMatch | undefined;
  /** The condition must hold this long before the alert fires (pending until then). Default 0. */
  readonly forMillis?: number;
  /**
   * A firing alert stays firing this long after its condition last held, so a condition that
   * drops out for an evaluation or two (no sample in the interval) does not resolve and re-fire
   * it. Prometheus's `keep_firing_for`. Default 0.
   */
  readonly keepFiringForMillis?: number;
  /** After a resolution, the rule cannot fire again for this long. Default 0. */
  readonly cooldownMillis?: number;
  /** While firing, notify again this often. Default: never. */
  readonly repeatIntervalMillis?: number;
  /** Send a notification when the alert resolves. Default true. */
  readonly notifyResolved?: boolean;
  /** Registers the rule's own instruments on the engine's meter (the anomaly rule counts its detections). */
  readonly instrument?: (meter: Meter) => void;
}

/** An alert as the API, the dashboard and the notifications show it. */
export interface AlertView {
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly state: AlertState;
  readonly labels: Readonly<Record<string, string>>;
  readonly group: string;
  readonly message: string;
  readonly value: number | null;
  /** Epoch ms the current state began. */
  readonly since: number;
  readonly acknowledgedBy: string | null;
  readonly silenced: boolean;
  readonly inhibited: boolean;
  readonly correlationId: string | null;
  readonly traceId: string | null;
  /** The condition's error while `errored`. */
  readonly error: string | null;
}

/** What a notifier is asked to deliver. */
export interface Notification {
  readonly kind: 'firing' | 'repeat' | 'resolved' | 'escalation';
  readonly severity: Severity;
  readonly group: string;
  readonly alerts: readonly AlertView[];
  /** Human-readable text, ready to send. */
  readonly text: string;
}

/** Severity order, for routing and inhibition. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

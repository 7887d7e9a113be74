import { EventEmitter } from 'node:events';
import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { redactText } from '../secrets.js';
import { describeValue } from '../metrics/describe-value.js';
import { type HistogramData, intervalDistribution } from '../metrics/histogram-data.js';
import { observeInstrument } from '../metrics/observable.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { ExchangeHealthView } from '../exchange-health-view.js';
import type { AlertRule, AlertState, AlertView, RuleContext, RuleMatch } from './alert-types.js';
import type { IncidentKind, IncidentLog } from './incident-log.js';
import type { NotificationDispatcher } from './notification-dispatcher.js';
import { type RiskView, RiskState } from './risk-state.js';
import { Silences } from './silences.js';

/** What the engine reads each evaluation: the facade's snapshot and a cumulative latency histogram (createAlerting passes the acknowledgement latency). */
export interface EngineSource {
  snapshot(): TelemetrySnapshot;
  latency(): HistogramData;
  /** The exchanges' health views; none when not given. */
  exchanges?(): readonly ExchangeHealthView[];
}

/** Options of {@link AlertEngine}. */
export interface AlertEngineOptions {
  readonly rules: readonly AlertRule[];
  readonly source: EngineSource;
  readonly dispatcher: NotificationDispatcher;
  readonly incidents?: IncidentLog;
  /** How often rules are evaluated, in ms. Default 1000. */
  readonly evaluateEveryMillis?: number;
  /** An unacknowledged critical alert goes to these channels after `afterMillis`. */
  readonly escalation?: { readonly afterMillis: number; readonly channels: readonly string[] };
  readonly meter?: Meter;
  /** Epoch ms; injectable so tests control time. */
  readonly now?: () => number;
  /** The day's start and the high-water mark (persisted by startAlerting); in memory when omitted. */
  readonly risk?: { observe(now: number, pnlTotal: number): RiskView };
}

/** Events of {@link AlertEngine}. */
export interface AlertEngineEvents {
  /** An alert changed state (the governor listens here). */
  change: [alert: AlertView, previous: AlertState];
}

interface RuleState {
  readonly rule: AlertRule;
  readonly id: string;
  state: AlertState;
  since: number;
  pendingSince: number;
  resolvedAt: number;
  /** When the condition last matched: `keepFiringForMillis` counts from here. */
  matchedAt: number;
  lastNotifiedAt: number;
  match: RuleMatch | undefined;
  error: string | null;
  errors: number;
  acknowledgedBy: string | null;
  escalated: boolean;
}

/**
 * The in-process alert engine, with Prometheus/Alertmanager semantics: a rule's condition must
 * hold for `forMillis` (pending) before it fires; firing alerts repeat every
 * `repeatIntervalMillis`, keep firing for `keepFiringForMillis` after the condition last held,
 * notify on resolution, and cannot fire again within `cooldownMillis`.
 * Silences mute by rule or labels until they expire; a firing critical alert inhibits warnings of
 * its group; notifications are grouped by the dispatcher; an unacknowledged critical alert
 * escalates. A condition that throws marks its rule `errored` (visible in the API, counted in
 * `trading.alerts.rule_errors`) and the other rules keep evaluating. Evaluation runs on its own
 * timer, never on the trading path.
 */
export class AlertEngine extends EventEmitter<AlertEngineEvents> {
  readonly silences: Silences;
  readonly #options: AlertEngineOptions;
  readonly #states: RuleState[];
  readonly #now: () => number;
  readonly #risk: { observe(now: number, pnlTotal: number): RiskView };
  #timer: NodeJS.Timeout | undefined;
  #previous: { snapshot: TelemetrySnapshot; latency: HistogramData; messages: number } | undefined;

  constructor(options: AlertEngineOptions) {
    super();
    const names = new Set<string>();
    for (const rule of options.rules) {
      if (names.has(rule.name)) throw new TelemetryConfigError(`rules ("${rule.name}")`, 'is defined twice; give each rule a unique name');
      names.add(rule.name);
    }
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.silences = new Silences(this.#now);
    this.#risk = options.risk ?? RiskState.inMemory();
    this.#states = options.rules.map((rule) => ({
      rule,
      id: rule.name,
      state: 'inactive',
      since: this.#now(),
      pendingSince: 0,
      resolvedAt: -Infinity,
      matchedAt: -Infinity,
      lastNotifiedAt: 0,
      match: undefined,
      error: null,
      errors: 0,
      acknowledgedBy: null,
      escalated: false,
    }));
    if (options.meter !== undefined) {
      observeInstrument(options.meter, Instruments.alertsFiring, (result) => {
        for (const s of this.#states) result.observe(s.state === 'firing' ? 1 : 0, { rule: s.rule.name, severity: s.rule.severity });
      });
      observeInstrument(options.meter, Instruments.alertRuleErrors, (result) => {
        for (const s of this.#states) if (s.errors > 0) result.observe(s.errors, { rule: s.rule.name });
      });
      for (const rule of options.rules) rule.instrument?.(options.meter);
    }
  }

  /** Starts evaluating on the engine's own (unref'd) timer. */
  start(): this {
    this.#timer ??= setInterval(() => this.evaluate(), this.#options.evaluateEveryMillis ?? 1000);
    this.#timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Every rule's alert, as the API shows it. */
  alerts(): AlertView[] {
    const firing = this.#firingCriticalGroups();
    return this.#states.map((s) => this.#view(s, firing));
  }

  /** Acknowledges a firing alert (stops its escalation). False when no such alert is firing. */
  acknowledge(id: string, by: string): boolean {
    const state = this.#states.find((s) => s.id === id);
    if (state?.state !== 'firing' || state.acknowledgedBy !== null) return false;
    state.acknowledgedBy = by;
    this.#record('acknowledged', state, `acknowledged by ${by}`, by);
    return true;
  }

  /** One evaluation pass over every rule. Never throws. */
  evaluate(): void {
    const context = this.#context();
    for (const state of this.#states) {
      let match: RuleMatch | undefined;
      try {
        match = state.rule.condition(context);
      } catch (error) {
        this.#errored(state, error);
        continue;
      }
      if (state.state === 'errored') this.#transition(state, 'inactive');
      if (match === undefined) this.#clear(state, context.now);
      else this.#hold(state, match, context.now);
    }
    const firing = this.#firingCriticalGroups();
    for (const state of this.#states) this.#maybeEscalate(state, firing);
  }

  #hold(state: RuleState, given: RuleMatch, now: number): void {
    // Messages reach notifications, the API, incidents and the dashboard: redacted once, here.
    const match = { ...given, message: redactText(given.message) };
    state.match = match;
    state.matchedAt = now;
    if (state.state === 'inactive') {
      if (now - state.resolvedAt < (state.rule.cooldownMillis ?? 0)) return;
      state.pendingSince = now;
      this.#transition(state, 'pending');
    }
    if (state.state === 'pending' && now - state.pendingSince >= (state.rule.forMillis ?? 0)) {
      state.acknowledgedBy = null;
      state.escalated = false;
      this.#transition(state, 'firing');
      this.#record('firing', state, match.message);
      this.#notify(state, 'firing');
    } else if (state.state === 'firing') {
      const repeat = state.rule.repeatIntervalMillis;
      if (repeat !== undefined && now - state.lastNotifiedAt >= repeat) this.#notify(state, 'repeat');
    }
  }

  #clear(state: RuleState, now: number): void {
    if (state.state === 'firing') {
      if (now - state.matchedAt < (state.rule.keepFiringForMillis ?? 0)) return;
      state.resolvedAt = this.#now();
      this.#transition(state, 'inactive');
      this.#record('resolved', state, `resolved: ${state.match?.message ?? state.rule.name}`);
      if (state.rule.notifyResolved ?? true) this.#notify(state, 'resolved');
    } else if (state.state === 'pending') {
      this.#transition(state, 'inactive');
    }
  }

  #errored(state: RuleState, error: unknown): void {
    state.errors++;
    state.error = redactText(error instanceof Error ? error.message : describeValue(error));
    if (state.state !== 'errored') {
      this.#transition(state, 'errored');
      this.#record('errored', state, `rule condition failed: ${state.error}`);
    }
  }

  #maybeEscalate(state: RuleState, firingCritical: ReadonlySet<string>): void {
    const escalation = this.#options.escalation;
    if (escalation === undefined || state.state !== 'firing' || state.rule.severity !== 'critical') return;
    if (state.acknowledgedBy !== null || state.escalated || this.#now() - state.since < escalation.afterMillis) return;
    state.escalated = true;
    this.#record('escalated', state, `not acknowledged after ${Math.round(escalation.afterMillis / 1000)} s`);
    const view = this.#view(state, firingCritical);
    if (!view.silenced) this.#options.dispatcher.notify('escalation', [view], escalation.channels);
  }

  #notify(state: RuleState, kind: 'firing' | 'repeat' | 'resolved'): void {
    state.lastNotifiedAt = this.#now();
    const view = this.#view(state, this.#firingCriticalGroups());
    if (view.silenced || (view.inhibited && kind !== 'resolved')) return;
    this.#options.dispatcher.notify(kind, [view]);
  }

  #transition(state: RuleState, next: AlertState): void {
    const previous = state.state;
    if (previous === next) return;
    state.state = next;
    state.since = this.#now();
    if (next !== 'errored') state.error = null;
    this.emit('change', this.#view(state, this.#firingCriticalGroups()), previous);
  }

  #record(kind: IncidentKind, state: RuleState, message: string, by?: string): void {
    const match = state.match;
    this.#options.incidents?.record({
      at: this.#now(),
      kind,
      rule: state.rule.name,
      severity: state.rule.severity,
      message,
      ...(match?.value === undefined ? {} : { value: match.value }),
      ...(match?.correlationId === undefined ? {} : { correlationId: match.correlationId }),
      ...(match?.traceId === undefined ? {} : { traceId: match.traceId }),
      ...(by === undefined ? {} : { by }),
    });
  }

  #firingCriticalGroups(): Set<string> {
    return new Set(this.#states.filter((s) => s.state === 'firing' && s.rule.severity === 'critical').map((s) => groupOf(s.rule)));
  }

  #view(state: RuleState, firingCritical: ReadonlySet<string>): AlertView {
    const now = this.#now();
    const labels = state.rule.labels ?? {};
    const group = groupOf(state.rule);
    const partial = { rule: state.rule.name, labels };
    return {
      id: state.id,
      rule: state.rule.name,
      severity: state.rule.severity,
      state: state.state,
      labels,
      group,
      message: state.error ?? state.match?.message ?? '',
      value: state.match?.value ?? null,
      since: state.since,
      acknowledgedBy: state.acknowledgedBy,
      silenced: this.silences.matching(partial, now) !== undefined,
      inhibited: state.rule.severity !== 'critical' && firingCritical.has(group),
      correlationId: state.match?.correlationId ?? null,
      traceId: state.match?.traceId ?? null,
      error: state.error,
    };
  }

  #context(): RuleContext {
    const { source } = this.#options;
    const snapshot = source.snapshot();
    const latency = source.latency();
    const messages = snapshot.exchanges.reduce((sum, e) => sum + e.messages, 0);
    const previous = this.#previous;
    this.#previous = { snapshot, latency, messages };
    const o = snapshot.orders;
    const p = previous?.snapshot.orders;
    const now = this.#now();
    return {
      now,
      snapshot,
      risk: this.#risk.observe(now, snapshot.pnl.total),
      exchanges: source.exchanges?.() ?? [],
      interval: {
        seconds: previous === undefined ? 0 : (snapshot.timestamp - previous.snapshot.timestamp) / 1000,
        placed: o.placed - (p?.placed ?? o.placed),
        filled: o.filled - (p?.filled ?? o.filled),
        rejected: o.rejected - (p?.rejected ?? o.rejected),
        messages: messages - (previous?.messages ?? messages),
        latencyP95: intervalDistribution(latency, previous?.latency).quantile(0.95),
      },
    };
  }
}

/** The group a rule's alerts belong to: its `group` label, else the rule name. */
function groupOf(rule: AlertRule): string {
  return rule.labels?.group ?? rule.name;
}

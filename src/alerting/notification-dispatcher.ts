import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { observeInstrument } from '../metrics/observable.js';
import type { AlertView, Notification, Severity } from './alert-types.js';
import { notificationText } from './notification-text.js';
import type { Notifier } from './notifiers/notifier.js';

/** Channels per severity, by notifier name. */
export type Routes = Partial<Record<Severity, readonly string[]>>;

/** Options of {@link NotificationDispatcher}. */
export interface DispatcherOptions {
  readonly notifiers: readonly Notifier[];
  /** Default: every notifier for every severity. */
  readonly routes?: Routes;
  /** Alerts of one group notified within this window go out as one notification, in ms. Default 0 (at once). */
  readonly groupWaitMillis?: number;
  /** Notifications waiting per channel before new ones are dropped (and counted). Default 1000. */
  readonly maxQueuePerChannel?: number;
  readonly meter?: Meter;
  /** Called with each delivery outcome (for logs). */
  readonly onOutcome?: (channel: string, outcome: 'delivered' | 'failed' | 'dropped', notification: Notification, error?: Error) => void;
}

type Outcome = 'delivered' | 'failed' | 'dropped';

interface Channel {
  readonly notifier: Notifier;
  readonly queue: Notification[];
  busy: boolean;
}

/**
 * Sends notifications to their channels without ever blocking the engine: each channel has a
 * bounded queue drained one delivery at a time (retries happen inside the notifier), so a
 * dead Slack cannot delay Telegram. Alerts of one group within `groupWaitMillis` become one
 * notification. Outcomes are counted in `trading.alerts.notifications{channel,outcome}`.
 */
export class NotificationDispatcher {
  readonly #channels = new Map<string, Channel>();
  readonly #options: DispatcherOptions;
  readonly #counts = new Map<string, number>();
  readonly #groups = new Map<string, { kind: Notification['kind']; alerts: AlertView[]; channels: readonly string[] | undefined; timer: NodeJS.Timeout }>();
  readonly #idleWaiters: (() => void)[] = [];

  constructor(options: DispatcherOptions) {
    this.#options = options;
    for (const notifier of options.notifiers) this.#channels.set(notifier.name, { notifier, queue: [], busy: false });
    if (options.meter !== undefined) {
      observeInstrument(options.meter, Instruments.alertNotifications, (result) => {
        for (const [key, count] of this.#counts) {
          const [channel, outcome] = key.split('|');
          result.observe(count, { channel: channel ?? '', outcome: outcome ?? '' });
        }
      });
    }
  }

  /** Outcome counts so far, `channel|outcome` → count. */
  counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** Notifies about `alerts` (one group), to `channels` or the severity's route. */
  notify(kind: Notification['kind'], alerts: readonly AlertView[], channels?: readonly string[]): void {
    const first = alerts[0];
    if (first === undefined) return;
    const wait = this.#options.groupWaitMillis ?? 0;
    if (wait <= 0) {
      this.#send(kind, alerts, channels);
      return;
    }
    const key = `${kind}|${first.group}|${channels?.join(',') ?? ''}`;
    const pending = this.#groups.get(key);
    if (pending !== undefined) {
      pending.alerts.push(...alerts);
      return;
    }
    const timer = setTimeout(() => {
      const group = this.#groups.get(key);
      this.#groups.delete(key);
      if (group !== undefined) this.#send(group.kind, group.alerts, group.channels);
    }, wait);
    timer.unref();
    this.#groups.set(key, { kind, alerts: [...alerts], channels, timer });
  }

  /** Resolves when every queue is empty and nothing is in flight or waiting for its group window. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops group timers; queued notifications still drain. */
  close(): void {
    for (const group of this.#groups.values()) clearTimeout(group.timer);
    this.#groups.clear();
  }

  #send(kind: Notification['kind'], alerts: readonly AlertView[], channels: readonly string[] | undefined): void {
    const severity = alerts.reduce<Severity>((worst, a) => (a.severity === 'critical' || (a.severity === 'warning' && worst === 'info') ? a.severity : worst), 'info');
    const notification: Notification = { kind, severity, group: alerts[0]?.group ?? '', alerts, text: notificationText(kind, alerts) };
    const targets = channels ?? this.#options.routes?.[severity] ?? [...this.#channels.keys()];
    for (const name of targets) {
      const channel = this.#channels.get(name);
      if (channel === undefined) continue;
      if (channel.queue.length >= (this.#options.maxQueuePerChannel ?? 1000)) {
        this.#count(name, 'dropped', notification);
        continue;
      }
      channel.queue.push(notification);
      void this.#drain(channel);
    }
  }

  async #drain(channel: Channel): Promise<void> {
    if (channel.busy) return;
    channel.busy = true;
    for (let next = channel.queue.shift(); next !== undefined; next = channel.queue.shift()) {
      try {
        await channel.notifier.send(next);
        this.#count(channel.notifier.name, 'delivered', next);
      } catch (error) {
        this.#count(channel.notifier.name, 'failed', next, error instanceof Error ? error : new Error(String(error)));
      }
    }
    channel.busy = false;
    if (this.#isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #isIdle(): boolean {
    return this.#groups.size === 0 && [...this.#channels.values()].every((c) => !c.busy && c.queue.length === 0);
  }

  #count(channel: string, outcome: Outcome, notification: Notification, error?: Error): void {
    const key = `${channel}|${outcome}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#options.onOutcome?.(channel, outcome, notification, error);
  }
}

import type { BotObservation, BotObserver } from './bot-observer.js';
import { type DetectionSignal, detectionSignals } from './detection-signals.js';
import type { ChaosProfile, ChaosScenario, ChaosTargets } from './scenario.js';

/** An expectation that did not hold, and what to do about it. */
export interface FailedExpectation {
  readonly expectation: string;
  readonly detail: string;
  readonly recommendation: string;
}

/** What one scenario did to the bot. Times are ms; null when it never happened. */
export interface ScenarioResult {
  readonly name: string;
  readonly description: string;
  readonly passed: boolean;
  readonly faultMillis: number;
  /** From the injection until every expected signal was seen. */
  readonly detectedAfterMillis: number | null;
  /** From healing until every signal cleared (and export resumed, when expected). */
  readonly recoveredAfterMillis: number | null;
  readonly signals: readonly { readonly signal: string; readonly seenAfterMillis: number | null }[];
  readonly alertsExpected: readonly string[];
  readonly alertsFired: readonly string[];
  readonly alertsMissed: readonly string[];
  readonly ordersPlaced: number;
  readonly fillsDuringFault: number;
  /** Orders placed before healing still open after the settle time, plus orders timed out. */
  readonly ordersLost: number;
  readonly telemetryDropped: number;
  /** Observations the bot did not answer in time. */
  readonly unanswered: number;
  readonly failures: readonly FailedExpectation[];
}

/** What {@link runScenario} reads the bot through: a {@link BotObserver}, or anything that observes alike. */
export type BotObserverLike = Pick<BotObserver, 'observe'>;

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  readonly profile: ChaosProfile;
  /** Between observations, ms. Default 250. */
  readonly pollMillis?: number;
  /** After healing, orders placed before it must be finished within this, ms. Default 8000. */
  readonly settleMillis?: number;
  /** Longest wait for a clean start (bot ready, nothing expected already firing), ms. Default 30000. */
  readonly baselineTimeoutMillis?: number;
}

const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

/** Polls `observer` until `done` holds for an observation or `timeoutMillis` passes; every observation goes to `each`. */
async function pollUntil(observer: BotObserverLike, pollMillis: number, timeoutMillis: number, each: (o: BotObservation) => boolean): Promise<BotObservation> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const observation = await observer.observe();
    if (each(observation) || Date.now() >= deadline) return observation;
    await sleep(pollMillis);
  }
}

/**
 * Runs one scenario against a running bot: waits for a clean start, injects the fault and
 * watches for every expected signal, holds the fault for its duration, heals it, watches the
 * recovery, then counts orders that never finished.
 */
export async function runScenario(scenario: ChaosScenario, targets: ChaosTargets, observer: BotObserverLike, options: RunScenarioOptions): Promise<ScenarioResult> {
  const poll = options.pollMillis ?? 250;
  const expect = scenario.expect;
  const signals = detectionSignals(expect);
  const faultMillis = scenario.faultMillis[options.profile];
  const failures: FailedExpectation[] = [];
  const alertsFired = new Set<string>();
  let unanswered = 0;
  const note = (o: BotObservation): void => {
    if (!o.reachable) unanswered++;
    for (const rule of o.firing) alertsFired.add(rule);
  };

  const clean = (o: BotObservation): boolean => o.reachable && o.ready && signals.every((s) => s.cleared(o));
  const before = await pollUntil(observer, poll, options.baselineTimeoutMillis ?? 30_000, clean);
  if (!clean(before)) {
    failures.push({
      expectation: 'clean start',
      detail: `the bot was not ready with every signal clear within ${options.baselineTimeoutMillis ?? 30_000} ms (firing: ${before.firing.join(', ') || 'none'})`,
      recommendation: 'A previous fault has not recovered: lengthen the settle time between scenarios, or fix the recovery the previous scenario reports.',
    });
  }

  // The fault: inject (some scenarios keep changing it), and watch until it has lasted its time.
  const injectedAt = Date.now();
  const seenAt = new Map<DetectionSignal, number>();
  const injecting = scenario.inject(targets, faultMillis);
  let lastDuringFault = before;
  const injection = { done: false };
  void injecting.then(
    () => (injection.done = true),
    () => (injection.done = true),
  );
  while (!injection.done || Date.now() - injectedAt < faultMillis) {
    const o = await observer.observe();
    note(o);
    if (o.reachable) lastDuringFault = o;
    for (const signal of signals) if (!seenAt.has(signal) && signal.seen(o, before)) seenAt.set(signal, o.at - injectedAt);
    await sleep(poll);
  }
  const unreachableTarget = (step: string) => (error: unknown) =>
    void failures.push({ expectation: step, detail: String(error), recommendation: `The fault could not be ${step === 'inject' ? 'injected' : 'healed'}: check the exchange control API and the bot’s /chaos routes are reachable, and that the bot is still running.` });
  await injecting.catch(unreachableTarget('inject'));

  // Heal, and watch the recovery.
  await scenario.heal(targets).catch(unreachableTarget('heal'));
  const healedAt = Date.now();
  const spansAtHeal = targets.collector.counts().spansAccepted;
  const recovered = (o: BotObservation): boolean =>
    clean(o) && (expect.exportResumes !== true || targets.collector.counts().spansAccepted > spansAtHeal);
  // What still held the recovery at the last observation before it: the failure names it.
  const holding = (o: BotObservation): string => {
    if (!o.reachable) return 'bot unreachable';
    const pending = signals.filter((s) => !s.cleared(o)).map((s) => {
      const why = s.heldBy?.(o) ?? null;
      return why === null ? s.label : `${s.label} (${why})`;
    });
    if (!o.ready && expect.ready === undefined) pending.push('not ready');
    return pending.length > 0 ? pending.join(', ') : 'export not resumed';
  };
  let heldBy = '';
  const recoveryLimit = Math.max(expect.recoverWithinMillis * 2, expect.recoverWithinMillis + 10_000);
  const afterHeal = await pollUntil(observer, poll, recoveryLimit, (o) => {
    note(o);
    for (const signal of signals) if (!seenAt.has(signal) && signal.seen(o, before)) seenAt.set(signal, o.at - injectedAt);
    if (recovered(o)) return true;
    heldBy = holding(o);
    return false;
  });
  const recoveredAfterMillis = recovered(afterHeal) ? afterHeal.at - healedAt : null;

  // Orders placed before healing must all be finished once the bot settled.
  const settle = options.settleMillis ?? 8_000;
  await sleep(Math.max(0, healedAt + settle - Date.now()));
  const end = await pollUntil(observer, poll, 5_000, (o) => o.reachable);
  const stuck = end.openOrderStarts.filter((startedAt) => startedAt <= healedAt).length;
  const ordersLost = stuck + Math.max(0, end.timedOutOrders - before.timedOutOrders);

  // Verdicts.
  for (const signal of signals) {
    if (!seenAt.has(signal)) failures.push({ expectation: signal.label, detail: `not seen within ${faultMillis} ms of fault and the recovery`, recommendation: signal.recommendation });
  }
  const detectedAfterMillis = signals.length > 0 && seenAt.size === signals.length ? Math.max(...seenAt.values()) : null;
  if (detectedAfterMillis !== null && detectedAfterMillis > expect.detectWithinMillis) {
    failures.push({
      expectation: `detect within ${expect.detectWithinMillis} ms`,
      detail: `took ${detectedAfterMillis} ms`,
      recommendation: 'Detection is slower than the budget: shorten the alert `for` durations, the evaluation interval, or the health check cache, or accept a larger budget explicitly.',
    });
  }
  if (recoveredAfterMillis === null || recoveredAfterMillis > expect.recoverWithinMillis) {
    failures.push({
      expectation: `recover within ${expect.recoverWithinMillis} ms`,
      detail: recoveredAfterMillis === null ? `not recovered after ${recoveryLimit} ms (still: ${heldBy})` : `took ${recoveredAfterMillis} ms (last to clear: ${heldBy})`,
      recommendation: 'Recovery is slow: check reconnect backoff caps, alert resolution (cooldowns, windows that still hold fault-time data) and that the governor returns to normal when alerts resolve.',
    });
  }
  const fillsDuringFault = lastDuringFault.orders.filled - before.orders.filled;
  if (expect.tradingContinues === true && fillsDuringFault <= 0) {
    failures.push({
      expectation: 'trading continues',
      detail: 'no fills during the fault',
      recommendation: 'The fault stopped trading although it should not: make sure telemetry calls never await exports, and that health checks on it are not on the readiness probe.',
    });
  }
  if (ordersLost > 0) {
    failures.push({
      expectation: 'no order lost',
      detail: `${stuck} order(s) still open ${settle} ms after healing, ${ordersLost - stuck} timed out`,
      recommendation: 'Orders lost track of: after a reconnect or a silent period, reconcile open orders with the exchange (query their status) instead of waiting for messages that were never sent.',
    });
  }
  if (expect.exportResumes === true && targets.collector.counts().spansAccepted <= spansAtHeal) {
    failures.push({ expectation: 'export resumes', detail: 'the collector received no span after it recovered', recommendation: 'Export did not resume: the exporter must retry on its schedule after failures, not stop.' });
  }

  const alertsExpected = expect.alerts ?? [];
  return {
    name: scenario.name,
    description: scenario.description,
    passed: failures.length === 0,
    faultMillis,
    detectedAfterMillis,
    recoveredAfterMillis,
    signals: signals.map((s) => ({ signal: s.label, seenAfterMillis: seenAt.get(s) ?? null })),
    alertsExpected,
    alertsFired: [...alertsFired].sort(),
    alertsMissed: alertsExpected.filter((rule) => !alertsFired.has(rule)),
    ordersPlaced: end.orders.placed - before.orders.placed,
    fillsDuringFault,
    ordersLost,
    telemetryDropped: end.telemetryDropped - before.telemetryDropped,
    unanswered,
    failures,
  };
}

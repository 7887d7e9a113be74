import type { BotObservation, BotObserver } from './bot-observer.js';
import { type DetectionSignal, detectionSignals } from './detection-signals.js';
import { sumSamples } from './prometheus-text.js';
import type { FaultCounts } from './proxy/proxy-faults.js';
import type { ChaosProfile, ChaosScenario, ChaosTargets } from './scenario.js';

/** The counter of requests the exchange refused for their rate (429, 418), as /metrics names it. */
const RATE_LIMIT_REFUSALS = 'trading_exchange_rate_limit_refusals_total';
const refusals = (o: BotObservation, status: '429' | '418'): number => sumSamples(o.metricsText, RATE_LIMIT_REFUSALS, { http_response_status_code: status });

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
  /**
   * Requests the exchange refused for their rate during the scenario: 429s, 418 bans, and the
   * 429s after the governor's first `rate_limit` block (null when it set none).
   */
  readonly refusals: { readonly rateLimited: number; readonly banned: number; readonly rateLimitedOnceThrottled: number | null };
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

/** A bot counts as trading while its last new order is at most this old, ms. */
const TRADING_BEFORE_MILLIS = 2000;

/** Follows the orders placed across observations: `observe` says whether the bot placed one within {@link TRADING_BEFORE_MILLIS}. */
function tradingWatch(): { observe(o: BotObservation): boolean } {
  let last: { placed: number; risenAt: number } | undefined;
  return {
    observe(o) {
      if (!o.reachable) return false;
      if (last === undefined) last = { placed: o.orders.placed, risenAt: Number.NEGATIVE_INFINITY };
      else if (o.orders.placed > last.placed) last = { placed: o.orders.placed, risenAt: o.at };
      return o.at - last.risenAt <= TRADING_BEFORE_MILLIS;
    },
  };
}

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
  const throttleSignal = signals.find((s) => s.label.startsWith('block rate_limit '));
  let rateLimitedWhenThrottled: number | undefined;
  const faultMillis = scenario.faultMillis[options.profile];
  const failures: FailedExpectation[] = [];
  const alertsFired = new Set<string>();
  let unanswered = 0;
  const note = (o: BotObservation): void => {
    if (!o.reachable) unanswered++;
    for (const rule of o.firing) alertsFired.add(rule);
  };

  const clean = (o: BotObservation): boolean => o.reachable && o.ready && signals.every((s) => s.cleared(o));
  const wantsTrading = expect.tradingBefore === true;
  const trading = tradingWatch();
  // trading.observe first: it must see every observation.
  const startable = (o: BotObservation): boolean => (trading.observe(o) || !wantsTrading) && clean(o);
  const before = await pollUntil(observer, poll, options.baselineTimeoutMillis ?? 30_000, startable);
  if (!startable(before)) {
    const idle = wantsTrading && !trading.observe(before) ? `; no order placed in the last ${TRADING_BEFORE_MILLIS} ms` : '';
    failures.push({
      expectation: 'clean start',
      detail: `the bot was not ready with every signal clear${wantsTrading ? ' and trading' : ''} within ${options.baselineTimeoutMillis ?? 30_000} ms (firing: ${before.firing.join(', ') || 'none'}${idle})`,
      recommendation:
        idle === ''
          ? 'A previous fault has not recovered: lengthen the settle time between scenarios, or fix the recovery the previous scenario reports.'
          : 'This fault shows only on orders, and the bot placed none: check what holds it back (its risk checks, the governor and its blocks, stale prices) before the drill.',
    });
  }

  // The fault: inject (some scenarios keep changing it), and watch until it has lasted its time.
  const countsBefore = expect.proxyActs === undefined ? undefined : await targets.proxyCounts();
  const injectedAt = Date.now();
  const seenAt = new Map<DetectionSignal, number>();
  const watch = (o: BotObservation): void => {
    for (const signal of signals) {
      if (seenAt.has(signal) || !signal.seen(o, before)) continue;
      seenAt.set(signal, o.at - injectedAt);
      if (signal === throttleSignal) rateLimitedWhenThrottled = refusals(o, '429');
    }
  };
  const injecting = scenario.inject(targets, faultMillis);
  let lastDuringFault = before;
  let unansweredDuringFault = 0;
  const injection = { done: false };
  void injecting.then(
    () => (injection.done = true),
    () => (injection.done = true),
  );
  while (!injection.done || Date.now() - injectedAt < faultMillis) {
    const o = await observer.observe();
    note(o);
    if (o.reachable) lastDuringFault = o;
    else unansweredDuringFault++;
    watch(o);
    await sleep(poll);
  }
  const countsAfter = expect.proxyActs === undefined ? undefined : await targets.proxyCounts();
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
    watch(o);
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
    if (!seenAt.has(signal)) {
      const activity = faultActivity(before, lastDuringFault, unansweredDuringFault);
      failures.push({ expectation: signal.label, detail: `not seen within ${faultMillis} ms of fault and the recovery (${activity})`, recommendation: signal.recommendation });
    }
  }
  const detectedAfterMillis = signals.length > 0 && seenAt.size === signals.length ? Math.max(...seenAt.values()) : null;
  if (detectedAfterMillis !== null && detectedAfterMillis > expect.detectWithinMillis) {
    failures.push({
      expectation: `detect within ${expect.detectWithinMillis} ms`,
      detail: `took ${detectedAfterMillis} ms (${[...seenAt].map(([signal, millis]) => `${signal.label} at ${millis} ms`).join(', ')})`,
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
      detail: `no fills during the fault (${faultActivity(before, lastDuringFault, unansweredDuringFault)})`,
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

  failures.push(...proxyFailures(expect.proxyActs ?? [], countsBefore, countsAfter));
  const refused = {
    rateLimited: refusals(end, '429') - refusals(before, '429'),
    banned: refusals(end, '418') - refusals(before, '418'),
    rateLimitedOnceThrottled: rateLimitedWhenThrottled === undefined ? null : refusals(end, '429') - rateLimitedWhenThrottled,
  };
  if (expect.noRefusalsOnceThrottled === true) failures.push(...refusalFailures(refused));
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
    refusals: refused,
  };
}

/** What the bot did during the fault: orders placed, what held it back, polls it left unanswered. */
function faultActivity(before: BotObservation, last: BotObservation, unanswered: number): string {
  const governor = last.governorReason === null ? last.governor : `${last.governor}: ${last.governorReason}`;
  const blocks = last.blocks.map((b) => `${b.source} ${b.level}${b.symbol === undefined ? '' : ` ${b.symbol}`}`);
  return `${last.orders.placed - before.orders.placed} order(s) placed, governor ${governor}, blocks: ${blocks.join(', ') || 'none'}, ${unanswered} poll(s) unanswered`;
}

/** The failures of a drill that must end unbanned, and unrefused once the governor throttled. */
function refusalFailures(refused: ScenarioResult['refusals']): FailedExpectation[] {
  const failures: FailedExpectation[] = [];
  if (refused.banned > 0) {
    failures.push({
      expectation: 'no 418 ban',
      detail: `the exchange banned ${refused.banned} request(s) (418)`,
      recommendation: 'The bot kept sending after 429s until the exchange banned it: honour Retry-After, and let the governor throttle at its rate-limit share (`rateLimitShare`) before the exchange refuses.',
    });
  }
  if (refused.rateLimitedOnceThrottled === null || refused.rateLimitedOnceThrottled > 0) {
    failures.push({
      expectation: 'no 429 once throttled',
      detail: refused.rateLimitedOnceThrottled === null ? 'the governor never throttled the exchange for its rate limit' : `the exchange refused ${refused.rateLimitedOnceThrottled} more request(s) (429) after the governor throttled`,
      recommendation: 'The governor throttled too late or too little: lower the rate-limit share it throttles at, or throttle harder, so the bot stays under the limit instead of being refused.',
    });
  }
  return failures;
}

/** A failure for each proxy count that did not rise during the fault: it never reached the bot's traffic. */
function proxyFailures(acts: readonly (keyof FaultCounts)[], before: Readonly<FaultCounts> | undefined, after: Readonly<FaultCounts> | undefined): FailedExpectation[] {
  if (acts.length === 0) return [];
  if (before === undefined || after === undefined) {
    return [{ expectation: `proxy ${acts.join(', ')}`, detail: 'the run has no chaos proxy', recommendation: 'This drill injects its fault on the wire: run it with the chaos proxy between the bot and its exchange (the default for the example bot; for your own bot, see docs/reliability.md).' }];
  }
  return acts
    .filter((count) => after[count] <= before[count])
    .map((count) => ({
      expectation: `proxy ${count}`,
      detail: `the proxy's ${count} did not rise during the fault (${before[count]} → ${after[count]})`,
      recommendation: 'The fault never reached the bot’s traffic: check the bot’s exchange URLs point at the proxy and that it uses the streams or requests the fault acts on.',
    }));
}

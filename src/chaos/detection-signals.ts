import type { BotObservation } from './bot-observer.js';
import { sumSamples } from './prometheus-text.js';
import type { BlockExpectation, ChaosExpectations, MetricExpectation } from './scenario.js';

/** One thing a fault must cause, and how to see it in an observation. */
export interface DetectionSignal {
  /** e.g. `alert exchange_disconnected`, `check memory degraded`, `governor halted`. */
  readonly label: string;
  /** True once the fault's effect shows, given the observation taken before the fault. */
  seen(now: BotObservation, before: BotObservation): boolean;
  /** True once the effect is gone again. */
  cleared(now: BotObservation): boolean;
  /** What keeps the signal from clearing, when the observation says (the governor's reason). */
  heldBy?(now: BotObservation): string | null;
  /** What to change when the signal never showed. */
  readonly recommendation: string;
}

/** `name{a="b"}`, as the report names a metric expectation. */
const metricLabel = (m: MetricExpectation): string => {
  const labels = Object.entries(m.labels ?? {}).map(([key, value]) => `${key}="${value}"`);
  return `${m.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''}`;
};

/** A counter that rose has recovered once it has not risen for this long, ms. */
const QUIET_MILLIS = 1000;

/** The signal of one metric expectation: a counter that rises (and stops), or a gauge that reaches a level (and falls below it). */
function metricSignal(m: MetricExpectation): DetectionSignal {
  const value = (o: BotObservation): number => sumSamples(o.metricsText, m.name, m.labels);
  const atLeast = m.atLeast;
  if (atLeast === undefined) {
    // Recovered once it stopped rising: unchanged for QUIET_MILLIS.
    let last: { value: number; changedAt: number } | undefined;
    return {
      label: `metric ${metricLabel(m)} rises`,
      seen: (now, before) => now.reachable && value(now) > value(before),
      cleared: (now) => {
        if (!now.reachable) return false;
        const v = value(now);
        if (last === undefined) last = { value: v, changedAt: Number.NEGATIVE_INFINITY };
        else if (v !== last.value) last = { value: v, changedAt: now.at };
        return now.at - last.changedAt >= QUIET_MILLIS;
      },
      recommendation: `\`${metricLabel(m)}\` did not count the fault: instrument the exchange client (trading-telemetry/ccxt instrumentExchange) so its errors, refusals and streams are measured.`,
    };
  }
  return {
    label: `metric ${metricLabel(m)} ≥ ${atLeast}`,
    seen: (now) => now.reachable && value(now) >= atLeast,
    cleared: (now) => now.reachable && value(now) < atLeast,
    recommendation: `\`${metricLabel(m)}\` never reached ${atLeast}: check the instrumentation reads what the exchange reports (response headers, event times).`,
  };
}

/**
 * The signal of one block expectation: a block of its source at its level (or harder) in force,
 * on its symbol only when it names one; cleared once no block of that source is left.
 */
function blockSignal(b: BlockExpectation): DetectionSignal {
  const ofSource = (o: BotObservation) => o.blocks.filter((block) => block.source === b.source);
  return {
    label: `block ${b.source} ${b.level}${b.symbol === undefined ? '' : ` on ${b.symbol} only`}`,
    seen: (now) => {
      const blocks = ofSource(now);
      const hard = blocks.some((block) => (b.level === 'throttle' || block.level === 'halt') && (b.symbol === undefined || block.symbol === b.symbol));
      return hard && (b.symbol === undefined || blocks.every((block) => block.symbol === b.symbol));
    },
    cleared: (now) => now.reachable && ofSource(now).length === 0,
    heldBy: (now) => ofSource(now).map((block) => block.reason).join('; ') || null,
    recommendation: `The governor never put a \`${b.source}\` ${b.level} in force${b.symbol === undefined ? '' : ` on ${b.symbol} alone`}: instrument the exchange (trading-telemetry/ccxt instrumentExchange) on the telemetry alerting reads, and pass \`exchange\` and \`symbol\` to governor.allow() so its blocks apply.`,
  };
}

const GOVERNOR_SEVERITY: Readonly<Record<string, number>> = { normal: 0, throttled: 1, halted: 2 };

/** The signals `expect` names, in a stable order. */
export function detectionSignals(expect: ChaosExpectations): DetectionSignal[] {
  const signals: DetectionSignal[] = [];
  for (const rule of expect.alerts ?? []) {
    signals.push({
      label: `alert ${rule}`,
      seen: (now) => now.firing.includes(rule),
      cleared: (now) => now.reachable && !now.firing.includes(rule),
      recommendation: `Alert rule \`${rule}\` never fired: check it is registered (tradingPresets), and lower its threshold or \`for\` duration so it fires within the fault; a fault shorter than the rule's \`for\` is invisible.`,
    });
  }
  for (const [check, status] of Object.entries(expect.checks ?? {})) {
    signals.push({
      label: `check ${check} ${status}`,
      seen: (now) => (status === 'unhealthy' ? now.checks[check] === 'unhealthy' : now.checks[check] === 'degraded' || now.checks[check] === 'unhealthy'),
      cleared: (now) => now.checks[check] === 'healthy',
      recommendation: `Health check \`${check}\` did not report ${status}: register it (startTelemetry registers event_loop, memory and telemetry_export; ConnectionMonitor registers exchange:<name>) and tighten its thresholds.`,
    });
  }
  if (expect.ready !== undefined) {
    const ready = expect.ready;
    signals.push({
      label: ready ? 'stays ready' : 'goes unready',
      seen: (now) => now.reachable && now.ready === ready,
      cleared: (now) => now.ready,
      recommendation: 'Readiness did not follow the fault: put the check that sees it on the readiness probe (`probes: [\'readiness\']`), so Kubernetes stops routing to a bot that cannot trade.',
    });
  }
  if (expect.governor !== undefined) {
    const wanted = GOVERNOR_SEVERITY[expect.governor] ?? 0;
    // The fault's own rules: the alerts it must fire, and the anomaly detector. A rule it does not
    // own (a losing streak the fault happened to cause) may hold the governor without failing the drill.
    const owned = new Set([...(expect.alerts ?? []), 'anomaly']);
    const heldByFault = (now: BotObservation): boolean => (GOVERNOR_SEVERITY[now.governor] ?? -1) >= wanted && now.firing.some((rule) => owned.has(rule));
    signals.push({
      label: `governor ${expect.governor}`,
      seen: heldByFault,
      cleared: (now) => now.reachable && !heldByFault(now),
      heldBy: (now) => now.governorReason,
      recommendation: `The activity governor never reached \`${expect.governor}\`: give the alert that detects this fault a \`governor\` label (halt or throttle) so new risk stops while it fires.`,
    });
  }
  for (const block of expect.blocks ?? []) signals.push(blockSignal(block));
  for (const metric of expect.metrics ?? []) signals.push(metricSignal(metric));
  if (expect.telemetryDrops === true) {
    signals.push({
      label: 'telemetry drops counted',
      seen: (now, before) => now.telemetryDropped > before.telemetryDropped,
      cleared: () => true,
      recommendation: 'Spans lost to the collector fault were not counted in `trading.telemetry.dropped`: export through startTelemetry’s bounded queue, which counts every drop by reason.',
    });
  }
  return signals;
}

import type { BotObservation } from './bot-observer.js';
import type { ChaosExpectations } from './scenario.js';

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

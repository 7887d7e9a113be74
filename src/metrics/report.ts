import { duration, money, percent, uptime } from '../format/numbers.js';
import type { TelemetrySnapshot } from './snapshot.js';

const WIDTH = 46;

function row(text: string): string {
  const clipped = text.length > WIDTH - 4 ? `${text.slice(0, WIDTH - 5)}…` : text;
  return `║ ${clipped.padEnd(WIDTH - 4)} ║`;
}

/**
 * Renders a snapshot as the boxed terminal report: status, uptime, orders and fill rate,
 * latency percentiles, P&L, positions and exchange connections. Pure: same snapshot, same text.
 */
export function formatReport(snapshot: TelemetrySnapshot): string {
  const rule = `╠${'═'.repeat(WIDTH - 2)}╣`;
  const o = snapshot.orders;
  const lines = [
    `╔${'═'.repeat(WIDTH - 2)}╗`,
    row('TRADING BOT MONITOR'),
    rule,
    row(`Status: ${snapshot.connected ? 'HEALTHY' : 'DEGRADED: exchange disconnected'}`),
    row(`Uptime: ${uptime(snapshot.uptimeSeconds)}`),
    rule,
    row(`Orders: ${o.placed} placed, ${o.filled} filled, ${o.rejected} rejected`),
    row(`        ${o.cancelled} cancelled, ${o.expired} expired, ${o.active} active`),
    row(`Fill rate: ${percent(snapshot.fillRate)}   Reject rate: ${percent(snapshot.rejectionRate)}`),
  ];
  const latency = snapshot.latency;
  lines.push(
    latency === null
      ? row('Latency: no completed orders yet')
      : row(`Latency: avg ${duration(latency.mean)}  p95 ${duration(latency.p95)}  p99 ${duration(latency.p99)}`),
    rule,
    row(`P&L: ${money(snapshot.pnl.total)} (realized ${money(snapshot.pnl.realized)}${snapshot.pnl.fees === 0 ? '' : `, fees ${money(snapshot.pnl.fees)}`})`),
  );
  for (const p of snapshot.positions.filter((position) => position.size !== 0)) {
    lines.push(row(`Position ${p.symbol}@${p.exchange}: ${p.size}`));
  }
  if (snapshot.exchanges.length > 0) lines.push(rule);
  for (const e of snapshot.exchanges) {
    const staleness = e.stalenessSeconds === null ? 'no data' : `last msg ${e.stalenessSeconds.toFixed(1)} s ago`;
    lines.push(row(`${e.connected ? '●' : '○'} ${e.exchange}: ${e.connected ? 'connected' : 'DISCONNECTED'}, ${staleness}`));
  }
  const refused = snapshot.telemetry.rejectedMeasurements;
  if (refused > 0) lines.push(rule, row(`Telemetry refused ${refused} bad measurements`));
  lines.push(`╚${'═'.repeat(WIDTH - 2)}╝`);
  return lines.join('\n');
}

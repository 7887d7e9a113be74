import type { HealthStatus } from '../health/health-check.js';
import type { HealthReport } from '../health/health-registry.js';
import type { HistoryColumn } from '../history/metrics-history.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { StageReport } from '../tracing/stage-report.js';
import { Box } from './box.js';
import { count, duration, money, percent, quantity, uptime } from '../format/numbers.js';
import { sparkline } from './sparkline.js';
import { columns, painter, type Tone } from './terminal-text.js';

/** An alert as the terminal view shows it (the fields of `/api/alerts` it reads). */
export interface ScreenAlert {
  readonly rule: string;
  readonly severity: string;
  readonly state: string;
  readonly message: string;
}

/** What the terminal view shows: the `/api/*` answers of one process. */
export interface ScreenInput {
  readonly url: string;
  readonly serviceName?: string;
  readonly snapshot: TelemetrySnapshot;
  /** Lifecycle state: starting, ready, draining, stopped. */
  readonly state?: string;
  readonly stages?: StageReport;
  readonly health?: HealthReport;
  /** Recent history samples, oldest first (JSON turns NaN into null), for the sparklines. */
  readonly history?: Partial<Record<HistoryColumn, readonly (number | null)[]>>;
  /** Active alerts; omit when the process runs no alerting. */
  readonly alerts?: readonly ScreenAlert[];
  /** Set into the bottom edge, e.g. `live · Ctrl-C quits` or `reconnecting…`. */
  readonly footer?: string;
}

/** How to draw: total width in columns (clamped to 60..140), and whether to use colour. */
export interface ScreenLayout {
  readonly width: number;
  readonly color: boolean;
}

const STATUS_TONE: Record<HealthStatus, Tone> = { healthy: 'green', degraded: 'yellow', unhealthy: 'red' };
const STATUS_MARK: Record<HealthStatus, string> = { healthy: '✓', degraded: '!', unhealthy: '✗' };
const MAX_ROWS = 8;

/**
 * The terminal dashboard as text: a box with a status line, then orders, latency and P&L (with
 * sparklines from the history), positions and balances, exchange connections, health checks,
 * where order time goes and active alerts. Every line is exactly `layout.width` columns. Pure:
 * `watch` and `report` print the same frame, and tests check it without a terminal.
 */
export function renderScreen(input: ScreenInput, layout: ScreenLayout = { width: 80, color: false }): string {
  const width = Math.min(140, Math.max(60, Math.floor(layout.width)));
  const p = painter(layout.color);
  const s = input.snapshot;
  const box = new Box(width);
  const spark = width - 4 - 22;
  const label = (text: string): string => p.paint(text, 'dim');

  box.top(p.paint(`TRADING TELEMETRY${input.serviceName === undefined ? '' : ` · ${input.serviceName}`}`, 'bold'), input.url);
  const status: HealthStatus = input.health?.status ?? (s.connected ? 'healthy' : 'degraded');
  const time = new Date(s.timestamp).toISOString().slice(11, 19);
  box.line(`${p.paint(`● ${status.toUpperCase()}`, STATUS_TONE[status])}   ${input.state ?? ''}   ${label('uptime')} ${uptime(s.uptimeSeconds)}   ${label('at')} ${time} UTC`);

  const o = s.orders;
  const history = input.history ?? {};
  const latest = (column: HistoryColumn): number | null => history[column]?.at(-1) ?? null;
  const rate = (column: HistoryColumn): string => {
    const value = latest(column);
    return value === null ? '' : `${value.toFixed(1)}/s`;
  };
  box.section('Orders', rate('placedRate') === '' ? '' : `${rate('placedRate')} placed`);
  box.line(`${label('placed')} ${count(o.placed)}   ${label('filled')} ${count(o.filled)}   ${label('rejected')} ${p.paint(count(o.rejected), o.rejected > 0 ? 'yellow' : 'dim')}   ${label('cancelled')} ${count(o.cancelled)}   ${label('expired')} ${count(o.expired)}   ${label('active')} ${count(o.active)}`);
  box.line(`${label('fill rate')} ${p.paint(percent(s.fillRate), 'bold')}   ${label('reject rate')} ${percent(s.rejectionRate)}   ${label('partial fills')} ${count(o.partiallyFilled)}`);
  if (history.placedRate !== undefined) box.line(`${label('orders/s'.padEnd(10))}${p.paint(sparkline(history.placedRate, spark), 'blue')}  ${rate('placedRate')}`);

  box.section('Latency', 'creation → final status');
  const l = s.latency;
  box.line(
    l === null
      ? label('no completed orders yet')
      : `${label('p50')} ${p.paint(duration(l.p50), 'bold')}   ${label('p95')} ${duration(l.p95)}   ${label('p99')} ${duration(l.p99)}   ${label('mean')} ${duration(l.mean)}   ${label('max')} ${duration(l.max)}`,
  );
  if (history.latencyP95 !== undefined) box.line(`${label('p95 trend'.padEnd(10))}${p.paint(sparkline(history.latencyP95, spark), 'yellow')}  ${duration(latest('latencyP95'))}`);

  box.section('P&L', 'quote currency');
  const signed = (value: number): string => p.paint(money(value), value > 0 ? 'green' : value < 0 ? 'red' : 'dim');
  const fees = s.pnl.fees === 0 ? '' : `   ${label('fees')} ${money(s.pnl.fees)}`;
  box.line(`${label('total')} ${p.paint(signed(s.pnl.total), 'bold')}   ${label('realized')} ${signed(s.pnl.realized)}${fees}   ${label('unrealized')} ${signed(s.pnl.unrealized)}`);
  const realized = history.pnlRealized;
  const unrealized = history.pnlUnrealized;
  if (realized !== undefined && unrealized !== undefined) {
    const total = realized.map((r, i) => (r === null ? null : r + (unrealized[i] ?? 0)));
    box.line(`${label('total'.padEnd(10))}${p.paint(sparkline(total, spark), 'cyan')}`);
  }

  const positions = s.positions.filter((position) => position.size !== 0);
  if (positions.length + s.balances.length > 0) {
    box.section('Positions & balances');
    const rows = [
      ...positions.map((x) => [x.exchange, x.symbol, p.paint(quantity(x.size), x.size > 0 ? 'green' : 'red'), ''] as const),
      ...s.balances.map((b) => [b.exchange, b.asset, '', money(b.amount).replace('+', '')] as const),
    ];
    for (const [exchange, asset, position, balance] of rows.slice(0, MAX_ROWS)) {
      box.line(columns([[exchange, 12], [asset, 12], [position, 16, 'right'], [balance, 20, 'right']]));
    }
    if (rows.length > MAX_ROWS) box.line(label(`… ${rows.length - MAX_ROWS} more`));
  }

  if (s.exchanges.length > 0) {
    box.section('Exchange connections');
    for (const e of s.exchanges) {
      const stale = e.stalenessSeconds !== null && e.stalenessSeconds > 10;
      const state = !e.connected ? p.paint('○ DISCONNECTED', 'red') : stale ? p.paint('● stale', 'yellow') : p.paint('● connected', 'green');
      const age = e.stalenessSeconds === null ? 'no data yet' : `last message ${e.stalenessSeconds.toFixed(1)} s ago`;
      box.line(columns([[e.exchange, 12], [state, 15], [age, 28], [`${count(e.messages)} msgs`, 14, 'right']]));
    }
  }

  if (input.health !== undefined && input.health.checks.length > 0) {
    box.section('Health', input.health.status);
    for (const c of input.health.checks) {
      box.line(columns([[p.paint(`${STATUS_MARK[c.status]} ${c.name}`, STATUS_TONE[c.status]), 22], [c.status, 10], [label(c.reason ?? ''), width - 42]]));
    }
  }

  if (input.stages !== undefined && input.stages.stages.length > 0) {
    box.section('Where order time goes', input.stages.dominant === null ? '' : `bottleneck: ${input.stages.dominant}`);
    box.line(label(columns([['stage', 17], ['p50', 9, 'right'], ['p95', 9, 'right'], ['p99', 9, 'right'], ['share', 18]])));
    for (const st of input.stages.stages) {
      const cells = Math.round(st.share * 10);
      const bar = p.paint('█'.repeat(cells), st.stage === input.stages.dominant ? 'yellow' : 'blue') + label('░'.repeat(10 - cells));
      box.line(columns([[st.stage, 17], [duration(st.p50), 9, 'right'], [duration(st.p95), 9, 'right'], [duration(st.p99), 9, 'right'], [`${bar} ${percent(st.share)}`, 18]]));
    }
  }

  if (input.alerts !== undefined) box.section('Alerts', `${input.alerts.filter((a) => a.state === 'firing').length} firing`);
  if (input.alerts !== undefined && input.alerts.length === 0) box.line(p.paint('no active alerts', 'green'));
  for (const a of [...(input.alerts ?? [])].sort((x, y) => Number(y.state === 'firing') - Number(x.state === 'firing')).slice(0, MAX_ROWS)) {
    const tone: Tone = a.state === 'firing' ? (a.severity === 'critical' ? 'red' : 'yellow') : 'dim';
    box.line(columns([[p.paint(`● ${a.state.toUpperCase()}`, tone), 10], [a.severity, 8], [a.rule, 22], [label(a.message), width - 50]]));
  }

  const refused = s.telemetry.rejectedMeasurements;
  if (refused > 0) box.section('Telemetry').line(p.paint(`refused ${count(refused)} bad measurements (bad numbers, labels or enums)`, 'yellow'));
  return box.close(input.footer ?? '');
}


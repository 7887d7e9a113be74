// The live dashboard: plain ES module, no framework, no network beyond this server.
// Data: /api/config (with the features this process serves), /api/history and /api/snapshot
// at load, /api/stream (SSE) live, /api/orders for the order list, /api/exchanges for the
// instrumented exchanges' health, and /api/alerts and /api/incidents only when the process
// serves alerting.

const token = new URLSearchParams(location.search).get('access_token');
const auth = token ? { authorization: `Bearer ${token}` } : {};
const withToken = (path) => (token ? `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}` : path);
const getJson = async (path) => {
  const response = await fetch(path, { headers: auth });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
};
// State changes go as JSON: the server refuses any other type (a cross-site form cannot send it).
const postJson = async (path, body) => {
  const response = await fetch(withToken(path), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${(await response.json().catch(() => ({}))).error ?? ''}`);
  return response.json();
};
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
};

// ---- formatting: readable numbers with units ----
const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const fmtPct = (r) => (r === null || !Number.isFinite(r) ? '—' : `${(r * 100).toFixed(1)}%`);
const fmtMoney = (v) => (Number.isFinite(v) ? `${v < 0 ? '−' : '+'}${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : '—');
const fmtDuration = (seconds) => {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)} µs`;
  if (seconds < 1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;
  return `${seconds.toFixed(2)} s`;
};
const fmtMillis = (ms) => fmtDuration(ms / 1000);
const fmtUptime = (s) => `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
const fmtTime = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
const fmtQty = (q) => (Number.isFinite(q) ? Number(q.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 }) : '—');
const tag = (text, kind = text) => el('span', { class: `tag ${kind}` }, text);
const signClass = (v) => (v > 0 ? 'pos' : v < 0 ? 'neg' : '');

// ---- theme ----
const root = document.documentElement;
root.dataset.theme = localStorage.getItem('theme') ?? (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
$('theme').addEventListener('click', () => {
  root.dataset.theme = root.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem('theme', root.dataset.theme);
  for (const chart of Object.values(charts)) chart.redraw();
});
const css = (name) => getComputedStyle(root).getPropertyValue(name).trim();

// ---- charts ----
const MAX_POINTS = 3600;
const series = { t: [], pnlRealized: [], pnlUnrealized: [], pnlTotal: [], placed: [], filled: [], rejected: [], cancelled: [], p50: [], p95: [], p99: [] };
const charts = {};

function makeChart(id, lines, valueFormat) {
  const target = $(id);
  const opts = {
    width: target.clientWidth || 480,
    height: 220,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: { x: { time: true } },
    axes: [
      { stroke: () => css('--muted'), grid: { stroke: () => css('--border'), width: 1 }, ticks: { stroke: () => css('--border') } },
      { stroke: () => css('--muted'), grid: { stroke: () => css('--border'), width: 1 }, ticks: { stroke: () => css('--border') }, size: 84, values: (_u, ticks) => ticks.map(valueFormat) },
    ],
    series: [{}, ...lines.map(([label, color]) => ({ label, stroke: () => css(color), width: 1.6, value: (_u, v) => (v === null ? '—' : valueFormat(v)), spanGaps: false }))],
  };
  const data = [series.t, ...lines.map(([, , key]) => series[key])];
  const chart = new uPlot(opts, data, target);
  new ResizeObserver(() => chart.setSize({ width: target.clientWidth, height: 220 })).observe(target);
  return chart;
}

function pushSample(sample) {
  if (series.t.length > 0 && sample.t / 1000 <= series.t.at(-1)) return;
  const nan = (v) => (Number.isFinite(v) ? v : null);
  series.t.push(sample.t / 1000);
  series.pnlRealized.push(sample.pnlRealized);
  series.pnlUnrealized.push(sample.pnlUnrealized);
  series.pnlTotal.push(sample.pnlRealized + sample.pnlUnrealized);
  series.placed.push(sample.placedRate);
  series.filled.push(sample.filledRate);
  series.rejected.push(sample.rejectedRate);
  series.cancelled.push(sample.cancelledRate);
  series.p50.push(nan(sample.latencyP50 * 1000));
  series.p95.push(nan(sample.latencyP95 * 1000));
  series.p99.push(nan(sample.latencyP99 * 1000));
  if (series.t.length > MAX_POINTS) for (const values of Object.values(series)) values.shift();
}

function redrawCharts() {
  charts.pnl.setData([series.t, series.pnlTotal, series.pnlRealized, series.pnlUnrealized]);
  charts.orders.setData([series.t, series.placed, series.filled, series.rejected, series.cancelled]);
  charts.latency.setData([series.t, series.p50, series.p95, series.p99]);
  window.__dashboard.updates++;
}

// ---- panels ----
function renderSnapshot(s) {
  const o = s.orders;
  $('k-placed').textContent = fmtInt(o.placed);
  $('k-placed-sub').textContent = `${fmtInt(o.filled)} filled · ${fmtInt(o.active)} active`;
  $('k-fill').textContent = fmtPct(s.fillRate);
  $('k-fill-sub').textContent = `${fmtInt(o.partiallyFilled)} partial fills · ${fmtInt(o.cancelled)} cancelled`;
  $('k-rejected').textContent = fmtInt(o.rejected);
  $('k-rejected-sub').textContent = `${fmtPct(s.rejectionRate)} of placed`;
  $('k-latency').textContent = s.latency ? fmtDuration(s.latency.p50) : '—';
  $('k-latency-sub').textContent = s.latency ? `p95 ${fmtDuration(s.latency.p95)} · p99 ${fmtDuration(s.latency.p99)}` : 'no completed orders yet';
  const pnl = $('k-pnl');
  pnl.textContent = fmtMoney(s.pnl.total);
  pnl.className = `big ${signClass(s.pnl.total)}`;
  const fees = s.pnl.fees === 0 ? '' : ` · fees ${fmtMoney(s.pnl.fees)}`;
  $('k-pnl-sub').textContent = `realized ${fmtMoney(s.pnl.realized)}${fees} · unrealized ${fmtMoney(s.pnl.unrealized)}`;
  const messages = s.exchanges.reduce((sum, e) => sum + e.messages, 0);
  const rate = series.t.length > 0 ? window.__dashboard.lastSample?.messageRate ?? 0 : 0;
  $('k-md').textContent = `${rate.toFixed(0)}/s`;
  $('k-md-sub').textContent = `${fmtInt(messages)} messages · ${s.exchanges.filter((e) => e.connected).length}/${s.exchanges.length} exchanges up`;
  $('uptime').textContent = fmtUptime(s.uptimeSeconds);

  const rows = [...s.positions.map((p) => [p.exchange, p.symbol, p.size, null]), ...s.balances.filter((b) => !s.positions.some((p) => p.symbol.startsWith(`${b.asset}-`))).map((b) => [b.exchange, b.asset, null, b.amount])];
  $('positions').tBodies[0].replaceChildren(...rows.map(([exchange, asset, position, balance]) =>
    el('tr', {}, el('td', {}, exchange), el('td', {}, asset), el('td', { class: `num ${signClass(position ?? 0)}` }, position === null ? '' : fmtQty(position)), el('td', { class: 'num' }, balance === null ? '' : fmtMoney(balance).replace('+', '')))));
  $('exchanges').tBodies[0].replaceChildren(...s.exchanges.map((e) => {
    const stale = e.stalenessSeconds;
    const state = !e.connected ? 'disconnected' : stale !== null && stale > 10 ? 'stale' : 'open';
    return el('tr', {}, el('td', {}, e.exchange), el('td', {}, tag(state)), el('td', { class: 'num' }, stale === null ? '—' : `${stale.toFixed(1)} s`), el('td', { class: 'num' }, fmtInt(e.messages)));
  }));
}

function renderHealth(report, state) {
  const pill = $('status-pill');
  pill.textContent = report.status.toUpperCase();
  pill.className = `pill ${report.status}`;
  $('state').textContent = state;
  $('health').tBodies[0].replaceChildren(...report.checks.map((c) =>
    el('tr', {}, el('td', {}, c.name), el('td', {}, tag(c.status)), el('td', { class: 'reason' }, c.reason ?? ''))));
}

function renderStages(report) {
  $('dominant').textContent = report.dominant ? `bottleneck: ${report.dominant}` : '';
  $('stages').tBodies[0].replaceChildren(...report.stages.map((s) =>
    el('tr', {}, el('td', {}, s.stage), el('td', { class: 'num' }, fmtDuration(s.p50)), el('td', { class: 'num' }, fmtDuration(s.p95)), el('td', { class: 'num' }, fmtDuration(s.p99)),
      el('td', {}, el('span', { class: 'share-bar', style: `width:${Math.max(2, s.share * 60)}px` }), ` ${fmtPct(s.share)}`))));
}

const ackButton = (a) => (a.state === 'firing' && a.acknowledgedBy === null
  ? el('button', { class: 'ghost', type: 'button', 'data-ack': a.id, onclick: () => void act(() => postJson(`/api/alerts/${encodeURIComponent(a.id)}/ack`, { by: 'dashboard' })) }, 'Ack')
  : a.acknowledgedBy === null ? '' : el('span', { class: 'muted' }, `acked by ${a.acknowledgedBy}`));

/** Runs an operator action, then shows its effect at once. */
async function act(action) {
  try {
    await action();
  } catch (error) {
    $('alerts-note').textContent = `action failed: ${error.message}`;
  }
  await refreshAlerts();
}

function renderGovernor(governor) {
  $('governor-bar').hidden = false;
  const state = $('governor-state');
  state.textContent = governor.state;
  state.className = `tag ${governor.state}`;
  $('governor-reason').textContent = governor.reason ?? '';
}
$('governor-halt').addEventListener('click', () => void act(() => postJson('/api/governor', { state: 'halted', reason: 'halted from the dashboard', minutes: 15 })));
$('governor-auto').addEventListener('click', () => void act(() => postJson('/api/governor', { state: 'auto' })));

function renderRisk(risk) {
  if (risk === null) return;
  const daily = $('risk-daily');
  daily.textContent = fmtMoney(risk.dailyPnl);
  daily.className = `num ${signClass(risk.dailyPnl)}`;
  $('risk-drawdown').textContent = fmtMoney(-risk.drawdown);
  $('risk-hwm').textContent = fmtMoney(risk.highWaterMark);
}

async function refreshAlerts() {
  try {
    const [{ alerts, governor, risk }, { incidents }] = await Promise.all([getJson(withToken('/api/alerts')), getJson(withToken('/api/incidents?limit=15'))]);
    renderGovernor(governor);
    renderRisk(risk);
    $('alerts-note').textContent = `${alerts.filter((a) => a.state === 'firing').length} firing`;
    $('alerts').tBodies[0].replaceChildren(...(alerts.length === 0 ? [el('tr', {}, el('td', { colspan: '6', class: 'reason' }, 'No active alerts'))] : alerts.map((a) =>
      el('tr', { 'data-rule': a.rule }, el('td', {}, a.rule), el('td', {}, tag(a.severity)), el('td', {}, tag(a.state)), el('td', {}, fmtTime(a.since)), el('td', { class: 'reason' }, a.message), el('td', {}, ackButton(a))))));
    $('incidents').tBodies[0].replaceChildren(...incidents.map((i) =>
      el('tr', {}, el('td', {}, fmtTime(i.at)), el('td', {}, tag(i.kind)), el('td', {}, i.rule), el('td', { class: 'reason' }, i.message ?? ''))));
  } catch (error) {
    $('alerts-note').textContent = `alerts unavailable: ${error.message}`;
  }
}

// ---- exchange health (each exchange instrumented with trading-telemetry/ccxt) ----
const fmtSigned = (v, unit) => `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(1)} ${unit}`;
/** A bar for a share of a limit: amber from `warnAt`, red from `alarmAt`. */
function meter(share, warnAt, alarmAt) {
  const value = Number.isFinite(share) ? Math.max(0, share) : 0;
  const level = value >= alarmAt ? 'alarm' : value >= warnAt ? 'warn' : 'ok';
  return el('span', { class: `meter ${level}`, role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '1', 'aria-valuenow': value.toFixed(3) }, el('span', { class: 'meter-fill', style: `width:${Math.min(100, value * 100)}%` }));
}

// Red where the governor throttles the exchange, amber from 0.1 below; ccxt's own throttler is shown, never acted on.
function limitMeter(limit, share) {
  return limit.limit === 'ccxt_throttler' ? meter(limit.usage, Infinity, Infinity) : meter(limit.usage, share - 0.1, share);
}

function refusalTag(refusal) {
  const left = refusal === null ? 0 : Math.ceil((refusal.until - Date.now()) / 1000);
  if (left <= 0) return '';
  return refusal.status === 418 ? tag(`banned (418) · ${left} s left`, 'halted') : tag(`rate limited (429) · ${left} s left`, 'throttled');
}

function clockLine(clock) {
  if (clock === null) return el('div', { class: 'clock muted' }, 'clock offset: not measured yet');
  // The governor halts at recvWindow/2 (signatures start failing beyond it) and health degrades at a quarter.
  const halfWindow = clock.recvWindowMillis / 2;
  // A null uncertainty: WebSocket stamps alone measured it, and the offset is at least this.
  const bound = clock.uncertaintyMillis === null ? 'at least' : `± ${clock.uncertaintyMillis.toFixed(1)} ms`;
  const share = clock.distanceMillis / halfWindow;
  return el('div', { class: 'clock', 'data-clock-offset-ms': String(clock.offsetMillis) }, 'clock offset', meter(share, 0.5, 1),
    el('span', { class: 'num' }, `${fmtSigned(clock.offsetMillis, 'ms')} ${bound}`),
    el('span', { class: 'muted' }, `halts at ${fmtInt(halfWindow)} ms (recvWindow/2)`));
}

function renderVenue(x) {
  const limits = el('table', { class: 'rate-limits' }, el('thead', {}, el('tr', {}, el('th', {}, 'Rate limit'), el('th', { class: 'num' }, 'Used'), el('th', { class: 'num' }, 'Of'), el('th', {}, 'Headroom used'))),
    el('tbody', {}, ...x.rateLimits.map((r) => el('tr', { 'data-limit': r.limit }, el('td', {}, r.limit), el('td', { class: 'num' }, fmtInt(r.used)), el('td', { class: 'num' }, r.size === null ? '—' : fmtInt(r.size)),
      el('td', {}, limitMeter(r, x.rateLimitShare), ` ${fmtPct(r.usage)}`)))));
  const books = el('table', { class: 'books' }, el('thead', {}, el('tr', {}, el('th', {}, 'Book'), el('th', {}, 'State'), el('th', { class: 'num' }, 'Age'), el('th', { class: 'num' }, 'Median gap'), el('th', { class: 'num' }, 'Seq gaps'), el('th', { class: 'num' }, 'Resyncs'), el('th', { class: 'num' }, 'Crossed · locked'))),
    el('tbody', {}, ...x.books.map((b) => el('tr', { 'data-symbol': b.symbol }, el('td', {}, b.symbol), el('td', {}, b.silent ? tag('zombie') : tag('live')), el('td', { class: 'num' }, b.ageSeconds === null ? '—' : fmtDuration(b.ageSeconds)),
      el('td', { class: 'num' }, b.medianIntervalMillis === null ? '—' : fmtMillis(b.medianIntervalMillis)), el('td', { class: 'num' }, fmtInt(b.gaps)), el('td', { class: 'num' }, fmtInt(b.resyncs)), el('td', { class: 'num' }, `${fmtInt(b.crossed)} · ${fmtInt(b.locked)}`)))));
  const blocks = x.blocks.map((b) => el('li', { 'data-block': b.source }, tag(b.level, b.level === 'halt' ? 'halted' : 'throttled'), ` ${b.symbol ?? 'every symbol'}: `, el('span', { class: 'reason' }, b.reason)));
  return el('article', { class: 'venue', 'data-exchange': x.exchange },
    el('h3', {}, x.exchange, tag(x.connected ? 'open' : 'disconnected'), refusalTag(x.refusal)),
    clockLine(x.clock), limits, x.books.length === 0 ? '' : books,
    blocks.length === 0 ? '' : el('ul', { class: 'blocks' }, ...blocks));
}

async function refreshExchangeHealth() {
  try {
    const { exchanges } = await getJson(withToken('/api/exchanges'));
    $('exchange-health-card').hidden = exchanges.length === 0; // no exchange instrumented in this process
    $('exchange-health').replaceChildren(...exchanges.map(renderVenue));
  } catch (error) {
    $('exchange-health').replaceChildren(el('p', { class: 'muted' }, `exchange health unavailable: ${error.message}`));
  }
}

const alertingServed = () => (config.features ?? []).includes('alerting');

// ---- orders and the waterfall ----
let config = { jaegerUrl: null, features: [] };
let searching = '';
async function refreshOrders() {
  const { orders } = await getJson(withToken(`/api/orders?limit=30&q=${encodeURIComponent(searching)}`));
  $('orders').tBodies[0].replaceChildren(...orders.map((o) => {
    const last = o.stages.at(-1);
    return el('tr', { onclick: () => openWaterfall(o.correlationId), 'data-correlation-id': o.correlationId },
      el('td', {}, fmtTime(o.startedAt)), el('td', { class: 'mono' }, o.correlationId), el('td', {}, o.symbol),
      el('td', { class: `side-${o.side}` }, o.side), el('td', { class: 'num' }, fmtQty(o.quantity)), el('td', {}, tag(o.stage)),
      el('td', { class: 'num' }, last ? fmtMillis(last.at - o.startedAt) : '—'), el('td', {}, o.slowestStage ?? '—'));
  }));
}

async function openWaterfall(correlationId) {
  const order = await getJson(withToken(`/api/orders/${encodeURIComponent(correlationId)}`));
  const end = order.stages.at(-1).at;
  const total = Math.max(end - order.startedAt, 0.001);
  $('wf-title').textContent = `${order.side.toUpperCase()} ${fmtQty(order.quantity)} ${order.symbol} · ${order.stage}`;
  $('wf-meta').textContent = `correlation id ${order.correlationId} · trace ${order.traceId} · total ${fmtMillis(total)}${order.exchangeOrderId ? ` · exchange id ${order.exchangeOrderId}` : ''}${order.rejectReason ? ` · rejected: ${order.rejectReason}` : ''}`;
  let previous = order.startedAt;
  const stages = order.stages.slice(1);
  // One bar is the slowest, even when a stage repeats (several partial fills): the first longest, as slowestStage is.
  const slowest = stages.reduce((best, s, i) => (s.durationMs > (stages[best]?.durationMs ?? 0) ? i : best), -1);
  $('wf-bars').replaceChildren(...stages.map((s, i) => {
    const left = ((previous - order.startedAt) / total) * 100;
    const width = ((s.at - previous) / total) * 100;
    previous = s.at;
    return el('div', { class: `bar-row${i === slowest ? ' slowest' : ''}`, 'data-stage': s.stage, 'data-duration-ms': String(s.durationMs) },
      el('span', { class: 'stage-name' }, s.stage),
      el('div', { class: 'bar-track' }, el('div', { class: 'bar', style: `left:${left}%;width:${width}%` })),
      el('span', { class: 'bar-value' }, fmtMillis(s.durationMs)));
  }));
  const link = $('wf-link');
  // Only a kept trace is in Jaeger (orders.keep decides at the order's end); the stages above come from every order.
  const kept = order.traceKept !== false;
  link.replaceChildren(!kept
    ? el('span', { class: 'muted' }, order.done ? 'Trace not exported (not kept by orders.keep, or not sampled): the stages above are all there is.' : 'Open: whether its trace is kept is decided when it ends.')
    : config.jaegerUrl ? el('a', { href: `${config.jaegerUrl}/trace/${order.traceId}`, target: '_blank', rel: 'noopener' }, 'Open the trace in Jaeger →') : el('span', { class: 'muted' }, 'Set dashboard.jaegerUrl to link traces in Jaeger.'));
  $('waterfall').showModal();
}
$('wf-close').addEventListener('click', () => $('waterfall').close());
let searchTimer;
$('search').addEventListener('input', (event) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    searching = event.target.value.trim();
    void refreshOrders();
  }, 200);
});

// ---- start ----
window.__dashboard = { updates: 0, charts, series, lastSample: undefined };
async function start() {
  config = await getJson(withToken('/api/config'));
  $('service').textContent = config.serviceName;
  document.title = `${config.serviceName} · trading telemetry`;
  const money = (v) => fmtMoney(v);
  charts.pnl = makeChart('chart-pnl', [['total', '--blue', 'pnlTotal'], ['realized net', '--green', 'pnlRealized'], ['unrealized', '--violet', 'pnlUnrealized']], money);
  charts.orders = makeChart('chart-orders', [['placed', '--blue', 'placed'], ['filled', '--green', 'filled'], ['rejected', '--red', 'rejected'], ['cancelled', '--muted', 'cancelled']], (v) => v.toFixed(1));
  charts.latency = makeChart('chart-latency', [['p50', '--teal', 'p50'], ['p95', '--amber', 'p95'], ['p99', '--red', 'p99']], (v) => `${v.toFixed(v < 10 ? 2 : 0)}`);
  const history = await getJson(withToken('/api/history'));
  const h = history.series;
  for (let i = 0; i < h.t.length; i++) pushSample(Object.fromEntries(Object.keys(h).map((k) => [k, h[k][i]])));
  redrawCharts();
  const first = await getJson(withToken('/api/snapshot'));
  renderSnapshot(first.snapshot);
  renderHealth(first.health, first.state);
  renderStages(first.stages);

  const stream = new EventSource(withToken('/api/stream'));
  stream.addEventListener('update', (event) => {
    const { sample, snapshot } = JSON.parse(event.data);
    window.__dashboard.lastSample = sample;
    pushSample(sample);
    redrawCharts();
    renderSnapshot(snapshot);
  });
  setInterval(async () => {
    const latest = await getJson(withToken('/api/snapshot'));
    renderHealth(latest.health, latest.state);
    renderStages(latest.stages);
    await refreshOrders();
    await refreshExchangeHealth();
    if (alertingServed()) await refreshAlerts();
  }, 2000);
  await refreshOrders();
  await refreshExchangeHealth();
  if (alertingServed()) await refreshAlerts();
  else $('alerts-note').textContent = 'alerting is not attached in this process (startAlerting)';
}
start().catch((error) => {
  $('status-pill').textContent = 'ERROR';
  $('status-pill').className = 'pill unhealthy';
  $('state').textContent = error.message;
});

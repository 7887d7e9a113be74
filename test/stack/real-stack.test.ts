import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/bot-process.js';
import { alertRules, dashboardQueries, documentedQueries } from '../support/promql-sources.js';
import { promQuery, selectorsOf } from '../support/prometheus-api.js';
import { type RealStack, startRealStack } from '../support/real-stack.js';

/** Jaeger's query API (the one its UI uses): traces with their spans, tags and logs. */
interface JaegerSpan {
  spanID: string;
  traceID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  logs: { fields: { key: string; value: unknown }[] }[];
}
interface PromExemplars {
  status: string;
  error?: string;
  data?: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string; timestamp: number }[] }[];
}
interface JaegerMetrics {
  metrics?: { labels: { name: string; value: string }[]; metricPoints: { gaugeValue?: { doubleValue: number } }[] }[];
}

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};

/** The series names Prometheus holds for `selector`, each with the union of its label names. */
async function seriesNames(prometheus: string, selector: string): Promise<Record<string, string[]>> {
  const body = await getJson<{ data: Record<string, string>[] }>(`${prometheus}/api/v1/series?match[]=${encodeURIComponent(selector)}`);
  const names = new Map<string, Set<string>>();
  for (const series of body.data) {
    const { __name__: name = '', ...labels } = series;
    const known = names.get(name) ?? new Set<string>();
    for (const label of Object.keys(labels)) known.add(label);
    names.set(name, known);
  }
  return Object.fromEntries([...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, labels]) => [name, [...labels].sort()]));
}

describe('the real stack: bot → Collector → Jaeger and Prometheus → Alertmanager, on the shipped configs', () => {
  let stack: RealStack;
  const control = async (fault: string, bot = stack.bot): Promise<void> => {
    const response = await fetch(`${bot.control}/${fault}`, { method: 'POST' });
    expect(response.ok, `${fault}: ${response.status}`).toBe(true);
  };
  const withLogs = (what: string): string => `${what}\n${stack.logs()}`;
  const pushing = (): NonNullable<RealStack['pushingBot']> => {
    if (stack.pushingBot === undefined) throw new Error('the stack runs no pushing bot');
    return stack.pushingBot;
  };
  /** Exemplars Prometheus returns for `query` over the last hour. */
  const exemplarsOf = async (query: string): Promise<NonNullable<PromExemplars['data']>> => {
    const now = Date.now() / 1000;
    const body = await getJson<PromExemplars>(`${stack.urls.prometheus}/api/v1/query_exemplars?query=${encodeURIComponent(query)}&start=${now - 3600}&end=${now}`);
    expect(body.status, `${query}: ${body.error ?? ''}`).toBe('success');
    return body.data ?? [];
  };
  /** The spans of a trace, once Jaeger has it. */
  // A trace's spans reach Jaeger in more than one export (the SDK's batches, then the
  // Collector's), and an exemplar can be scraped before its span is exported: wait for the
  // span the test is about, not for the first span of its trace.
  const jaegerTrace = async (traceId: string, holds: (span: JaegerSpan) => boolean): Promise<JaegerSpan[]> =>
    eventually(async () => {
      const response = await fetch(`${stack.urls.jaeger}/api/traces/${traceId}`);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { data?: { spans: JaegerSpan[] }[] };
      const spans = body.data?.[0]?.spans;
      return spans?.some(holds) === true ? spans : undefined;
    }, withLogs(`trace ${traceId} in Jaeger`), 30_000);

  beforeAll(async () => {
    // A second bot pushes its metrics through the Collector instead of being scraped.
    stack = await startRealStack({ pushingBot: true });
    // Rejected orders end their lifecycle span with an error: Jaeger's Monitor shows an error rate.
    // Both bots reject, so both paths carry the reject-reason series.
    await control('reject-burst?count=30&reason=insufficient_balance');
    await control('reject-burst?count=30&reason=insufficient_balance', pushing().bot);
  }, 120_000);

  afterAll(async () => {
    await (stack as RealStack | undefined)?.stop(); // undefined when beforeAll failed
  }, 60_000);

  it('the bot’s server needs the token Prometheus sends: 401 without it, and Prometheus scrapes it', async () => {
    const bare = await fetch(`${stack.bot.url}/metrics`);
    expect(bare.status).toBe(401);
    const withToken = await fetch(`${stack.bot.url}/metrics`, { headers: { authorization: `Bearer ${stack.token}` } });
    expect(withToken.status).toBe(200);
    const up = await eventually(async () => {
      const body = await getJson<{ data: { activeTargets: { labels: { job: string }; health: string }[] } }>(`${stack.urls.prometheus}/api/v1/targets`);
      const bot = body.data.activeTargets.find((t) => t.labels.job === 'trading-bot');
      return bot?.health === 'up' ? bot : undefined;
    }, withLogs('Prometheus scraping the bot with its token'), 60_000);
    expect(up.health).toBe('up');
  }, 90_000);

  it('Jaeger lists the bot and finds an order’s trace by its correlation id, with stage events and child spans', async () => {
    const services = await eventually(async () => {
      const body = await getJson<{ data: string[] }>(`${stack.urls.jaeger}/api/services`);
      return body.data.includes(stack.serviceName) ? body.data : undefined;
    }, withLogs('the bot in Jaeger’s services'), 60_000);
    expect(services).toContain(stack.serviceName);

    // An order the bot logged as filled (ccxt's status `closed`), by the correlation id its log line carries.
    const finished = await eventually(() => Promise.resolve(stack.bot.lines.find((l) => l.msg === 'order finished' && l.outcome === 'closed' && typeof l.correlation_id === 'string')), 'a filled order in the bot’s log', 30_000);
    const correlationId = String(finished.correlation_id);
    const tags = encodeURIComponent(JSON.stringify({ 'trading.correlation_id': correlationId }));
    const spans = await eventually(async () => {
      const body = await getJson<{ data: { traceID: string; spans: JaegerSpan[] }[] }>(`${stack.urls.jaeger}/api/traces?service=${stack.serviceName}&tags=${tags}&lookback=1h&limit=5`);
      return body.data[0]?.spans.some((s) => s.operationName === 'order.lifecycle') === true ? body.data[0] : undefined;
    }, withLogs(`the trace of order ${correlationId} in Jaeger`), 60_000);

    const lifecycle = spans.spans.find((s) => s.operationName === 'order.lifecycle');
    expect(lifecycle?.tags).toContainEqual(expect.objectContaining({ key: 'trading.correlation_id', value: correlationId }));
    // Kept at its end by the bot's --keep-traces all: the reason reaches Jaeger through the Collector.
    expect(lifecycle?.tags).toContainEqual(expect.objectContaining({ key: 'trading.trace.kept_by', value: 'all' }));
    const events = (lifecycle?.logs ?? []).map((log) => log.fields.find((f) => f.key === 'event')?.value);
    for (const stage of ['order.sent', 'order.acknowledged', 'order.filled']) expect(events, stage).toContain(stage);
    const children = spans.spans.filter((s) => s.references.some((r) => r.refType === 'CHILD_OF' && r.spanID === lifecycle?.spanID));
    expect(children.map((s) => s.operationName)).toContain('ccxt.createOrder');
  }, 150_000);

  it('Jaeger’s Monitor API answers calls, latencies and errors from the Collector’s span metrics in Prometheus', async () => {
    // The bot's spans are internal ones (no server spans): the Monitor tab's "span kind" is Internal.
    const query = `service=${stack.serviceName}&spanKind=internal&groupByOperation=true&endTs=${Date.now() + 3_600_000}&lookback=3600000&step=5000&ratePer=60000`;
    for (const [path, extra] of [['calls', ''], ['latencies', '&quantile=0.95'], ['errors', '']] as const) {
      const operations = await eventually(async () => {
        const body = await getJson<JaegerMetrics>(`${stack.urls.jaeger}/api/metrics/${path}?${query.replace(/endTs=\d+/, `endTs=${Date.now()}`)}${extra}`);
        const withPoints = (body.metrics ?? []).filter((m) => m.metricPoints.some((p) => Number.isFinite(p.gaugeValue?.doubleValue)));
        return withPoints.length > 0 ? withPoints.map((m) => m.labels.find((l) => l.name === 'operation')?.value) : undefined;
      }, withLogs(`Jaeger /api/metrics/${path} with data points`), 90_000);
      expect(operations, path).toContain('order.lifecycle');
    }
  }, 300_000);

  it('Prometheus scrapes the bot in OpenMetrics: the order histograms’ exemplars carry trace ids, and Jaeger finds each trace', async () => {
    for (const histogram of ['trading_order_duration_bucket', 'trading_order_stage_duration_bucket']) {
      const series = await eventually(async () => {
        const found = await exemplarsOf(`${histogram}{job="trading-bot"}`);
        return found.some((s) => s.exemplars.length > 0) ? found : undefined;
      }, withLogs(`exemplars of ${histogram} in Prometheus`), 60_000);
      const exemplars = series.flatMap((s) => s.exemplars);
      for (const e of exemplars) expect(Object.keys(e.labels).sort(), histogram).toEqual(['span_id', 'trace_id']);
      // The latest few: each trace is in Jaeger, and the exemplar's span is its order's lifecycle span.
      for (const e of [...exemplars].sort((a, b) => b.timestamp - a.timestamp).slice(0, 5)) {
        const spans = await jaegerTrace(e.labels.trace_id ?? '', (s) => s.spanID === e.labels.span_id);
        expect(spans.find((s) => s.spanID === e.labels.span_id)?.operationName, `${histogram} exemplar ${e.labels.trace_id ?? ''}`).toBe('order.lifecycle');
      }
    }
  }, 150_000);

  it('every dashboard panel that shows exemplars queries a series that has them, each a trace Jaeger finds', async () => {
    const withExemplars = (await dashboardQueries()).filter((q) => q.exemplar);
    expect(withExemplars.length).toBeGreaterThanOrEqual(1);
    for (const { where, expr } of withExemplars) {
      const series = await eventually(async () => {
        const found = await exemplarsOf(expr);
        return found.some((s) => s.exemplars.length > 0) ? found : undefined;
      }, withLogs(`exemplars for ${where}`), 60_000);
      const latest = series.flatMap((s) => s.exemplars).sort((a, b) => b.timestamp - a.timestamp)[0];
      expect((await jaegerTrace(latest?.labels.trace_id ?? '', (s) => s.operationName === 'order.lifecycle')).map((s) => s.operationName), where).toContain('order.lifecycle');
    }
  }, 150_000);

  it('the two metric paths give Prometheus the same trading_* series names with the same label names: scraped, and pushed through the Collector', async () => {
    const pulled = (): Promise<Record<string, string[]>> => seriesNames(stack.urls.prometheus, '{__name__=~"trading_.+",job="trading-bot"}');
    const pushed = (): Promise<Record<string, string[]>> => seriesNames(stack.urls.prometheus, `{__name__=~"trading_.+",job="${pushing().serviceName}"}`);
    // Both bots run the same code and faults; the sets fill as their orders and checks come in.
    let last: [Record<string, string[]>, Record<string, string[]>] = [{}, {}];
    await eventually(async () => {
      last = [await pulled(), await pushed()];
      return Object.keys(last[0]).length > 0 && JSON.stringify(last[0]) === JSON.stringify(last[1]) ? true : undefined;
    }, 'the same series names on both paths', 90_000).catch(() => undefined);
    const [fromScrape, fromPush] = last;
    expect(Object.keys(fromScrape)).toEqual(expect.arrayContaining(['trading_orders_total', 'trading_order_duration_bucket', 'trading_order_stage_duration_bucket']));
    expect(fromPush).toEqual(fromScrape);
  }, 150_000);

  it('every Grafana dashboard query returns series from Prometheus v3', async () => {
    const queries = await dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(25);
    const empty = async (): Promise<string[]> => {
      const missing: string[] = [];
      for (const { where, expr } of queries) {
        const response = await promQuery(stack.urls.prometheus, expr);
        expect(response.status, `${where}: ${response.error ?? ''}\n${expr}`).toBe('success');
        if ((response.data?.result.length ?? 0) === 0) missing.push(`${where}: ${expr}`);
      }
      return missing;
    };
    // Rates need two scrapes in their window; the runtime metrics their first report.
    let missing: string[] = [];
    await eventually(async () => {
      missing = await empty();
      return missing.length === 0 ? true : undefined;
    }, 'every dashboard query to return series', 90_000).catch(() => undefined);
    expect(missing).toEqual([]);
  }, 150_000);

  it('every alert rule runs on Prometheus v3, and every series it reads is there', async () => {
    const rules = await alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(17); // every rule of alerts.yml is read (promtool counts them in test/deploy)
    const missing: string[] = [];
    for (const { alert, expr } of rules) {
      const response = await promQuery(stack.urls.prometheus, expr);
      expect(response.status, `${alert}: ${response.error ?? ''}`).toBe('success');
      for (const selector of await selectorsOf(stack.urls.prometheus, expr)) {
        if (((await promQuery(stack.urls.prometheus, selector)).data?.result.length ?? 0) === 0) missing.push(`${alert}: ${selector}`);
      }
    }
    expect(missing).toEqual([]);
  }, 60_000);

  it('the documented PromQL (docs/conventions.md) runs on Prometheus v3 and returns series', async () => {
    const expressions = await documentedQueries();
    expect(expressions.length).toBeGreaterThanOrEqual(5);
    for (const expr of expressions) {
      const response = await promQuery(stack.urls.prometheus, expr);
      expect(response.status, `${expr}: ${response.error ?? ''}`).toBe('success');
      if (!expr.includes('rejected_measurements')) expect(response.data?.result.length ?? 0, expr).toBeGreaterThan(0);
    }
  }, 60_000);

  it('a silent exchange fires TradingStaleMarketData in Prometheus, and Alertmanager delivers it with the shipped routing and grouping', async () => {
    const rule = (await alertRules()).find((r) => r.alert === 'TradingStaleMarketData');
    expect(rule?.labels.severity).toBe('critical');
    const since = Date.now();
    // Long enough that the alert still fires when group_wait ends, even on a slow machine.
    await control('silence?millis=120000');

    await eventually(async () => {
      const body = await getJson<{ data: { alerts: { labels: Record<string, string>; state: string }[] } }>(`${stack.urls.prometheus}/api/v1/alerts`);
      return body.data.alerts.some((a) => a.labels.alertname === 'TradingStaleMarketData' && a.state === 'firing') ? true : undefined;
    }, withLogs('TradingStaleMarketData firing in Prometheus'), 90_000);

    // Critical: the pager (Telegram and Slack) and, through `continue`, the webhook; one group per
    // alertname, group and exchange; sent after the shipped group_wait.
    const delivered = async (path: string): Promise<unknown> =>
      eventually(() => Promise.resolve(stack.notifications.find((n) => n.at >= since && n.path.startsWith(path) && JSON.stringify(n.body).includes('TradingStaleMarketData'))), withLogs(`the alert at ${path}`), 90_000);
    const webhook = (await delivered('/alerts')) as { body: { status: string; receiver: string; groupLabels: Record<string, string>; alerts: { labels: Record<string, string> }[] } };
    expect(webhook.body.status).toBe('firing');
    expect(webhook.body.receiver).toBe('webhook');
    expect(webhook.body.groupLabels).toEqual({ alertname: 'TradingStaleMarketData', group: 'exchange', trading_exchange: 'binance' });
    expect(webhook.body.alerts[0]?.labels).toMatchObject({ alertname: 'TradingStaleMarketData', severity: 'critical', trading_exchange: 'binance' });
    const slack = (await delivered('/slack')) as { body: { channel: string } };
    expect(slack.body.channel).toBe('#trading-alerts');
    expect(JSON.stringify(slack.body)).toMatch(/No market data from binance for \d+ s/);
    const telegram = (await delivered('/telegram/botREPLACE-WITH-BOT-TOKEN/sendMessage')) as { body: unknown };
    expect(JSON.stringify(telegram.body)).toContain('[CRITICAL] TradingStaleMarketData: No market data from binance');
    await control('reset');
  }, 240_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type BotProcess, eventually, startBotProcess } from '../support/bot-process.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');

interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

/** Every PromQL expression of the Grafana dashboards, with Grafana's variables filled in. */
async function dashboardQueries(): Promise<{ where: string; expr: string }[]> {
  const queries: { where: string; expr: string }[] = [];
  for (const name of ['trading-overview', 'order-lifecycle']) {
    const dashboard = JSON.parse(await readFile(resolve(root, `deploy/grafana/dashboards/${name}.json`), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        const expr = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('"$exchange"', '".*"');
        queries.push({ where: `${name} / ${panel.title}`, expr });
      }
    }
  }
  return queries;
}

async function ruleQueries(): Promise<{ where: string; expr: string }[]> {
  const rules = parse(await readFile(resolve(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alerts.yml / ${r.alert}`, expr: r.expr })));
}

describe('dashboards and rules against a real Prometheus scraping the running bot', () => {
  let bot: BotProcess;
  let receiver: OtlpReceiver;
  let prometheus: ChildProcess;
  let dir: string;
  let api: string;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    bot = await startBotProcess(['--duration', '90', '--port', '0', '--rate', '20'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    dir = await mkdtemp(join(tmpdir(), 'prometheus-'));
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const target = new URL(bot.url).host;
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: ['${resolve(root, 'deploy/prometheus/alerts.yml')}']
scrape_configs:
  - job_name: trading-bot
    static_configs: [{ targets: ['${target}'] }]
`,
    );
    prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=exemplar-storage'], { stdio: 'ignore' });
    // Enough scrapes for rates over 1m windows, and for the runtime metrics' first 5 s report.
    await eventually(async () => {
      const body = (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="trading-bot"}[1m])')}`)).json()) as PromResponse;
      const value = (body.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1];
      return Number(value) >= 12 ? true : undefined;
    }, 'a dozen scrapes of the bot', 60_000);
  }, 120_000);

  afterAll(async () => {
    prometheus.kill('SIGTERM');
    bot.child.kill('SIGKILL');
    await receiver.close();
    await new Promise((r) => setTimeout(r, 200));
    await rm(dir, { recursive: true, force: true });
  });

  async function query(expr: string): Promise<PromResponse> {
    return (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as PromResponse;
  }

  it('every dashboard panel query runs without error and returns series', async () => {
    const queries = await dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(25);
    const empty: string[] = [];
    for (const { where, expr } of queries) {
      const response = await query(expr);
      expect(response.status, `${where}: ${response.error ?? ''}\n${expr}`).toBe('success');
      if ((response.data?.result.length ?? 0) === 0) empty.push(`${where}: ${expr}`);
    }
    expect(empty).toEqual([]);
  }, 60_000);

  it('every alert rule expression runs without error', async () => {
    for (const { where, expr } of await ruleQueries()) {
      const response = await query(expr);
      expect(response.status, `${where}: ${response.error ?? ''}`).toBe('success');
    }
  });

  it('the documented PromQL (docs/conventions.md) runs and returns series', async () => {
    const doc = await readFile(resolve(root, 'docs/conventions.md'), 'utf8');
    const blocks = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').trim().split('\n\n'));
    const expressions = blocks.flatMap((b) => (b.includes('histogram_quantile') ? b.split('\n') : [b.replace(/\n\s*/g, ' ')])).filter((e) => e.trim() !== '');
    expect(expressions.length).toBeGreaterThanOrEqual(5);
    for (const expr of expressions) {
      const response = await query(expr);
      expect(response.status, `${expr}: ${response.error ?? ''}`).toBe('success');
      if (!expr.includes('rejected_measurements')) expect(response.data?.result.length ?? 0, expr).toBeGreaterThan(0);
    }
  });
});

import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');

/** A PromQL expression and where it was found. */
export interface SourcedQuery {
  readonly where: string;
  readonly expr: string;
  /** Whether the panel shows this query's exemplars (Grafana asks /api/v1/query_exemplars with it). */
  readonly exemplar: boolean;
}

/** Every PromQL expression of deploy/grafana/dashboards/*.json, with Grafana's variables filled in. */
export async function dashboardQueries(): Promise<SourcedQuery[]> {
  const folder = resolve(root, 'deploy/grafana/dashboards');
  const queries: SourcedQuery[] = [];
  for (const file of (await readdir(folder)).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(await readFile(resolve(folder, file), 'utf8')) as { panels: { title: string; targets?: { expr?: string; exemplar?: boolean }[] }[] };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr === undefined) continue;
        const expr = target.expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('"$exchange"', '".*"');
        queries.push({ where: `${file} / ${panel.title}`, expr, exemplar: target.exemplar === true });
      }
    }
  }
  return queries;
}

/** Every alert rule of deploy/prometheus/alerts.yml. */
export async function alertRules(): Promise<{ alert: string; expr: string; labels: Record<string, string> }[]> {
  const rules = parse(await readFile(resolve(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string; labels?: Record<string, string> }[] }[] };
  return rules.groups.flatMap((g) => g.rules.map((r) => ({ alert: r.alert, expr: r.expr, labels: r.labels ?? {} })));
}

/** The PromQL of docs/conventions.md's promql blocks, one expression each. */
export async function documentedQueries(): Promise<string[]> {
  const doc = await readFile(resolve(root, 'docs/conventions.md'), 'utf8');
  const blocks = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? '').trim().split('\n\n'));
  return blocks.flatMap((b) => (b.includes('histogram_quantile') ? b.split('\n') : [b.replace(/\n\s*/g, ' ')])).filter((e) => e.trim() !== '');
}

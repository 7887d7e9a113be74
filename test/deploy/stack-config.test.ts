import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');
const yaml = async <T>(path: string): Promise<T> => parse(await readFile(resolve(root, path), 'utf8')) as T;

interface Collector {
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  connectors?: Record<string, unknown>;
  extensions?: Record<string, { endpoint?: string }>;
  service: { extensions?: string[]; pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
}
interface Compose {
  services: Record<string, { ports?: string[]; image?: string; build?: unknown; volumes?: string[]; environment?: Record<string, string> }>;
}

describe('the compose stack, without a Docker engine', () => {
  it('docker-compose config -q accepts docker-compose.yml', async () => {
    const result = await run('docker-compose', ['-f', resolve(root, 'docker-compose.yml'), 'config', '-q']);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('pins every image and builds the bot from this repository', async () => {
    const compose = await yaml<Compose>('docker-compose.yml');
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'bot') expect(service.build).toBe('.');
      else expect(service.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  it('otel-collector.yaml: every pipeline component is defined, every defined one is used, memory_limiter first', async () => {
    const c = await yaml<Collector>('otel-collector.yaml');
    const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
    for (const [name, p] of Object.entries(c.service.pipelines)) {
      for (const r of p.receivers) {
        expect(r in c.receivers || r in (c.connectors ?? {}), `${name}: receiver ${r} defined`).toBe(true);
        used.receivers.add(r);
      }
      for (const x of p.processors ?? []) {
        expect(x in c.processors, `${name}: processor ${x} defined`).toBe(true);
        used.processors.add(x);
      }
      for (const e of p.exporters) {
        expect(e in c.exporters || e in (c.connectors ?? {}), `${name}: exporter ${e} defined`).toBe(true);
        used.exporters.add(e);
      }
      expect(p.processors?.[0], `${name}: memory_limiter first`).toBe('memory_limiter');
      expect(p.processors?.at(-1), `${name}: batch last`).toBe('batch');
    }
    for (const r of Object.keys(c.receivers)) expect(used.receivers.has(r), `receiver ${r} used`).toBe(true);
    for (const p of Object.keys(c.processors)) expect(used.processors.has(p), `processor ${p} used`).toBe(true);
    for (const e of Object.keys(c.exporters)) expect(used.exporters.has(e), `exporter ${e} used`).toBe(true);
    for (const k of Object.keys(c.connectors ?? {})) {
      expect(used.exporters.has(k) && used.receivers.has(k), `connector ${k} both ends`).toBe(true);
    }
    for (const x of Object.keys(c.extensions ?? {})) expect(c.service.extensions).toContain(x);
    expect(c.extensions?.health_check?.endpoint).toBe('0.0.0.0:13133');
  });

  it('the collector’s ports agree with docker-compose.yml, and the bot points at them', async () => {
    const c = await readFile(resolve(root, 'otel-collector.yaml'), 'utf8');
    const compose = await yaml<Compose>('docker-compose.yml');
    const published = (compose.services['otel-collector']?.ports ?? []).map((p) => p.split(':')[1]);
    const listening = [...c.matchAll(/endpoint: 0\.0\.0\.0:(\d+)/g)].map((m) => m[1]);
    expect(listening.sort()).toEqual(['13133', '4317', '4318', '8889']);
    for (const port of listening) expect(published, `port ${port ?? ''}`).toContain(port);
    const bot = await readFile(resolve(root, 'docker-compose.yml'), 'utf8');
    expect(bot).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4318');
    const prometheus = await yaml<{ scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }>('deploy/prometheus/prometheus.yml');
    expect(prometheus.scrape_configs.find((s) => s.job_name === 'spanmetrics')?.static_configs[0]?.targets).toEqual(['otel-collector:8889']);
    expect(prometheus.scrape_configs.find((s) => s.job_name === 'trading-bot')?.static_configs[0]?.targets).toEqual(['bot:9464']);
  });

  it('the bot answers the name Prometheus scrapes it by, and has a token (it listens beyond loopback)', async () => {
    const compose = await yaml<Compose>('docker-compose.yml');
    const prometheus = await yaml<{ scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; authorization?: { credentials_file?: string } }[] }>('deploy/prometheus/prometheus.yml');
    const job = prometheus.scrape_configs.find((c) => c.job_name === 'trading-bot');
    const scrapedAs = job?.static_configs[0]?.targets[0]?.split(':')[0] ?? '';
    const env = compose.services.bot?.environment ?? {};
    expect(env.OTEL_EXPORTER_PROMETHEUS_HOST).toBe('0.0.0.0');
    expect((env.TRADING_TELEMETRY_ALLOWED_HOSTS ?? '').split(',')).toContain(scrapedAs);
    expect(env.TRADING_TELEMETRY_TOKEN).toBeTruthy();
    expect(job?.authorization?.credentials_file).toBeTruthy();
  });

  it('both metric paths are wired: Prometheus asks the bot for OpenMetrics first, and takes pushed metrics from the collector', async () => {
    const prometheus = await yaml<{ scrape_configs: { job_name: string; scrape_protocols?: string[] }[]; otlp?: Record<string, unknown> }>('deploy/prometheus/prometheus.yml');
    expect(prometheus.scrape_configs.find((s) => s.job_name === 'trading-bot')?.scrape_protocols?.[0]).toBe('OpenMetricsText1.0.0');
    expect(prometheus.otlp).toEqual({ translation_strategy: 'UnderscoreEscapingWithSuffixes', promote_scope_metadata: true });
    const compose = await yaml<{ services: Record<string, { command?: string[] }> }>('docker-compose.yml');
    expect(compose.services.prometheus?.command).toEqual(expect.arrayContaining(['--enable-feature=exemplar-storage', '--web.enable-otlp-receiver']));
    const c = await yaml<Collector & { exporters: Record<string, { metrics_endpoint?: string }> }>('otel-collector.yaml');
    expect(c.exporters['otlp_http/prometheus']?.metrics_endpoint).toBe('http://prometheus:9090/api/v1/otlp/v1/metrics');
    expect(c.service.pipelines.metrics).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp_http/prometheus'] });
  });

  it('promtool check config passes on the Prometheus config (with its rule files)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'promconfig-'));
    try {
      await mkdir(join(dir, 'secrets'));
      for (const file of ['prometheus.yml', 'alerts.yml', 'secrets/bot_token']) await copyFile(resolve(root, 'deploy/prometheus', file), join(dir, file));
      const result = await run('promtool', ['check', 'config', join(dir, 'prometheus.yml')]);
      expect(result.output).toContain('SUCCESS: 1 rule files found');
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Grafana dashboards are valid JSON that name only provisioned data sources', async () => {
    const provisioned = (await yaml<{ datasources: { uid: string }[] }>('deploy/grafana/provisioning/datasources/datasources.yml')).datasources.map((d) => d.uid);
    expect(provisioned.sort()).toEqual(['jaeger', 'prometheus']);
    for (const name of ['trading-overview', 'order-lifecycle', 'exchange-health']) {
      const text = await readFile(resolve(root, `deploy/grafana/dashboards/${name}.json`), 'utf8');
      const dashboard = JSON.parse(text) as { uid: string; panels: { id: number }[] };
      expect(dashboard.uid).toBe(name);
      expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
      for (const [, uid] of text.matchAll(/"uid": "([^"]+)"/g)) {
        if (uid !== name) expect(provisioned, `${name}: datasource ${uid ?? ''}`).toContain(uid);
      }
    }
  });
});

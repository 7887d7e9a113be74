import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../support/processes.js';
import { stackBinary, stackVersions } from '../support/stack-tools.js';

const root = resolve(import.meta.dirname, '../..');
const versions = stackVersions();
const v = (key: string): string => {
  const value = versions[key];
  if (value === undefined) throw new Error(`deploy/versions.env has no ${key}`);
  return value;
};

/** What compose pins for each image, and the version of deploy/versions.env it must be. */
const IMAGES = [
  ['otel-collector', 'otel/opentelemetry-collector-contrib', () => v('OTELCOL_VERSION')],
  ['jaeger', 'jaegertracing/jaeger', () => v('JAEGER_VERSION')],
  ['prometheus', 'prom/prometheus', () => `v${v('PROMETHEUS_VERSION')}`],
  ['alertmanager', 'prom/alertmanager', () => `v${v('ALERTMANAGER_VERSION')}`],
  ['grafana', 'grafana/grafana', () => v('GRAFANA_VERSION')],
] as const;

describe('deploy/versions.env is the one place for the stack’s versions', () => {
  it('docker-compose.yml pins exactly those images', async () => {
    const compose = parse(await readFile(resolve(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image?: string }> };
    for (const [service, image, tag] of IMAGES) expect(compose.services[service]?.image, service).toBe(`${image}:${tag()}`);
  });

  it('docs/deployment.md names every one of them', async () => {
    const doc = await readFile(resolve(root, 'docs/deployment.md'), 'utf8');
    for (const [, image, tag] of IMAGES) expect(doc, image).toContain(`${image}:${tag()}`);
  });

  it('the builder manifest and the wrapper modules pin them (scripts/build-components.sh --check)', async () => {
    const result = await run('bash', [resolve(root, 'scripts/build-components.sh'), '--check']);
    expect(result.output).toContain('pin the versions of deploy/versions.env');
    expect(result.code).toBe(0);
  });

  it('the builder manifest lists exactly the components otel-collector.yaml uses', async () => {
    const manifest = parse(await readFile(resolve(root, 'deploy/otel-collector/builder-config.yaml'), 'utf8')) as Record<string, { gomod: string }[] | undefined>;
    const collector = parse(await readFile(resolve(root, 'otel-collector.yaml'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    const built = await run(stackBinary('otelcol-trading'), ['components']);
    const components = parse(built.output) as Record<string, { name: string }[] | undefined>;
    for (const kind of ['receivers', 'processors', 'connectors', 'exporters', 'extensions']) {
      // A config key is `type` or `type/name`; the distribution knows each type once.
      const used = [...new Set(Object.keys(collector[kind] ?? {}).map((key) => key.split('/')[0]))].sort();
      expect((components[kind] ?? []).map((c) => c.name).sort(), kind).toEqual(used);
      expect(manifest[kind]?.length, kind).toBe(used.length);
    }
  });

  it('the built binaries report the pinned versions, and the promtool and amtool tests run are those', async () => {
    const reported = async (command: string, args: string[]): Promise<string> => (await run(command, args)).output;
    expect(await reported(stackBinary('otelcol-trading'), ['--version'])).toContain(`version ${v('OTELCOL_VERSION')}`);
    expect(await reported(stackBinary('jaeger'), ['version'])).toContain(`"gitVersion":"v${v('JAEGER_VERSION')}"`);
    expect(await reported(stackBinary('prometheus'), ['--version'])).toContain(`prometheus, version ${v('PROMETHEUS_VERSION')} `);
    expect(await reported(stackBinary('alertmanager'), ['--version'])).toContain(`alertmanager, version ${v('ALERTMANAGER_VERSION')} `);
    // From PATH, as every other test runs them (vitest.config.ts puts the built ones first).
    expect(await reported('promtool', ['--version'])).toContain(`promtool, version ${v('PROMETHEUS_VERSION')} `);
    expect(await reported('amtool', ['--version'])).toContain(`amtool, version ${v('ALERTMANAGER_VERSION')} `);
    expect(await reported('openmetrics-check', ['-version'])).toContain(`github.com/prometheus/prometheus v${v('PROMETHEUS_MODULE_VERSION')}`);
  });
});

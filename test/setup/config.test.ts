import { describe, expect, it } from 'vitest';
import { createTradingTelemetry, TelemetryConfigError } from 'trading-telemetry';
import { resolveConfig } from '../../src/setup/config.js';

describe('resolveConfig', () => {
  it('requires a service name and says how to give one', () => {
    expect(() => resolveConfig({ env: {} })).toThrow(TelemetryConfigError);
    expect(() => resolveConfig({ env: {} })).toThrow(/OTEL_SERVICE_NAME/);
  });

  it('takes the service name from the option, then OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES', () => {
    const env = { OTEL_SERVICE_NAME: 'from-env', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' };
    expect(resolveConfig({ serviceName: 'from-code', env }).serviceName).toBe('from-code');
    expect(resolveConfig({ env }).serviceName).toBe('from-env');
    expect(resolveConfig({ env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' } }).serviceName).toBe('from-attrs');
  });

  it('defaults the embedded server to 127.0.0.1:9464 and honours the Prometheus env, options winning', () => {
    const limits = { allowedHosts: [], allowMutations: false, maxConnections: 256, maxRequestsPerSecond: 400, metricsCacheMillis: 1000 };
    expect(resolveConfig({ serviceName: 's', env: {} }).server).toEqual({ host: '127.0.0.1', port: 9464, ...limits });
    const env = { OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0', OTEL_EXPORTER_PROMETHEUS_PORT: '9999', TRADING_TELEMETRY_ALLOWED_HOSTS: 'bot, bot.internal' };
    expect(resolveConfig({ serviceName: 's', env }).server).toEqual({ host: '0.0.0.0', port: 9999, ...limits, allowedHosts: ['bot', 'bot.internal'] });
    expect(resolveConfig({ serviceName: 's', env, server: { port: 0, allowedHosts: ['x'] } }).server).toEqual({ host: '0.0.0.0', port: 0, ...limits, allowedHosts: ['x'] });
    expect(() => resolveConfig({ serviceName: 's', env: { TRADING_TELEMETRY_ALLOWED_HOSTS: 'evil host' } })).toThrow(/^TRADING_TELEMETRY_ALLOWED_HOSTS: /);
    expect(resolveConfig({ serviceName: 's', env, server: false }).server).toBe(false);
  });

  it.each([
    ['OTEL_EXPORTER_PROMETHEUS_PORT', { OTEL_EXPORTER_PROMETHEUS_PORT: 'ninety' }],
    ['OTEL_EXPORTER_PROMETHEUS_PORT', { OTEL_EXPORTER_PROMETHEUS_PORT: '70000' }],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' }],
    ['OTEL_TRACES_SAMPLER', { OTEL_TRACES_SAMPLER: 'sometimes' }],
    ['OTEL_TRACES_SAMPLER_ARG', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }],
    ['OTEL_SDK_DISABLED', { OTEL_SDK_DISABLED: 'yes' }],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '-5' }],
    ['OTEL_BSP_MAX_QUEUE_SIZE', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_BSP_MAX_QUEUE_SIZE: 'lots' }],
    ['OTEL_RESOURCE_ATTRIBUTES', { OTEL_RESOURCE_ATTRIBUTES: 'novalue' }],
  ])('fails fast on a bad %s, naming it', (variable, env) => {
    expect(() => resolveConfig({ serviceName: 's', env })).toThrow(new RegExp(`^${variable}: `));
  });

  it('names the option when a bad value comes from code', () => {
    expect(() => resolveConfig({ serviceName: 's', env: {}, server: { port: -1 } })).toThrow(/^server\.port: /);
    expect(() => resolveConfig({ serviceName: 's', env: {}, otlp: { endpoint: 'nope' } })).toThrow(/^otlp\.endpoint: /);
    expect(() => resolveConfig({ serviceName: 's', env: {}, shutdownTimeoutMillis: 0 })).toThrow(/^shutdownTimeoutMillis: /);
  });

  it('defaults the order tracing options and names a bad one', () => {
    expect(resolveConfig({ serviceName: 's', env: {} }).orders).toEqual({ maxOpenOrders: 10_000, orderTimeoutMillis: 300_000, recentOrders: 500, stageSpans: false });
    expect(resolveConfig({ serviceName: 's', env: {}, orders: { recentOrders: 0, stageSpans: true } }).orders).toMatchObject({ recentOrders: 0, stageSpans: true });
    const bad: [string, unknown][] = [
      ['maxOpenOrders', 0],
      ['orderTimeoutMillis', Number.NaN],
      ['recentOrders', -1],
      ['recentOrders', 2.5],
      ['stageSpans', 'yes'],
    ];
    for (const [option, value] of bad) {
      expect(() => resolveConfig({ serviceName: 's', env: {}, orders: { [option]: value } })).toThrow(new RegExp(`^orders\\.${option}: `));
      // The facade built without startTelemetry checks them the same way.
      expect(() => createTradingTelemetry({ [option]: value })).toThrow(new RegExp(`^${option}: `));
    }
  });

  it('derives per-signal OTLP URLs from the base endpoint; the per-signal variable wins', () => {
    const base = resolveConfig({ serviceName: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' } });
    expect(base.otlp?.tracesUrl).toBe('http://127.0.0.1:4318/v1/traces');
    expect(base.otlp?.logsUrl).toBe('http://127.0.0.1:4318/v1/logs');
    const perSignal = resolveConfig({
      serviceName: 's',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' },
    });
    expect(perSignal.otlp?.tracesUrl).toBe('http://b:4318/traces');
    const fromCode = resolveConfig({ serviceName: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' }, otlp: { endpoint: 'http://c:4318' } });
    expect(fromCode.otlp?.tracesUrl).toBe('http://c:4318/v1/traces');
    expect(resolveConfig({ serviceName: 's', env: {} }).otlp).toBeUndefined();
  });

  it('sends metrics where metrics.exporters or OTEL_METRICS_EXPORTER says: the pull endpoint by default, OTLP beside or instead of it', () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' };
    expect(resolveConfig({ serviceName: 's', env: base }).metrics).toEqual({ prometheus: true, otlp: undefined });
    expect(resolveConfig({ serviceName: 's', env: {}, server: false }).metrics).toEqual({ prometheus: false, otlp: undefined });
    const push = { url: 'http://127.0.0.1:4318/v1/metrics', intervalMillis: 60_000, timeoutMillis: 10_000 };
    expect(resolveConfig({ serviceName: 's', env: { ...base, OTEL_METRICS_EXPORTER: ' OTLP ,prometheus' } }).metrics).toEqual({ prometheus: true, otlp: push });
    expect(resolveConfig({ serviceName: 's', env: { ...base, OTEL_METRICS_EXPORTER: 'otlp' } }).metrics).toEqual({ prometheus: false, otlp: push });
    expect(resolveConfig({ serviceName: 's', env: { ...base, OTEL_METRICS_EXPORTER: 'none' } }).metrics).toEqual({ prometheus: false, otlp: undefined });
    // Code wins over the environment; the metrics variables win over the base endpoint; the interval bounds the timeout.
    const env = { ...base, OTEL_METRICS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:4318/metrics', OTEL_METRIC_EXPORT_INTERVAL: '5000' };
    expect(resolveConfig({ serviceName: 's', env, metrics: { exporters: ['otlp'] } }).metrics.otlp).toEqual({ url: 'http://b:4318/metrics', intervalMillis: 5000, timeoutMillis: 5000 });
    const fromCode = resolveConfig({ serviceName: 's', env, server: false, metrics: { exporters: ['otlp'], exportIntervalMillis: 15_000 }, otlp: { metricsEndpoint: 'http://c:4318/m' } });
    expect(fromCode.metrics).toEqual({ prometheus: false, otlp: { url: 'http://c:4318/m', intervalMillis: 15_000, timeoutMillis: 10_000 } });
    expect(resolveConfig({ serviceName: 's', env, metrics: { exporters: [] } }).metrics).toEqual({ prometheus: false, otlp: undefined });
  });

  it.each([
    [{ env: { OTEL_METRICS_EXPORTER: 'console' } }, /^OTEL_METRICS_EXPORTER: "console" is not an exporter here: use otlp, prometheus/],
    [{ env: { OTEL_METRICS_EXPORTER: 'none,otlp' } }, /^OTEL_METRICS_EXPORTER: "none" cannot be combined/],
    [{ env: { OTEL_METRICS_EXPORTER: 'otlp' } }, /^OTEL_METRICS_EXPORTER: otlp needs an endpoint: set otlp\.endpoint .* OTEL_EXPORTER_OTLP_ENDPOINT/],
    [{ env: {}, metrics: { exporters: ['otlp'] } }, /^metrics\.exporters: otlp needs an endpoint/],
    [{ env: { OTEL_METRICS_EXPORTER: 'prometheus' }, server: false }, /^OTEL_METRICS_EXPORTER: prometheus is served at \/metrics by the embedded server, which server: false turns off/],
    [{ env: {}, server: false, metrics: { exporters: ['prometheus'] } }, /^metrics\.exporters: prometheus is served/],
    [{ env: {}, metrics: { exporters: ['kafka'] } }, /^metrics\.exporters\[0\]: must be prometheus or otlp/],
    [{ env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_METRIC_EXPORT_INTERVAL: 'soon' } }, /^OTEL_METRIC_EXPORT_INTERVAL: /],
    [{ env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'collector:4318' } }, /^OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: /],
    [{ env: {}, metrics: { exportIntervalMillis: 0 } }, /^metrics\.exportIntervalMillis: /],
    [{ env: {}, metrics: { interval: 5 } }, /^metrics\.interval: /],
  ])('refuses unusable metrics settings, naming the one to change (%j)', (options, message) => {
    expect(() => resolveConfig({ serviceName: 's', ...(options as Parameters<typeof resolveConfig>[0]) })).toThrow(TelemetryConfigError);
    expect(() => resolveConfig({ serviceName: 's', ...(options as Parameters<typeof resolveConfig>[0]) })).toThrow(message);
  });

  it('reads the OTLP timeout and queue size from OTEL_EXPORTER_OTLP_TIMEOUT and OTEL_BSP_MAX_QUEUE_SIZE; options win', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TIMEOUT: '1500', OTEL_BSP_MAX_QUEUE_SIZE: '100' };
    expect(resolveConfig({ serviceName: 's', env }).otlp).toMatchObject({ timeoutMillis: 1500, maxQueueSize: 100 });
    expect(resolveConfig({ serviceName: 's', env, otlp: { timeoutMillis: 700, maxQueueSize: 5 } }).otlp).toMatchObject({ timeoutMillis: 700, maxQueueSize: 5 });
    expect(resolveConfig({ serviceName: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' } }).otlp).toMatchObject({ timeoutMillis: 10_000, maxQueueSize: 2048 });
  });

  it('reads OTEL_SDK_DISABLED case-insensitively; the option wins', () => {
    expect(resolveConfig({ serviceName: 's', env: { OTEL_SDK_DISABLED: 'TRUE' } }).disabled).toBe(true);
    expect(resolveConfig({ serviceName: 's', env: { OTEL_SDK_DISABLED: 'false' } }).disabled).toBe(false);
    expect(resolveConfig({ serviceName: 's', env: { OTEL_SDK_DISABLED: 'true' }, disabled: false }).disabled).toBe(false);
  });

  it('decodes percent-encoded resource attributes', () => {
    const config = resolveConfig({ serviceName: 's', env: { OTEL_RESOURCE_ATTRIBUTES: 'team=desk%20a,region=eu' } });
    expect(config.envResourceAttributes).toEqual({ team: 'desk a', region: 'eu' });
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, createTradingTelemetry, startTelemetry, TelemetryConfigError, type StartTelemetryOptions } from 'trading-telemetry';
import { AnomalyDetector, slackNotifier, startAlerting, telegramNotifier, tradingPresets } from 'trading-telemetry/alerting';
import { ConnectionMonitor } from 'trading-telemetry/connections';
import { resolveConfig } from '../../src/setup/config.js';

/** The error `fn` throws, which must be a TelemetryConfigError. */
function configError(fn: () => unknown): TelemetryConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TelemetryConfigError);
    return error as TelemetryConfigError;
  }
  throw new Error('expected a TelemetryConfigError');
}

/** Options as a JavaScript caller (or a config file) can pass them: anything. */
const loose = (options: Record<string, unknown>): StartTelemetryOptions => options;

describe('options are validated strictly, with errors that say what to change', () => {
  it.each([
    [{ serviceName: 42 }, /^serviceName: Invalid input: expected string, received number \(got 42\)/],
    [{ serviceName: 's', environment: 123 }, /^environment: .*expected string/],
    [{ serviceName: 's', otlp: 'http://127.0.0.1:4318' }, /^otlp: must be an object such as \{ endpoint: 'http:\/\/127\.0\.0\.1:4318' \}/],
    [{ serviceName: 's', serverr: { port: 0 } }, /^serverr: is not an option \(did you mean server\?\)/],
    [{ serviceName: 's', server: { prot: 0 } }, /^server\.prot: is not an option \(did you mean port\?\)/],
    [{ serviceName: 's', orders: { stageSpan: true } }, /^orders\.stageSpan: is not an option \(did you mean stageSpans\?\)/],
    [{ serviceName: 's', alerting: { rules: [] } }, /^alerting: is no longer an option: alerting now attaches .*startAlerting\(telemetry, options\) from trading-telemetry\/alerting/],
    [{ serviceName: 's', lifecycle: { drainDelayMillis: -1 } }, /^lifecycle\.drainDelayMillis: /],
    [{ serviceName: 's', server: { token: 'short' } }, /^server\.token: must be at least 16 characters$/],
    [{ serviceName: 's', orders: { keep: 'none' } }, /^orders\.keep: must be 'all' or a policy such as \{ random: 0\.01 \}/],
    [{ serviceName: 's', orders: { keep: { randm: 0.1 } } }, /^orders\.keep\.randm: is not an option \(did you mean random\?\)/],
    [{ serviceName: 's', orders: { keep: { random: 2 } } }, /^orders\.keep\.random: must be a share from 0 to 1 \(got 2\)/],
    [{ serviceName: 's', orders: { keep: { slow: [{ quantile: 0.99, seconds: 1 }] } } }, /^orders\.keep\.slow\[0\]: give either seconds .* or quantile .*, not both/],
    [{ serviceName: 's', orders: { keep: { slow: [{ quantile: 1 }] } } }, /^orders\.keep\.slow\[0\]\.quantile: must be below 1/],
    [{ serviceName: 's', orders: { keep: { slow: [{ seconds: 1, windowSeconds: 60 }] } } }, /^orders\.keep\.slow\[0\]\.windowSeconds: applies to a quantile rule only/],
    [{ serviceName: 's', orders: { keep: { slow: [{ quantile: 0.9, stage: 'created' }] } } }, /^orders\.keep\.slow\[0\]\.stage: must be a stage with a duration: risk_checked, /],
  ])('%j', (options, message) => {
    expect(configError(() => resolveConfig({ env: {}, ...loose(options) })).message).toMatch(message);
  });

  it('never echoes a credential in the error', () => {
    const error = configError(() => resolveConfig(loose({ serviceName: 's', env: {}, server: { token: 'the-secret-value' , port: 'x' } })));
    expect(error.message).toMatch(/^server\.port: /);
    expect(error.message).not.toContain('the-secret-value');
    const short = configError(() => resolveConfig(loose({ serviceName: 's', env: {}, server: { token: 'tiny-secret' } })));
    expect(short.message).not.toContain('tiny-secret');
    const bot = configError(() => telegramNotifier({ botToken: 'not-a-token-value', chatId: 'c' }));
    expect(bot.message).not.toContain('not-a-token-value');
  });

  it('TRADING_TELEMETRY_TOKEN sets the server token; the option wins', () => {
    const env = { TRADING_TELEMETRY_TOKEN: 'from-the-environment-123' };
    expect(resolveConfig({ serviceName: 's', env }).server).toMatchObject({ token: 'from-the-environment-123' });
    expect(resolveConfig({ serviceName: 's', env, server: { token: 'from-the-code-0123456' } }).server).toMatchObject({ token: 'from-the-code-0123456' });
    expect(configError(() => resolveConfig({ serviceName: 's', env: { TRADING_TELEMETRY_TOKEN: 'short' } })).message).toMatch(/^TRADING_TELEMETRY_TOKEN: /);
  });

  it('checks the facade, logger, monitor, detector, presets and notifier options the same way', () => {
    expect(configError(() => createTradingTelemetry({ cardinalityLimt: 5 } as never)).message).toMatch(/^cardinalityLimt: is not an option \(did you mean cardinalityLimit\?\)/);
    expect(configError(() => createTradingTelemetry({ meterProvider: {} } as never)).message).toMatch(/^meterProvider: must be a MeterProvider/);
    expect(configError(() => createTradingTelemetry({ keep: 'all' } as never)).message).toMatch(/^keep: tail-kept order traces need the span pipeline startTelemetry builds: startTelemetry\(\{ orders: \{ keep \} \}\)/);
    expect(configError(() => createLogger({ levl: 'info' } as never)).message).toMatch(/^levl: is not an option \(did you mean level\?\)/);
    expect(configError(() => new ConnectionMonitor({ marketdata: {} } as never)).message).toMatch(/^marketData: |^marketdata: /);
    expect(configError(() => new AnomalyDetector(undefined, { zThreshhold: 3 } as never)).message).toMatch(/^zThreshhold: is not an option \(did you mean zThreshold\?\)/);
    expect(configError(() => tradingPresets({ dailyLossLimit: -5 })).message).toMatch(/^dailyLossLimit: /);
    expect(configError(() => slackNotifier('not a url')).message).toMatch(/^slackNotifier url: /);
  });

  it('alerting: an empty rule set is fine, a missing incident path says what to give', async () => {
    const handle = await startTelemetry({ serviceName: 's', server: false, env: {}, logger: createLogger({ level: 'silent' }) });
    try {
      await expect(startAlerting(handle, { rules: [] } as never)).rejects.toThrow(/^incidents: is required: \{ path: '.*' \}, where the incident history is kept/);
      await expect(startAlerting(handle, { rules: [{ name: 'x', severity: 'bad', condition: () => undefined }], incidents: { path: '/tmp/x' } } as never)).rejects.toThrow(/^rules\[0\]\.severity: /);
      const path = join(await mkdtemp(join(tmpdir(), 'strict-')), 'incidents.jsonl');
      const alerting = await startAlerting(handle, { rules: [], incidents: { path } });
      expect(alerting.engine.alerts()).toEqual([]);
      await expect(startAlerting(handle, { rules: [], incidents: { path } })).rejects.toThrow(/^startAlerting: alerting is already attached/);
    } finally {
      await handle.shutdown();
    }
  });
});

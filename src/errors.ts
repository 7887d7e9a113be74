/**
 * Thrown at start-up when an option or `OTEL_*` variable is unusable. The message names the
 * option or variable and what to change. Telemetry never throws after start-up.
 */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';

  /** @param setting the option path or environment variable at fault, e.g. `OTEL_EXPORTER_PROMETHEUS_PORT`. */
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

import { hasMethods, instance } from './validation/parse-options.js';

/**
 * The logger the library writes its own lines to (shutdown steps, refused measurements,
 * security warnings, alert deliveries): a pino logger fits, and so does anything with these
 * three methods. startTelemetry's `logger` option sets it; the default is
 * `createLogger({ component: 'trading-telemetry' })`.
 */
export interface TelemetryLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The schema of a `logger` option: anything with info, warn and error methods. */
export const telemetryLoggerSchema = instance<TelemetryLogger>('a logger with info, warn and error methods (a pino logger fits)', hasMethods('info', 'warn', 'error'));

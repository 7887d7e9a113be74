import { hostname } from 'node:os';
import { type DestinationStream, type Level, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { TelemetryConfigError } from '../errors.js';
import { redactSecrets, redactText } from '../secrets.js';
import { emitToOtel } from './otel-log-bridge.js';
import { traceFields } from './trace-fields.js';

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Minimum level. Defaults to `LOG_LEVEL`, else `info`. */
  readonly level?: Level | 'silent';
  /** The component this logger speaks for, written as `component` (child loggers set their own). */
  readonly component?: string;
  /** Human-readable output through pino-pretty. Defaults to on when NODE_ENV=development and stdout is a TTY. */
  readonly pretty?: boolean;
  /**
   * Also send each record to the OpenTelemetry logs API (exported over OTLP by startTelemetry).
   * Defaults to on when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` is set.
   */
  readonly otel?: boolean;
  /** Where lines go; stdout by default. Tests and benchmarks pass their own stream. */
  readonly destination?: DestinationStream;
  /** Environment to read `LOG_LEVEL`, `NODE_ENV` and the OTLP endpoints from; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A pino logger for trading code. Every line written inside a span or an order's context
 * carries `trace_id`, `span_id`, `trace_flags` and `correlation_id`, so a log line links to
 * its trace in Jaeger and its order on the dashboard. Secrets (API keys, secrets,
 * passphrases, signatures, authorization headers, tokens, anything named like a key) are
 * redacted at any depth and inside messages. Child loggers (`logger.child({ component })`)
 * keep all of it.
 *
 * @throws TelemetryConfigError when `LOG_LEVEL` is not a pino level.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const env = options.env ?? process.env;
  const level = options.level ?? env.LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(level)) {
    throw new TelemetryConfigError(options.level === undefined ? 'LOG_LEVEL' : 'level', `"${level}" is not one of ${LEVELS.join(', ')}`);
  }
  const otel = options.otel ?? Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT);
  const pretty = options.pretty ?? (env.NODE_ENV === 'development' && process.stdout.isTTY);
  const config: PinoOptions = {
    level,
    mixin: traceFields,
    formatters: {
      // Bindings and fields both pass through here: secrets never reach the line.
      log: (object) => redactSecrets(object),
      bindings: (bindings) => redactSecrets(bindings),
    },
    hooks: {
      logMethod(args, method, levelNumber) {
        if (otel) {
          const bindings = this.bindings();
          emitToOtel(levelNumber, args, bindings, typeof bindings.component === 'string' ? bindings.component : options.component);
        }
        // Messages are redacted too (`apiKey=…` inside a string). `args` is this call's own array.
        const messageAt = typeof args[0] === 'string' ? 0 : 1;
        const message: unknown = args[messageAt];
        if (typeof message === 'string') args[messageAt] = redactText(message);
        return method.apply(this, args);
      },
    },
  };
  if (options.component !== undefined) config.base = { pid: process.pid, hostname: hostname(), component: options.component };
  if (pretty && options.destination === undefined) {
    config.transport = { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } };
  }
  return redactChildBindings(options.destination === undefined || pretty ? pino(config) : pino(config, options.destination));
}

/**
 * Pino skips the bindings formatter for child loggers, so `logger.child({ apiKey })` would
 * write the key on every line. Children are created from their parent's prototype, so one
 * override on the root covers every descendant.
 */
function redactChildBindings(root: Logger): Logger {
  const pinoChild = Object.getPrototypeOf(root) as { child(this: Logger, bindings: Record<string, unknown>, options?: object): Logger };
  Object.defineProperty(root, 'child', {
    value(this: Logger, bindings: Record<string, unknown>, childOptions?: object): Logger {
      return pinoChild.child.call(this, redactSecrets(bindings), childOptions);
    },
  });
  return root;
}

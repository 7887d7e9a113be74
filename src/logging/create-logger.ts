import { type DestinationStream, type Level, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';
import { z } from 'zod';
import { TelemetryConfigError } from '../errors.js';
import { hasMethods, instance, parseOptions, schemaOf } from '../validation/parse-options.js';
import { redactSecrets } from '../secrets.js';
import { emitToOtel } from './otel-log-bridge.js';
import { redactedCall } from './redacted-call.js';
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

const optionsSchema = schemaOf<CreateLoggerOptions>()(
  z.strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    component: z.string().min(1).max(128).optional(),
    pretty: z.boolean().optional(),
    otel: z.boolean().optional(),
    destination: instance<DestinationStream>('a writable stream (with write)', hasMethods('write')).optional(),
    env: z.record(z.string(), z.string().optional()).optional(),
  }),
);

/**
 * A pino logger for trading code. Every line written inside a span or an order's context
 * carries `trace_id`, `span_id`, `trace_flags` and `correlation_id`, so a log line links to
 * its trace in Jaeger and its order on the dashboard. Secrets (API keys, secrets,
 * passphrases, signatures, authorization headers, tokens, anything named like a key) are
 * redacted at any depth and inside messages. Child loggers (`logger.child({ component })`)
 * keep all of it.
 *
 * @throws TelemetryConfigError when an option is unknown or unusable, or `LOG_LEVEL` is not a pino level.
 */
export function createLogger(given: CreateLoggerOptions = {}): Logger {
  const options = parseOptions(optionsSchema, given);
  const env = options.env ?? process.env;
  const level = options.level ?? env.LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(level)) throw new TelemetryConfigError('LOG_LEVEL', `"${level}" is not one of ${LEVELS.join(', ')}`);
  const otel = options.otel ?? Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT);
  const pretty = options.pretty ?? (env.NODE_ENV === 'development' && process.stdout.isTTY);
  const config: PinoOptions = {
    level,
    mixin: traceFields,
    formatters: {
      // The root's bindings; a child's are redacted where it is made (withCleanChildren), each
      // call's fields and message in logMethod, and the mixin's fields are ids (the correlation
      // id redacted where it is read): a second pass over every line would find nothing.
      bindings: (bindings) => redactSecrets(bindings),
    },
    hooks: {
      logMethod(args, method, levelNumber) {
        const call = redactedCall(args);
        if (otel) {
          const bindings = this.bindings();
          emitToOtel(levelNumber, call, bindings, typeof bindings.component === 'string' ? bindings.component : options.component);
        }
        const redacted = call.fields === undefined ? [call.message] : call.message === undefined ? [call.fields] : [call.fields, call.message];
        return method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
  if (pretty && options.destination === undefined) {
    config.transport = { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } };
  }
  const root = withCleanChildren(options.destination === undefined || pretty ? pino(config) : pino(config, options.destination));
  return options.component === undefined ? root : root.child({ component: options.component });
}

type ChildFn = (this: Logger, bindings: Record<string, unknown>, options?: object) => Logger;

/**
 * Children that are safe and clean:
 * - pino skips the bindings formatter for child loggers, so `logger.child({ apiKey })` would
 *   write the key on every line: bindings are redacted here;
 * - pino appends a child's bindings to its parent's, so re-binding a key (`component`) would
 *   write it twice in one line: such a child is made from the root with the merged bindings.
 * Children are created from their parent's prototype, so one override on the root covers
 * every descendant.
 */
function withCleanChildren(root: Logger): Logger {
  const pinoChild = (Object.getPrototypeOf(root) as { child: ChildFn }).child;
  Object.defineProperty(root, 'child', {
    value(this: Logger, bindings: Record<string, unknown>, childOptions?: object): Logger {
      const redacted = redactSecrets(bindings);
      const inherited = this.bindings();
      const rebinds = Object.keys(redacted).some((key) => Object.hasOwn(inherited, key));
      if (!rebinds) return pinoChild.call(this, redacted, childOptions);
      return pinoChild.call(root, { ...inherited, ...redacted }, { level: this.level, ...childOptions });
    },
  });
  return root;
}

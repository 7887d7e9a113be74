import { format } from 'node:util';
import { type AnyValueMap, logs, SeverityNumber } from '@opentelemetry/api-logs';
import { Attr, SCOPE_NAME } from '../conventions.js';
import { redactSecrets } from '../secrets.js';
import { correlationIdOf } from '../tracing/correlation-id.js';
import { VERSION } from '../version.js';

const SEVERITY: Record<number, SeverityNumber> = {
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
};

function attributesOf(fields: Record<string, unknown>): AnyValueMap {
  const attributes: AnyValueMap = {};
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
    else if (value instanceof Error) attributes['exception.message'] = value.message;
  }
  return attributes;
}

/**
 * Sends one pino call to the OpenTelemetry logs API as a log record. The record takes the
 * active context, so the SDK links it to the active span; secrets are redacted as in the
 * line pino writes. Called from pino's `logMethod` hook, before pino serializes the line.
 */
export function emitToOtel(level: number, args: readonly unknown[], bindings: Record<string, unknown>, component: string | undefined): void {
  const [first, ...rest] = args;
  const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
  const messageArgs = typeof first === 'object' && first !== null ? rest : args;
  const attributes = attributesOf(redactSecrets({ ...bindings, ...fields }));
  const correlationId = correlationIdOf();
  if (correlationId !== undefined) attributes[Attr.correlationId] = correlationId;
  const severityNumber = SEVERITY[level] ?? SeverityNumber.UNSPECIFIED;
  logs.getLogger(component ?? SCOPE_NAME, VERSION).emit({
    severityNumber,
    severityText: SeverityNumber[severityNumber],
    body: redactSecrets(messageArgs.length > 0 ? format(...messageArgs) : ''),
    attributes,
  });
}

import { type AnyValueMap, logs, SeverityNumber } from '@opentelemetry/api-logs';
import { Attr, SCOPE_NAME } from '../conventions.js';
import { redactSecrets } from '../secrets.js';
import type { RedactedCall } from './redacted-call.js';
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

function exception(attributes: AnyValueMap, error: Error): void {
  attributes['exception.type'] = error.name;
  attributes['exception.message'] = error.message;
  if (error.stack !== undefined) attributes['exception.stacktrace'] = error.stack;
}

function attributesOf(bindings: Record<string, unknown>, fields: object | undefined): AnyValueMap {
  const attributes: AnyValueMap = {};
  for (const [key, value] of Object.entries({ ...bindings, ...fields })) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
    else if (value instanceof Error) exception(attributes, value);
  }
  if (fields instanceof Error) exception(attributes, fields);
  return attributes;
}

/**
 * Sends one pino call, already redacted, to the OpenTelemetry logs API as a log record. The
 * record takes the active context, so the SDK links it to the active span. Called from pino's
 * `logMethod` hook, before pino serializes the line.
 */
export function emitToOtel(level: number, call: RedactedCall, bindings: Record<string, unknown>, component: string | undefined): void {
  const attributes = attributesOf(redactSecrets(bindings), call.fields);
  const correlationId = correlationIdOf();
  if (correlationId !== undefined) attributes[Attr.correlationId] = correlationId;
  const severityNumber = SEVERITY[level] ?? SeverityNumber.UNSPECIFIED;
  logs.getLogger(component ?? SCOPE_NAME, VERSION).emit({
    severityNumber,
    severityText: SeverityNumber[severityNumber],
    body: call.message ?? (call.fields instanceof Error ? call.fields.message : ''),
    attributes,
  });
}

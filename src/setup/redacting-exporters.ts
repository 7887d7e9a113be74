import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { redactSecrets } from '../secrets.js';

/**
 * `item` with `fields` replaced, when any of them changed: an object inheriting everything else
 * (methods such as `spanContext()` included) from the original. The original when clean.
 */
function withFields<T extends object>(item: T, fields: Partial<Record<keyof T, unknown>>): T {
  const changed = (Object.keys(fields) as (keyof T)[]).filter((key) => fields[key] !== item[key]);
  if (changed.length === 0) return item;
  return Object.create(item, Object.fromEntries(changed.map((key) => [key, { value: fields[key], enumerable: true }]))) as T;
}

/** A span with its attributes, status message, events and links redacted. */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return withFields(span, {
    attributes: redactSecrets(span.attributes),
    status: redactSecrets(span.status),
    events: redactSecrets(span.events),
    links: redactSecrets(span.links),
  });
}

/** A log record with its body and attributes redacted. */
export function redactLogRecord(record: ReadableLogRecord): ReadableLogRecord {
  return withFields(record, { body: redactSecrets(record.body), attributes: redactSecrets(record.attributes) });
}

/**
 * The OTLP span exporter behind a last redaction pass, so no span leaves the process with a
 * secret, whoever created it: the app's own spans and other instrumentations' too (ours are
 * redacted where they are made). Clean spans pass as they are, without a copy.
 */
export class RedactingSpanExporter implements SpanExporter {
  readonly #inner: SpanExporter;

  constructor(inner: SpanExporter) {
    this.#inner = inner;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The OTLP log exporter behind the same last redaction pass (for records not made by our logger). */
export class RedactingLogRecordExporter implements LogRecordExporter {
  readonly #inner: LogRecordExporter;

  constructor(inner: LogRecordExporter) {
    this.#inner = inner;
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.#inner.export(records.map(redactLogRecord), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }
}

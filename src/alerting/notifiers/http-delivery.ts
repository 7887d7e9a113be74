import { z } from 'zod';
import { backoffDelay } from '../../connections/backoff.js';
import { parseOptions, schemaOf } from '../../validation/parse-options.js';

/** Retry policy of an HTTP notifier. */
export interface DeliveryOptions {
  /** Time one attempt may take, in ms. Default 5000. */
  readonly timeoutMillis?: number;
  /** Attempts before giving up. Default 4. */
  readonly attempts?: number;
  /** First retry delay, in ms, doubling each retry. Default 500. */
  readonly retryDelayMillis?: number;
}

/** The fields of {@link DeliveryOptions} and a notifier's `name`, for the notifiers' schemas. */
export const deliveryFields = {
  timeoutMillis: z.number().positive().optional(),
  attempts: z.number().int().min(1).max(20).optional(),
  retryDelayMillis: z.number().min(0).optional(),
  name: z.string().min(1).max(64).optional(),
};

const httpUrl = z.url({ protocol: /^https?$/ });
const endpointOptions = schemaOf<DeliveryOptions & { readonly name?: string }>()(z.strictObject(deliveryFields));

/**
 * Validates a notifier's endpoint and options at construction.
 * @throws TelemetryConfigError naming the argument.
 */
export function checkEndpoint(notifier: string, url: unknown, options: unknown): void {
  parseOptions(httpUrl, url, `${notifier} url`);
  parseOptions(endpointOptions, options, `${notifier} options`);
}

/**
 * POSTs a JSON body, retrying failures (network errors, timeouts, 429 and 5xx) with
 * exponential backoff; a 4xx other than 429 is final. Rejects with the last error after the
 * last attempt. Never throws synchronously.
 */
export async function postJson(url: string, body: unknown, options: DeliveryOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 4;
  let lastError: Error = new Error('not attempted');
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt - 1, { initialDelayMillis: options.retryDelayMillis ?? 500, jitter: 0.1 })));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMillis ?? 5000),
      });
      await response.arrayBuffer();
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      lastError = error instanceof Error ? new Error(error.name === 'TimeoutError' ? 'timed out' : error.message) : new Error(String(error));
    }
  }
  throw lastError;
}

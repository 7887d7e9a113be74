import type { Notification } from '../alert-types.js';
import { type DeliveryOptions, postJson } from './http-delivery.js';
import type { Notifier } from './notifier.js';

/** A generic JSON webhook: the whole notification (kind, severity, group, alerts, text). */
export function webhookNotifier(url: string, options: DeliveryOptions & { readonly name?: string } = {}): Notifier {
  return { name: options.name ?? 'webhook', send: (n: Notification) => postJson(url, n, options) };
}

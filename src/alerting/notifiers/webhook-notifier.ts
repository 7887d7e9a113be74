import type { Notification } from '../alert-types.js';
import { checkEndpoint, type DeliveryOptions, postJson } from './http-delivery.js';
import type { Notifier } from './notifier.js';

/**
 * A generic JSON webhook: the whole notification (kind, severity, group, alerts, text).
 * @throws TelemetryConfigError when the URL or an option is unusable.
 */
export function webhookNotifier(url: string, options: DeliveryOptions & { readonly name?: string } = {}): Notifier {
  checkEndpoint('webhookNotifier', url, options);
  return { name: options.name ?? 'webhook', send: (n: Notification) => postJson(url, n, options) };
}

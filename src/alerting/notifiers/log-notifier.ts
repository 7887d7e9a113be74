import type { Notification } from '../alert-types.js';
import type { Notifier } from './notifier.js';

/** Writes notifications to a logger (pino or anything with warn/error). Never fails. */
export function logNotifier(logger: { warn(fields: object, message: string): void; error(fields: object, message: string): void }, name = 'log'): Notifier {
  return {
    name,
    send: (n: Notification) => {
      const fields = { alert: n.kind, severity: n.severity, group: n.group, rules: n.alerts.map((a) => a.rule), correlation_id: n.alerts.find((a) => a.correlationId !== null)?.correlationId };
      if (n.severity === 'critical') logger.error(fields, n.text);
      else logger.warn(fields, n.text);
      return Promise.resolve();
    },
  };
}

import type { AlertView, Notification } from './alert-types.js';

const HEADLINE: Record<Notification['kind'], string> = {
  firing: 'FIRING',
  repeat: 'STILL FIRING',
  resolved: 'RESOLVED',
  escalation: 'ESCALATED (not acknowledged)',
};

function line(alert: AlertView): string {
  const ids = [alert.correlationId === null ? '' : `correlation ${alert.correlationId}`, alert.traceId === null ? '' : `trace ${alert.traceId}`].filter(Boolean);
  return `• ${alert.rule}: ${alert.message}${alert.value === null ? '' : ` (value ${alert.value})`}${ids.length > 0 ? ` [${ids.join(', ')}]` : ''}`;
}

/** The readable text of a notification: a headline, then one line per alert with its ids. */
export function notificationText(kind: Notification['kind'], alerts: readonly AlertView[]): string {
  const first = alerts[0];
  const severity = first?.severity.toUpperCase() ?? 'INFO';
  const title = alerts.length === 1 ? (first?.rule ?? '') : `${alerts.length} alerts in ${first?.group ?? ''}`;
  return [`[${severity}] ${HEADLINE[kind]}: ${title}`, ...alerts.map(line)].join('\n');
}

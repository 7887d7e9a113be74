// trading-telemetry/alerting: rules, notifiers, incidents, anomaly detection and the activity governor.
export { startAlerting } from '../setup/start-alerting.js';
export type { AlertingOptions } from '../alerting/alerting-options.js';
export type { Alerting } from '../alerting/create-alerting.js';
export {
  anomalyRule,
  consecutiveLosses,
  dailyLossLimit,
  exchangeDisconnected,
  fillsStopped,
  latencySpike,
  maxDrawdown,
  positionTooLarge,
  type PresetOptions,
  rejectionRateSpike,
  staleMarketData,
  tradingPresets,
} from '../alerting/presets.js';
export { clockOffset, crossedOrderBook, exchangeBanned, orderBookGaps, rateLimitHeadroom, zombieOrderBook } from '../alerting/exchange-presets.js';
export type { ExchangeHealthView } from '../exchange-health-view.js';
export type { AlertRule, AlertState, AlertView, Notification, RuleContext, RuleMatch, Severity } from '../alerting/alert-types.js';
export { AnomalyDetector, type AnomalyOptions, DEFAULT_WATCHED, type Detection, type WatchedMetric } from '../alerting/anomaly/anomaly-detector.js';
export type { ActivityGovernor, GovernorDecision, GovernorState, OrderIntentCheck } from '../alerting/activity-governor.js';
export type { AlertEngine } from '../alerting/alert-engine.js';
export type { Incident, IncidentKind, IncidentLog, IncidentLogOptions, IncidentQuery } from '../alerting/incident-log.js';
export type { NotificationDispatcher, Routes } from '../alerting/notification-dispatcher.js';
export type { Silence } from '../alerting/silences.js';
export type { RiskState, RiskView } from '../alerting/risk-state.js';
export type { TradingDayOptions } from '../alerting/trading-day.js';
export type { Notifier } from '../alerting/notifiers/notifier.js';
export type { DeliveryOptions } from '../alerting/notifiers/http-delivery.js';
export { logNotifier } from '../alerting/notifiers/log-notifier.js';
export { slackNotifier } from '../alerting/notifiers/slack-notifier.js';
export { type TelegramOptions, telegramNotifier } from '../alerting/notifiers/telegram-notifier.js';
export { webhookNotifier } from '../alerting/notifiers/webhook-notifier.js';

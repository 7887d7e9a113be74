// trading-telemetry/connections: exchange WebSocket feeds watched for state, staleness and reconnects.
export { ConnectionMonitor, type ConnectionMonitorEvents, type ConnectionMonitorOptions } from '../connections/connection-monitor.js';
export type { FeedOptions, FeedSocket, FeedState, FeedStatus, ParsedMessage } from '../connections/feed-types.js';
export type { BackoffOptions } from '../connections/backoff.js';
export { exchangeCheck, type StalenessThresholds } from '../health/checks/exchange-check.js';

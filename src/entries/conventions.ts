// trading-telemetry/conventions: every metric, attribute, unit, enum and bucket layout the package emits.
export * from '../conventions.js';

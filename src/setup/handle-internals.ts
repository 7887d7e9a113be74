import type { Meter } from '@opentelemetry/api';
import type { TelemetryLogger } from '../telemetry-logger.js';
import type { TelemetryServer } from '../server/telemetry-server.js';

/**
 * What a running handle keeps out of its public type, for the parts that attach to it later
 * (`startAlerting`, and the exchange instrumentations): the self-metrics meter, the embedded
 * server to mount routes on, the features the dashboard asks about, the library logger, and
 * what to stop once the app's own shutdown hooks have run (before telemetry is flushed).
 */
export interface HandleInternals {
  readonly meter: Meter;
  readonly server: TelemetryServer | undefined;
  readonly features: Set<string>;
  readonly logger: TelemetryLogger;
  readonly closers: (() => Promise<void>)[];
}

const internals = new WeakMap<object, HandleInternals>();

/** Records what `handle` keeps internally. startTelemetry calls it once per handle. */
export function registerInternals(handle: object, value: HandleInternals): void {
  internals.set(handle, value);
}

/** The internals of a handle startTelemetry returned, or undefined for anything else. */
export function internalsOf(handle: object): HandleInternals | undefined {
  return internals.get(handle);
}

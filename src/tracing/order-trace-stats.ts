import type { Meter } from '@opentelemetry/api';
import {
  CHILD_SPAN_OUTCOMES,
  type ChildSpanOutcome,
  Instruments,
  TRACE_KEEP_REASONS,
  TRACE_UNKEPT_REASONS,
  type TraceKeepReason,
  type TraceUnkeptReason,
} from '../conventions.js';
import { observeInstrument } from '../metrics/observable.js';

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/**
 * The accounting of tail-kept order traces, in plain numbers: finished orders kept and not
 * kept by reason, and what became of their child spans (released, discarded, overflow), with
 * how many are held now. Exported as `trading.telemetry.order_traces{decision,reason}`,
 * `…order_traces.child_spans{outcome}` and `…order_traces.held_spans`, every series from 0.
 */
export class OrderTraceStats {
  readonly kept: Record<TraceKeepReason, number> = zeros(TRACE_KEEP_REASONS);
  readonly unkept: Record<TraceUnkeptReason, number> = zeros(TRACE_UNKEPT_REASONS);
  readonly childSpans: Record<ChildSpanOutcome, number> = zeros(CHILD_SPAN_OUTCOMES);
  /** Finished child spans held for undecided orders now. */
  held = 0;

  /** Registers the observable instruments that export these numbers. */
  observe(meter: Meter): void {
    observeInstrument(meter, Instruments.orderTraces, (result) => {
      for (const [reason, count] of Object.entries(this.kept)) result.observe(count, { decision: 'kept', reason });
      for (const [reason, count] of Object.entries(this.unkept)) result.observe(count, { decision: 'unkept', reason });
    });
    observeInstrument(meter, Instruments.orderTraceChildSpans, (result) => {
      for (const [outcome, count] of Object.entries(this.childSpans)) result.observe(count, { outcome });
    });
    observeInstrument(meter, Instruments.orderTraceHeldSpans, (result) => result.observe(this.held));
  }
}

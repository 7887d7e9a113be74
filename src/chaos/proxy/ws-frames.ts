import type { ProxyFaults } from './proxy-faults.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The event inside a frame from upstream: a combined stream's `{"stream","data"}`, a user-data
 * `{"subscriptionId","event"}` of the WebSocket API, a WebSocket API answer's `result`, or the
 * frame itself (a raw stream).
 */
function eventOf(frame: JsonObject): JsonObject {
  for (const key of ['data', 'event', 'result'] as const) {
    const inner = frame[key];
    if (isObject(inner)) return inner;
  }
  return frame;
}

/** Adds the skew to the event times a Binance event or answer carries; whether it changed any. */
function skewTimes(event: JsonObject, skewMillis: number): boolean {
  let changed = false;
  for (const key of ['E', 'T', 'serverTime'] as const) {
    const value = event[key];
    if (typeof value === 'number') {
      event[key] = value + skewMillis;
      changed = true;
    }
  }
  return changed;
}

/**
 * A text frame from upstream as the faults want it delivered: undefined to drop it (a silent
 * symbol, a skipped depth event), the frame rewritten (skewed times), or the frame itself.
 * Frames that are not JSON objects pass as they are.
 */
export function faultFrame(text: string, faults: ProxyFaults): string | undefined {
  if (!faults.inspectsMessages() || !text.startsWith('{')) return text;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return text;
  }
  if (!isObject(frame)) return text;
  const event = eventOf(frame);
  const symbol = typeof event.s === 'string' ? event.s.toUpperCase() : undefined;
  if (symbol !== undefined && faults.silences(symbol)) {
    faults.counts.silencedMessages++;
    return undefined;
  }
  if (symbol !== undefined && event.e === 'depthUpdate' && faults.skipsDepthEvent(symbol)) {
    faults.counts.skippedDepthEvents++;
    return undefined;
  }
  if (faults.skewMillis === 0 || !skewTimes(event, faults.skewMillis)) return text;
  faults.counts.rewrittenTimes++;
  return JSON.stringify(frame);
}

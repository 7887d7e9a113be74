/**
 * The simulated exchange's wire protocol: JSON text frames over one WebSocket at `/ws`,
 * market data and order entry on the same connection. Timestamps are epoch milliseconds.
 */
import type { RejectReason, Side } from 'trading-telemetry';

/** Client → exchange. */
export type ClientMessage =
  | { readonly type: 'place'; readonly clientOrderId: string; readonly symbol: string; readonly side: Side; readonly orderType: 'limit' | 'market'; readonly quantity: number; readonly price?: number }
  | { readonly type: 'cancel'; readonly clientOrderId: string };

/** The reasons this exchange rejects orders with: a subset of the SDK's closed set. */
export type ExchangeRejectReason = Extract<RejectReason, 'insufficient_balance' | 'price_out_of_band' | 'rate_limited' | 'unknown_symbol' | 'invalid_order'>;

/** Exchange → client. */
export type ServerMessage =
  | { readonly type: 'hello'; readonly symbols: readonly string[]; readonly ts: number }
  | { readonly type: 'tick'; readonly symbol: string; readonly seq: number; readonly price: number; readonly bid: number; readonly ask: number; readonly ts: number }
  | { readonly type: 'ack'; readonly clientOrderId: string; readonly exchangeOrderId: string; readonly ts: number }
  | {
      readonly type: 'fill';
      readonly clientOrderId: string;
      readonly exchangeOrderId: string;
      readonly quantity: number;
      readonly price: number;
      readonly remaining: number;
      readonly ts: number;
    }
  | { readonly type: 'cancelled'; readonly clientOrderId: string; readonly ts: number }
  | { readonly type: 'reject'; readonly clientOrderId: string; readonly reason: ExchangeRejectReason; readonly message: string; readonly ts: number };

/** Parses a client frame; undefined when it is not a valid message. */
export function parseClientMessage(text: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m.type === 'cancel' && typeof m.clientOrderId === 'string') return { type: 'cancel', clientOrderId: m.clientOrderId };
  if (
    m.type === 'place' &&
    typeof m.clientOrderId === 'string' &&
    typeof m.symbol === 'string' &&
    (m.side === 'buy' || m.side === 'sell') &&
    (m.orderType === 'limit' || m.orderType === 'market') &&
    typeof m.quantity === 'number' &&
    (m.price === undefined || typeof m.price === 'number')
  ) {
    return {
      type: 'place',
      clientOrderId: m.clientOrderId,
      symbol: m.symbol,
      side: m.side,
      orderType: m.orderType,
      quantity: m.quantity,
      ...(typeof m.price === 'number' ? { price: m.price } : {}),
    };
  }
  return undefined;
}

import type { ExchangeHealthView } from '../exchange-health-view.js';
import { blockSource } from '../risk-blocks.js';
import type { Venue } from './venue.js';

/** The health view of `venue` now: rate limits, refusal, clock, books and the blocks in force. */
export function venueView(venue: Venue): ExchangeHealthView {
  const now = venue.internals.clock();
  const refusal = venue.rateLimits.activeRefusal();
  const blocks: ExchangeHealthView['blocks'][number][] = [];
  for (const [key, block] of venue.blocks.entries()) {
    if (block.exchange !== venue.exchange) continue;
    const source = blockSource(key);
    blocks.push({ ...(block.symbol === undefined ? {} : { symbol: block.symbol }), level: block.level, source, reason: block.reason, ...(block.until === undefined ? {} : { until: block.until }) });
  }
  return {
    exchange: venue.exchange,
    connected: venue.unreachable === undefined && venue.streams.lostSockets().length === 0,
    rateLimits: venue.rateLimits.limits(),
    rateLimitShare: venue.rateLimitShare,
    refusal: refusal === undefined ? null : { status: refusal.status, until: refusal.until },
    clock: venue.clock.view(),
    books: venue.books.views(now),
    blocks,
  };
}

import { CCXT_THROTTLER, type ExchangeHealthView, knownClockOffsetMillis } from '../exchange-health-view.js';
import type { AlertRule, RuleContext, RuleMatch } from './alert-types.js';

const LABELS = { group: 'exchange' } as const;

/**
 * Rate-limit headroom (warning): a rate limit the exchange reports at `usage` (default 0.8) or
 * more for `forSeconds` (default 30). The governor throttles the exchange on its own at the
 * instrumentation's `rateLimitShare` (0.9): this warns before that. ccxt's own throttler is not
 * one of them (see {@link CCXT_THROTTLER}).
 */
export function rateLimitHeadroom(options: { readonly usage?: number; readonly forSeconds?: number } = {}): AlertRule {
  const limit = options.usage ?? 0.8;
  return {
    name: 'rate_limit_headroom',
    severity: 'warning',
    labels: LABELS,
    forMillis: (options.forSeconds ?? 30) * 1000,
    condition: ({ exchanges }: RuleContext): RuleMatch | undefined => {
      let worst: { exchange: string; limit: string; usage: number } | undefined;
      for (const view of exchanges) for (const { limit: name, usage } of view.rateLimits) if (name !== CCXT_THROTTLER && usage !== null && usage >= limit && (worst === undefined || usage > worst.usage)) worst = { exchange: view.exchange, limit: name, usage };
      return worst === undefined ? undefined : { message: `${worst.exchange}: rate limit ${worst.limit} ${(worst.usage * 100).toFixed(0)} % used (warning at ${(limit * 100).toFixed(0)} %)`, value: worst.usage };
    },
  };
}

/** Exchange banned (critical): an exchange answered 418 (IP banned) and the ban's Retry-After has not passed. */
export function exchangeBanned(): AlertRule {
  return {
    name: 'exchange_banned',
    severity: 'critical',
    labels: LABELS,
    condition: ({ exchanges, now }) => {
      const banned = exchanges.find((view) => view.refusal?.status === 418);
      return banned?.refusal == null ? undefined : { message: `${banned.exchange}: IP banned (418) for ${Math.ceil((banned.refusal.until - now) / 1000)} s more`, value: (banned.refusal.until - now) / 1000 };
    },
  };
}

/**
 * Clock offset (warning): an exchange's clock `maxOffsetMillis` or more away from ours; by
 * default a quarter of the recvWindow its signed requests carry (the governor halts at half).
 */
export function clockOffset(options: { readonly maxOffsetMillis?: number } = {}): AlertRule {
  return {
    name: 'clock_offset',
    severity: 'warning',
    labels: LABELS,
    condition: ({ exchanges }) => {
      for (const { exchange, clock } of exchanges) {
        if (clock === null) continue;
        const limit = options.maxOffsetMillis ?? clock.recvWindowMillis / 4;
        if (knownClockOffsetMillis(clock) >= limit) return { message: `${exchange}: clock ${Math.round(clock.offsetMillis)} ms from ours (${clock.uncertaintyMillis === null ? 'at least' : `± ${Math.round(clock.uncertaintyMillis)}`}; limit ${Math.round(limit)} ms)`, value: clock.offsetMillis / 1000 };
      }
      return undefined;
    },
  };
}

/** Zombie order book (warning): a book silent past max(3 × its median interval, 2 s) while its exchange's other streams deliver. */
export function zombieOrderBook(): AlertRule {
  return {
    name: 'zombie_order_book',
    severity: 'warning',
    labels: LABELS,
    condition: ({ exchanges }) => {
      const zombies = exchanges.flatMap((view) => view.books.filter((book) => book.silent).map((book) => `${view.exchange} ${book.symbol}`));
      return zombies.length === 0 ? undefined : { message: `order book silent while the other streams deliver: ${zombies.join(', ')}`, value: zombies.length };
    },
  };
}

/**
 * A count per exchange and symbol over the last `windowSeconds`: what a counter of the books'
 * views rose by, from the samples each evaluation keeps (bounded by the window and the books).
 */
function bookCountWindow(windowSeconds: number, count: (book: ExchangeHealthView['books'][number]) => number): (context: RuleContext) => { key: string; increase: number }[] {
  const samples = new Map<string, { at: number; value: number }[]>();
  return ({ exchanges, now }) => {
    const increases: { key: string; increase: number }[] = [];
    const seen = new Set<string>();
    for (const view of exchanges) {
      for (const book of view.books) {
        const key = `${view.exchange} ${book.symbol}`;
        seen.add(key);
        const kept = samples.get(key) ?? [];
        kept.push({ at: now, value: count(book) });
        while (kept.length > 1 && (kept[1]?.at ?? now) <= now - windowSeconds * 1000) kept.shift();
        samples.set(key, kept);
        increases.push({ key, increase: count(book) - (kept[0]?.value ?? 0) });
      }
    }
    for (const key of samples.keys()) if (!seen.has(key)) samples.delete(key);
    return increases;
  };
}

/** Order book gaps (warning): more than `maxGaps` (default 3) sequence gaps on one book in `windowSeconds` (default 300). */
export function orderBookGaps(options: { readonly maxGaps?: number; readonly windowSeconds?: number } = {}): AlertRule {
  const maxGaps = options.maxGaps ?? 3;
  const windowSeconds = options.windowSeconds ?? 300;
  const window = bookCountWindow(windowSeconds, (book) => book.gaps);
  return {
    name: 'order_book_gaps',
    severity: 'warning',
    labels: LABELS,
    condition: (context) => {
      const over = window(context).filter((entry) => entry.increase > maxGaps);
      return over.length === 0 ? undefined : { message: `sequence gaps in the last ${windowSeconds} s: ${over.map((e) => `${e.key} ${e.increase}`).join(', ')}`, value: Math.max(...over.map((e) => e.increase)) };
    },
  };
}

/** Crossed order book (warning): any update with the best bid above the best ask in the last `windowSeconds` (default 300). */
export function crossedOrderBook(options: { readonly windowSeconds?: number } = {}): AlertRule {
  const windowSeconds = options.windowSeconds ?? 300;
  const window = bookCountWindow(windowSeconds, (book) => book.crossed);
  return {
    name: 'crossed_order_book',
    severity: 'warning',
    labels: LABELS,
    condition: (context) => {
      const crossed = window(context).filter((entry) => entry.increase > 0);
      return crossed.length === 0 ? undefined : { message: `crossed order book updates in the last ${windowSeconds} s: ${crossed.map((e) => `${e.key} ${e.increase}`).join(', ')}`, value: crossed.reduce((sum, e) => sum + e.increase, 0) };
    },
  };
}

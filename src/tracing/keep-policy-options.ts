import { z } from 'zod';
import { ORDER_STAGES, type OrderStage } from '../conventions.js';
import { schemaOf } from '../validation/parse-options.js';

/** A stage with a duration of its own (the time since the stage before it): every stage but `created`. */
export type TimedStage = Exclude<OrderStage, 'created'>;

/** Keep orders slower than a fixed limit. */
export interface SlowerThanSeconds {
  /** The limit, in seconds. */
  readonly seconds: number;
  /** Compare this stage's duration (each time the order reaches it) instead of the whole order's. */
  readonly stage?: TimedStage;
}

/** Keep orders slower than a live quantile of the recent ones (for example the p99 of the last 5 minutes). */
export interface SlowerThanQuantile {
  /** The quantile, strictly between 0 and 1: 0.99 keeps what is slower than the p99. */
  readonly quantile: number;
  /** Compare this stage's duration (each time the order reaches it) instead of the whole order's. */
  readonly stage?: TimedStage;
  /** How far back the quantile looks, in seconds. Default 300. */
  readonly windowSeconds?: number;
  /**
   * Orders the window must hold before the rule keeps any (its warm-up): a quantile of a few
   * orders means nothing. Default 10 / (1 − quantile): 1000 for the p99, so about ten orders lie above it.
   */
  readonly minOrders?: number;
}

/** One rule of "slow"; an order slower than any rule is kept. */
export type SlowOrderRule = SlowerThanSeconds | SlowerThanQuantile;

/**
 * Which finished orders keep their trace (`orders.keep` of startTelemetry). Orders that end
 * rejected, expired or timed out, saw an out-of-order stage, or had a span of theirs end in
 * error are always kept; so is every order under a sampled remote parent. Of the rest, slow
 * ones are kept, and a random share.
 */
export interface OrderKeepPolicy {
  /** What counts as slow. Default: slower than the p99 of the last 5 minutes, of the whole order or of its exchange round trip (`acknowledged`). `[]` keeps none for being slow. */
  readonly slow?: readonly SlowOrderRule[];
  /** The share of the other orders kept at random (consistently, by trace id), 0 to 1. Default 0.01. */
  readonly random?: number;
  /** While fewer orders than this end per second (over the last minute), every order is kept. Default 1; 0 turns it off. */
  readonly keepAllBelowPerSecond?: number;
  /** Child spans held for one undecided order; past it the order loses its children (counted). Default 256. */
  readonly maxHeldSpansPerOrder?: number;
  /** Child spans held for all undecided orders together; past it the order at fault loses its children (counted). Default 8192. */
  readonly maxHeldSpans?: number;
}

/** `orders.keep`: `'all'` keeps every order's trace; a policy keeps the interesting ones and a sample. */
export type OrderKeepOption = 'all' | OrderKeepPolicy;

/** A slow rule with its defaults applied. */
export type ResolvedSlowRule =
  | { readonly kind: 'seconds'; readonly stage: TimedStage | undefined; readonly seconds: number }
  | { readonly kind: 'quantile'; readonly stage: TimedStage | undefined; readonly quantile: number; readonly windowMillis: number; readonly minOrders: number };

/** {@link OrderKeepOption} with defaults applied. */
export interface ResolvedKeepPolicy {
  /** Every order kept (`keep: 'all'`). */
  readonly all: boolean;
  readonly slow: readonly ResolvedSlowRule[];
  readonly random: number;
  readonly keepAllBelowPerSecond: number;
  readonly maxHeldSpansPerOrder: number;
  readonly maxHeldSpans: number;
}

const TIMED_STAGES = ORDER_STAGES.filter((stage): stage is TimedStage => stage !== 'created');

const slowRule = z
  .strictObject({
    seconds: z.number().positive().optional(),
    quantile: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1 (a quantile)').optional(),
    stage: z.enum(TIMED_STAGES as [TimedStage, ...TimedStage[]], { error: () => `must be a stage with a duration: ${TIMED_STAGES.join(', ')}` }).optional(),
    windowSeconds: z.number().min(1).max(86_400).optional(),
    minOrders: z.number().int().min(1).optional(),
  })
  .superRefine((rule, ctx) => {
    if ((rule.seconds === undefined) === (rule.quantile === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either seconds (a fixed limit) or quantile (a live percentile such as 0.99), not both' });
    } else if (rule.seconds !== undefined) {
      for (const key of ['windowSeconds', 'minOrders'] as const) {
        if (rule[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'applies to a quantile rule only; a seconds rule has no window' });
      }
    }
  });

/** The strict schema of {@link OrderKeepOption}. */
export const orderKeepSchema = schemaOf<OrderKeepOption>()(
  z.union([
    z.literal('all', { error: () => "must be 'all' or a policy such as { random: 0.01 }" }),
    z.strictObject({
      slow: z.array(slowRule).optional(),
      random: z.number().min(0).max(1, 'must be a share from 0 to 1').optional(),
      keepAllBelowPerSecond: z.number().min(0).optional(),
      maxHeldSpansPerOrder: z.number().int().min(0).optional(),
      maxHeldSpans: z.number().int().min(0).optional(),
    }),
  ]),
);

/** The default slow rules: the p99 of the last 5 minutes, of the whole order and of the exchange round trip. */
const DEFAULT_SLOW: readonly SlowOrderRule[] = [{ quantile: 0.99 }, { quantile: 0.99, stage: 'acknowledged' }];

function resolveSlowRule(rule: SlowOrderRule): ResolvedSlowRule {
  if ('seconds' in rule) return { kind: 'seconds', stage: rule.stage, seconds: rule.seconds };
  return {
    kind: 'quantile',
    stage: rule.stage,
    quantile: rule.quantile,
    windowMillis: (rule.windowSeconds ?? 300) * 1000,
    minOrders: rule.minOrders ?? Math.ceil(10 / (1 - rule.quantile)),
  };
}

/** The defaults over `option` (the default policy when undefined). Call on validated options. */
export function withKeepDefaults(option: OrderKeepOption | undefined): ResolvedKeepPolicy {
  const policy = option === 'all' || option === undefined ? {} : option;
  return {
    all: option === 'all',
    slow: (policy.slow ?? DEFAULT_SLOW).map(resolveSlowRule),
    random: policy.random ?? 0.01,
    keepAllBelowPerSecond: policy.keepAllBelowPerSecond ?? 1,
    maxHeldSpansPerOrder: policy.maxHeldSpansPerOrder ?? 256,
    maxHeldSpans: policy.maxHeldSpans ?? 8192,
  };
}

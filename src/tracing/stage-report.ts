import { ORDER_STAGES, type OrderStage } from '../conventions.js';
import type { Distribution } from '../metrics/distribution.js';

/** Latency of one lifecycle stage, in seconds. */
export interface StageLatency {
  readonly stage: OrderStage;
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** This stage's share of all stage time, 0 to 1. */
  readonly share: number;
}

/** Where order time goes: per-stage percentiles and the dominant stage (the bottleneck). */
export interface StageReport {
  readonly stages: readonly StageLatency[];
  /**
   * The execution-path stage (risk check to fill) with the largest share of time, or null
   * before any data. Time spent resting before a cancel, an expiry or a rejection is listed but
   * never called the bottleneck: it is the strategy's choice, not latency.
   */
  readonly dominant: OrderStage | null;
}

const NOT_LATENCY: ReadonlySet<OrderStage> = new Set(['cancelled', 'expired', 'rejected']);

/** Builds the report from per-stage distributions (`created` has no duration and is skipped). */
export function stageReport(distributionOf: (stage: OrderStage) => Distribution): StageReport {
  const measured = ORDER_STAGES.filter((stage) => stage !== 'created')
    .map((stage) => ({ stage, distribution: distributionOf(stage) }))
    .filter(({ distribution }) => distribution.count > 0);
  const total = measured.reduce((sum, { distribution }) => sum + distribution.sum, 0);
  const stages = measured.map(({ stage, distribution }) => ({
    stage,
    count: distribution.count,
    mean: distribution.sum / distribution.count,
    p50: distribution.quantile(0.5),
    p95: distribution.quantile(0.95),
    p99: distribution.quantile(0.99),
    share: total === 0 ? 0 : distribution.sum / total,
  }));
  let dominant: StageLatency | undefined;
  for (const s of stages) if (!NOT_LATENCY.has(s.stage) && s.share > (dominant?.share ?? -1)) dominant = s;
  return { stages, dominant: dominant?.stage ?? null };
}

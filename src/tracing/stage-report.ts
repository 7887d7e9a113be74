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
  /** The stage with the largest share of total stage time, or null before any data. */
  readonly dominant: OrderStage | null;
}

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
  for (const s of stages) if (s.share > (dominant?.share ?? -1)) dominant = s;
  return { stages, dominant: dominant?.stage ?? null };
}

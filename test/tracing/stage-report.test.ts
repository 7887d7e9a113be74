import { describe, expect, it } from 'vitest';
import type { OrderStage } from 'trading-telemetry';
import { LATENCY_BUCKETS_SECONDS } from 'trading-telemetry/conventions';
import { Distribution } from '../../src/metrics/distribution.js';
import { stageReport } from '../../src/tracing/stage-report.js';

function distributions(values: Partial<Record<OrderStage, number[]>>): (stage: OrderStage) => Distribution {
  return (stage) => {
    const d = new Distribution(LATENCY_BUCKETS_SECONDS);
    for (const v of values[stage] ?? []) d.record(v);
    return d;
  };
}

describe('stageReport', () => {
  it('names the execution stage with the largest share of time as the bottleneck', () => {
    const report = stageReport(distributions({ sent: [0.001, 0.001], acknowledged: [0.02, 0.03], filled: [0.005] }));
    expect(report.dominant).toBe('acknowledged');
    expect(report.stages.map((s) => s.stage)).toEqual(['sent', 'acknowledged', 'filled']);
    expect(report.stages.reduce((sum, s) => sum + s.share, 0)).toBeCloseTo(1, 9);
  });

  it('lists resting time before cancels but never calls it the bottleneck', () => {
    const report = stageReport(distributions({ acknowledged: [0.01], cancelled: [2, 2, 2] }));
    expect(report.dominant).toBe('acknowledged');
    expect(report.stages.find((s) => s.stage === 'cancelled')?.share).toBeGreaterThan(0.9);
  });

  it('is empty before any data', () => {
    expect(stageReport(distributions({}))).toEqual({ stages: [], dominant: null });
  });
});

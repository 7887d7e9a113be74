import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  MeterProvider,
  type MetricProducer,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { createTradingTelemetry, type TradingTelemetry, type TradingTelemetryOptions } from 'trading-telemetry';

/** A reader that collects on demand, as a Prometheus scrape would. */
export class OnDemandReader extends MetricReader {
  constructor(metricProducers: readonly MetricProducer[] = []) {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE, metricProducers: [...metricProducers] });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One exported metric, flattened for assertions. */
export interface CollectedMetric {
  readonly name: string;
  readonly unit: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'other';
  readonly points: readonly { attributes: Attributes; value: number | Histogram }[];
}

function typeOf(dataPointType: DataPointType, isMonotonic: boolean | undefined): CollectedMetric['type'] {
  if (dataPointType === DataPointType.HISTOGRAM) return 'histogram';
  if (dataPointType === DataPointType.GAUGE) return 'gauge';
  if (dataPointType === DataPointType.SUM) return isMonotonic === true ? 'counter' : 'gauge';
  return 'other';
}

/** A facade over a real SDK MeterProvider whose output tests can collect. */
export interface MetricsHarness {
  readonly telemetry: TradingTelemetry;
  collect(): Promise<Map<string, CollectedMetric>>;
  /** The value of the single point of `name` whose attributes include `match`. */
  value(name: string, match?: Attributes): Promise<number | Histogram | undefined>;
  shutdown(): Promise<void>;
}

export function metricsHarness(options: Omit<TradingTelemetryOptions, 'meterProvider'> = {}): MetricsHarness {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  const telemetry = createTradingTelemetry({ ...options, meterProvider: provider });
  const collect = async (): Promise<Map<string, CollectedMetric>> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`collection errors: ${errors.map(String).join('; ')}`);
    const out = new Map<string, CollectedMetric>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const monotonic = 'isMonotonic' in metric ? metric.isMonotonic : undefined;
        out.set(metric.descriptor.name, {
          name: metric.descriptor.name,
          unit: metric.descriptor.unit,
          type: typeOf(metric.dataPointType, monotonic),
          points: (metric.dataPoints as DataPoint<number | Histogram>[]).map((p) => ({ attributes: p.attributes, value: p.value })),
        });
      }
    }
    return out;
  };
  return {
    telemetry,
    collect,
    async value(name, match = {}) {
      const metric = (await collect()).get(name);
      const points = metric?.points.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v)) ?? [];
      if (points.length > 1) throw new Error(`${name}: ${points.length} points match ${JSON.stringify(match)}`);
      return points[0]?.value;
    },
    shutdown: () => provider.shutdown(),
  };
}

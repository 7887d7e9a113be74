import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { CheckOutcome, HealthCheckFn, HealthStatus } from '../health-check.js';
import { worst } from '../health-check.js';

/** Options of {@link memoryCheck}: shares of the limit, 0 to 1. */
export interface MemoryThresholds {
  /** Degraded past this share of the limit. Default 0.8. */
  readonly degradedRatio?: number;
  /** Unhealthy past this share. Default 0.95. */
  readonly unhealthyRatio?: number;
  /** Where the cgroup filesystem is mounted. Default /sys/fs/cgroup. */
  readonly cgroupRoot?: string;
}

/**
 * The memory limit the process really has: the cgroup v2 `memory.max` (or v1
 * `memory.limit_in_bytes`) when the container sets one, else the machine's total memory.
 */
export function memoryLimitBytes(cgroupRoot = '/sys/fs/cgroup'): { bytes: number; source: string } {
  for (const file of [`${cgroupRoot}/memory.max`, `${cgroupRoot}/memory/memory.limit_in_bytes`]) {
    try {
      const raw = readFileSync(file, 'utf8').trim();
      const bytes = Number(raw);
      // "max" (v2) or a huge number (v1's "unlimited") means no limit.
      if (raw !== 'max' && Number.isFinite(bytes) && bytes > 0 && bytes < totalmem() * 4) return { bytes, source: file };
    } catch {
      // not this cgroup version, or no cgroup: try the next
    }
  }
  return { bytes: totalmem(), source: 'os.totalmem()' };
}

function grade(ratio: number, degraded: number, unhealthy: number): HealthStatus {
  if (ratio > unhealthy) return 'unhealthy';
  return ratio > degraded ? 'degraded' : 'healthy';
}

/**
 * Memory health: resident set size against the container (cgroup) limit or total memory,
 * and V8 heap used against the heap limit. The worse of the two decides.
 */
export function memoryCheck(thresholds: MemoryThresholds = {}): HealthCheckFn {
  const degraded = thresholds.degradedRatio ?? 0.8;
  const unhealthy = thresholds.unhealthyRatio ?? 0.95;
  const limit = memoryLimitBytes(thresholds.cgroupRoot);
  return (): CheckOutcome => {
    const { rss, heapUsed } = process.memoryUsage();
    const heapLimit = getHeapStatistics().heap_size_limit;
    const rssRatio = rss / limit.bytes;
    const heapRatio = heapUsed / heapLimit;
    const status = worst(grade(rssRatio, degraded, unhealthy), grade(heapRatio, degraded, unhealthy));
    const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;
    const reason = `rss ${mib(rss)} of ${mib(limit.bytes)} (${(rssRatio * 100).toFixed(1)}%, ${limit.source}); heap ${mib(heapUsed)} of ${mib(heapLimit)} (${(heapRatio * 100).toFixed(1)}%)`;
    return { status, reason };
  };
}

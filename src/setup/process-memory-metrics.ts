import type { Meter } from '@opentelemetry/api';

/**
 * Resident set size as the OTel semantic conventions name it (`process.memory.usage`, bytes;
 * `process_memory_usage_bytes` in Prometheus). The runtime instrumentation reports the V8 heap
 * only, and a leak in buffers, sockets or native code shows in RSS first.
 */
export function observeProcessMemory(meter: Meter): void {
  meter
    .createObservableGauge('process.memory.usage', { unit: 'By', description: 'Resident set size of the process.' })
    .addCallback((result) => result.observe(process.memoryUsage.rss()));
}

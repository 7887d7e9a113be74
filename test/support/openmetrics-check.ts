import { run } from './processes.js';

/** What Prometheus's own parser read from an exposition (scripts/components/prometheus/openmetrics-check). */
export interface Ingested {
  readonly families: number;
  /** Each sample as Prometheus labels it (`{__name__="…", …}`, sorted, `le` normalized), with its value (Go's shortest rendering, as JSON has no NaN). */
  readonly samples: readonly { readonly series: string; readonly value: string }[];
  readonly exemplars: readonly { readonly series: string; readonly labels: Record<string, string>; readonly value: string; readonly timestampMillis: number | null }[];
}

/**
 * Reads `text` with Prometheus 3's parser for `format`, as its scraper would (the pinned
 * version, built by scripts/build-components.sh; on PATH in tests). OpenMetrics is also checked
 * against what the spec asks of an exposer; a problem throws with the checker's message.
 */
export async function ingest(text: string, format: 'openmetrics' | 'prometheus'): Promise<Ingested> {
  const result = await run('openmetrics-check', format === 'prometheus' ? ['-text'] : [], text);
  if (result.code !== 0) throw new Error(`openmetrics-check (${format}) refused the exposition: ${result.output}`);
  return JSON.parse(result.output) as Ingested;
}

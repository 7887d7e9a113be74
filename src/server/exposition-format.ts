/** The two texts `/metrics` serves: Prometheus text 0.0.4 (the default) and OpenMetrics 1.0.0. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** The Content-Type of each format. */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/** The quality (`q`) of one media range of an Accept header: 1 unless given; 0 when malformed. */
function quality(params: readonly string[]): number {
  const q = params.find((p) => p.startsWith('q='));
  if (q === undefined) return 1;
  const value = Number(q.slice(2));
  return Number.isFinite(value) && value >= 0 ? Math.min(value, 1) : 0;
}

/**
 * The format a scraper asks for in its `Accept` header (RFC 9110 content negotiation).
 * OpenMetrics only when it ranks strictly above the text format: `application/openmetrics-text`
 * with version 1.0.0, 0.0.1 or none, as Prometheus 3 sends it first by default. Everything
 * else, no header, `*` ranges, a tie, or only formats we do not serve (protobuf), gets the text
 * format, byte for byte what it always was.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept === '') return 'prometheus';
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase().replace(/\s*=\s*/, '='));
    const version = params.find((p) => p.startsWith('version='))?.slice(8);
    const q = quality(params);
    if (type === 'application/openmetrics-text' && (version === undefined || version === '1.0.0' || version === '0.0.1')) openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return openMetrics > text ? 'openmetrics' : 'prometheus';
}

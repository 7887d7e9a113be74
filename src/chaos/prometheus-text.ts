/**
 * The sum of every sample of `name` in Prometheus text exposition whose labels include each
 * `labels` pair (0 when there is none). Enough for counters the chaos runner watches; not a
 * general parser (label values with `"` or `,` inside are matched literally).
 */
export function sumSamples(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!wanted.every((pair) => line.includes(pair))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

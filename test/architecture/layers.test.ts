import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../../src');

/**
 * The layers, bottom first. A module may import from its own layer or any layer below it,
 * never above: `conventions` at the bottom, `setup` (startTelemetry) and `server` near the
 * top, the entry points and the CLI on top. docs/architecture.md draws the same stack.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['conventions.ts', 'errors.ts', 'version.ts', 'bounded.ts', 'secrets.ts', 'telemetry-logger.ts', 'risk-blocks.ts', 'exchange-health-view.ts', 'format', 'validation'],
  ['metrics'],
  ['tracing'],
  ['logging'],
  ['trading-telemetry.ts'],
  ['health', 'history', 'chaos'],
  ['connections'],
  ['alerting'],
  ['ccxt'],
  ['server'],
  ['setup'],
  ['entries', 'index.ts', 'cli'],
];

/** The unit a source file belongs to: its top-level folder, or the file itself at the top. */
function unitOf(file: string): string {
  return relative(src, file).split('/')[0] ?? '';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every import between units: [from, to, file]. Type-only imports count: a cycle of types is still a cycle. */
function unitImports(): [string, string, string][] {
  const edges: [string, string, string][] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts'));
      const from = unitOf(file);
      const to = unitOf(target);
      if (from !== to) edges.push([from, to, relative(src, file)]);
    }
  }
  return edges;
}

const rank = (unit: string): number => LAYERS.findIndex((layer) => layer.includes(unit));

describe('the layers of src/', () => {
  it('place every folder and top-level file', () => {
    const units = new Set(sourceFiles(src).map(unitOf));
    for (const unit of units) expect(rank(unit), `${unit} is in no layer`).toBeGreaterThanOrEqual(0);
  });

  it('no import runs from a lower layer to a higher one', () => {
    const upward = unitImports().filter(([from, to]) => rank(to) > rank(from));
    expect(upward.map(([from, to, file]) => `${file}: ${from} → ${to}`)).toEqual([]);
  });

  it('no cycle between units, even within a layer', () => {
    const graph = new Map<string, Set<string>>();
    for (const [from, to] of unitImports()) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    const cycles: string[] = [];
    const visit = (unit: string, path: readonly string[]): void => {
      if (path.includes(unit)) {
        cycles.push([...path.slice(path.indexOf(unit)), unit].join(' → '));
        return;
      }
      for (const next of graph.get(unit) ?? []) visit(next, [...path, unit]);
    };
    for (const unit of graph.keys()) visit(unit, []);
    expect(cycles).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('names every folder of src/', () => {
    const doc = readFileSync(resolve(src, '../docs/architecture.md'), 'utf8');
    const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const folder of folders) expect(doc, `${folder}/ is not in docs/architecture.md`).toContain(`${folder}/`);
  });
});

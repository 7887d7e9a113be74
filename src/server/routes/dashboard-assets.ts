import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TelemetryServer } from '../telemetry-server.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Where the dashboard's files are: in src/dashboard/assets, or copied into dist/ by the build. */
function assetsDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'dashboard', 'assets'), join(here, 'dashboard', 'assets')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined) throw new Error(`dashboard assets not found in ${candidates.join(' or ')}`);
  return found;
}

/**
 * Serves the dashboard: our page, script and style, and uPlot from node_modules, offline (no
 * CDN). Only these named files are served, read once at start-up, so no request path can
 * reach the file system.
 */
export function mountDashboard(server: TelemetryServer): void {
  const dir = assetsDirectory();
  const require = createRequire(import.meta.url);
  const files: Record<string, string> = {
    '/': join(dir, 'index.html'),
    '/assets/app.js': join(dir, 'app.js'),
    '/assets/app.css': join(dir, 'app.css'),
    '/assets/uplot.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
    '/assets/uplot.css': require.resolve('uplot/dist/uPlot.min.css'),
  };
  for (const [path, file] of Object.entries(files)) {
    const body = readFileSync(file);
    const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
    server.route('GET', path, (ctx) => ctx.text(200, body, type, { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }));
  }
}

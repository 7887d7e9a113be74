import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { toolDir } from './test/support/stack-tools.js';

// promtool, openmetrics-check and amtool are the ones scripts/build-components.sh built at the pinned versions
// (test/deploy/versions.test.ts fails when they are not).
const tools = [toolDir('promtool'), toolDir('amtool')].join(':');

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // The package's entry points, from source (the built package is tested in test/package).
    alias: [
      { find: /^trading-telemetry$/, replacement: source('./src/index.ts') },
      { find: /^trading-telemetry\/(alerting|connections|conventions|ccxt)$/, replacement: source('./src/entries/$1.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { PATH: `${tools}:${process.env.PATH ?? ''}` },
  },
});

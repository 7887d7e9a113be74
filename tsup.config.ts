import { defineConfig } from 'tsup';

// One build, two module formats: `import` gets dist/<entry>.js, `require` gets dist/<entry>.cjs,
// each with its own declaration file so both resolution modes see types. Code shared by the
// entry points lives in shared chunks in both formats (splitting), so a class is one class
// whichever entry point it came through (instanceof holds across them).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    alerting: 'src/entries/alerting.ts',
    connections: 'src/entries/connections.ts',
    conventions: 'src/entries/conventions.ts',
    ccxt: 'src/entries/ccxt.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  splitting: true,
  // tsup's declaration bundler sets baseUrl, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // import.meta.url (used to find the dashboard assets) also works in the CommonJS build.
  shims: true,
  // The dashboard's static files ship next to the bundle, where src/server/routes/dashboard-assets.ts looks.
  onSuccess: "node -e \"require('node:fs').cpSync('src/dashboard/assets', 'dist/dashboard/assets', { recursive: true })\"",
});

import { defineConfig } from 'tsup';

// One build, two module formats: `import` gets dist/index.js, `require` gets dist/index.cjs,
// each with its own declaration file so both resolution modes see types.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
  format: ['esm', 'cjs'],
  // tsup's declaration bundler sets baseUrl, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // import.meta.url (used to find the dashboard assets) also works in the CommonJS build.
  shims: true,
  // The dashboard's static files ship next to the bundle, where src/server/dashboard-assets.ts looks.
  onSuccess: "node -e \"require('node:fs').cpSync('src/dashboard/assets', 'dist/dashboard/assets', { recursive: true })\"",
});

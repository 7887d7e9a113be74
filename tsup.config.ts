import { defineConfig } from 'tsup';

// One build, two module formats: `import` gets dist/index.js, `require` gets dist/index.cjs,
// each with its own declaration file so both resolution modes see types.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // tsup's declaration bundler sets baseUrl, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});

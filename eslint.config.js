import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Everything .gitignore keeps out of the repo stays out of the lint too: .tools/ holds the
  // component builds (a build copies Alertmanager's own source, TypeScript UI included, while
  // the lint runs beside it in CI).
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', '.tmp/', '.tools/', '.node24/', '.node26/', 'chaos-report/', 'src/dashboard/vendor/'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard runs in the browser, with uPlot loaded by a script tag.
    files: ['src/dashboard/assets/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'fetch', 'URLSearchParams', 'localStorage', 'matchMedia', 'getComputedStyle', 'ResizeObserver', 'EventSource', 'Node', 'uPlot', 'console', 'setTimeout', 'clearTimeout', 'setInterval']
          .map((name) => [name, 'readonly']),
      ),
    },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its rejection (in the CLI and the broker an
    // unhandled rejection ends the process). `void p` marks a deliberate fire-and-forget.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json', './tsconfig.webview.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // No import cycles in the product code: a cycle means a shared piece lives in the wrong module
    // (and makes load order, lazy loading and bundling fragile). Type-only imports do not count.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false }] },
  },
  {
    // The core is VS Code-free: it runs in the CLI, the benchmarks and plain Node tests.
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core and src/cli must not import vscode (see ARCHITECTURE.md).' }],
        patterns: [{ group: ['**/extension/**', '**/webview/**'], message: 'The core must not depend on the VS Code layer.' }],
      }],
    },
  },
  {
    // The webview runs in a browser: it talks to the host only through protocol.ts, which may
    // borrow core *types* (erased at build time) but never core code, except dates.ts, duration.ts
    // and serial.ts: pure formatting with no imports, so the panel shows dates, times and serials
    // exactly as every other surface does.
    files: ['src/webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Webview code runs in the browser.' }],
        patterns: [
          { group: ['**/core/**', '!**/core/duration', '!**/core/dates', '!**/core/serial'], allowTypeImports: true, message: 'The webview may import core types only (import type).' },
          { group: ['**/extension/**', 'node:*'], message: 'The webview may import only protocol.ts.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

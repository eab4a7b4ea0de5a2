// ESLint flat config. Type-aware rules per CONVENTIONS.md ("Tooling").
// This file is deliberately ignored by ESLint itself (it is outside tsconfig's include);
// Prettier still formats it.
import { fileURLToPath } from 'node:url';

import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const tsconfigRootDir = fileURLToPath(new URL('.', import.meta.url));

/** Test code: unit tests next to the code, cross-room tests and fakes under test/. */
const testFiles = ['**/*.test.ts', 'test/**/*.ts'];

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.freshet/**',
      'test/fixtures/bad/**',
      '**/*.bundle.js',
      'eslint.config.js',
    ],
  },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,

  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir,
      },
    },
    plugins: {
      'import-x': importX,
    },
    settings: {
      // Without these, import-x skips .ts files when building its module graph and
      // no-cycle silently finds nothing.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/resolver-next': [
        createNodeResolver({
          // NodeNext: sources import './foo.js' which is './foo.ts' on disk.
          extensionAlias: { '.js': ['.ts', '.js'] },
          extensions: ['.ts', '.js', '.json', '.node'],
          conditionNames: ['types', 'import', 'node', 'default'],
          // Picks up the `freshet` / `freshet/connectors` path aliases.
          tsconfig: { configFile: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) },
        }),
      ],
    },
    rules: {
      // --- CONVENTIONS: "never leave a promise floating" ---
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',

      // --- CONVENTIONS: "every switch is exhaustive" ---
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        {
          // `switch (typeof x)` with a catch-all `default:` is fine; for protocol unions the
          // `default: assertNever(x)` idiom makes tsc itself reject a missing case.
          considerDefaultExhaustiveForUnions: true,
          requireDefaultForNonUnion: false,
        },
      ],

      // --- verbatimModuleSyntax: type-only imports must say so ---
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',

      // --- CONVENTIONS: no import cycles ---
      'import-x/no-cycle': ['error', { ignoreExternal: true }],

      // --- CONVENTIONS: no-console outside the CLI (relaxed for cli/test/examples below) ---
      'no-console': 'error',

      // --- CONVENTIONS: thin coordinators (relaxed for tests below) ---
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],

      // --- Noise control ---
      // The rest of recommendedTypeChecked (no-unsafe-*, require-await, unbound-method,
      // no-base-to-string, restrict-template-expressions, ...) stays on: the code base passes
      // them with a handful of justified inline disables.
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // The CLI, examples and tests talk to the terminal on purpose.
  {
    files: ['cli/**', 'examples/**', ...testFiles],
    rules: {
      'no-console': 'off',
    },
  },

  // Tests: long scenario files are fine, and fixtures are asserted into shape.
  {
    files: testFiles,
    rules: {
      'max-lines': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

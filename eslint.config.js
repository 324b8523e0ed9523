// One lint config for every workspace: type-aware rules, so floating promises and unsafe `any`
// at boundaries are caught before review.
import js from '@eslint/js';
import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';
import { boundaries } from './scripts/eslint/boundaries.js';

const root = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/*.config.*',
      // Part of this config, like the *.config.* files; its spec tests it.
      'scripts/eslint/boundaries.js',
      // Deliberate violations, linted only by scripts/lint-boundaries.unit.spec.ts.
      'scripts/eslint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Handlers are async by contract (they return Promise<void>) even when a body has no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The console's browser script: `tsc -p public` checks its names against the DOM library, and
    // its JSDoc casts, which the lint's AST cannot see.
    files: ['services/console/public/**/*.js'],
    rules: { 'no-undef': 'off', '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  ...boundaries({ toolchain: Object.keys(root.devDependencies ?? {}) }),
);

// One lint config for every workspace: type-aware rules, so floating promises and unsafe `any`
// at boundaries are caught before review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.config.*'] },
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
);

// Lint rules for the sources, tests, benchmarks and scripts (typescript-eslint's recommended set, without
// type information so that it stays fast); formatting is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'test-results/',
      'bench/peer/',
      'src/pages/static/',
      'clients/typescript/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Randomness comes from src/crypto.',
        },
      ],
    },
  },
  {
    // Entry points parse, call a flow or a read model, and render: they never query the database themselves.
    files: [
      'src/**/*routes.ts',
      'src/**/*pages.ts',
      'src/**/*views.ts',
      'src/pages/**',
      'src/http/**',
      'src/app.ts',
      'src/cli.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Randomness comes from src/crypto.',
        },
        {
          selector: "MemberExpression[property.name='kysely']",
          message: 'Entry points never query the database: call a flow or a read model.',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Migrations are frozen in time: they see the database as it was (Kysely<any>), never the app's types.
    files: ['src/db/migrations/**', 'src/db/connect.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

// @ts-check
// typescript-eslint's type-checked recommendations over the TypeScript sources and tests;
// formatting is prettier's (.prettierrc.json), so no stylistic rules here.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp/**',
      '**/*.mjs',
      'scripts/**/*.js',
      'jest.config.js',
      'examples/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a parameter or a destructured key that is deliberately unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Nest modules are classes with static factories only.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  // Config, database and the shared kernel sit under every feature, so they import none (STYLE rule 13);
  // a value they need lives with them and features import it from there.
  {
    files: ['src/config/**/*.ts'],
    // Its specs may use the shared test helpers.
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./(?!common/)', message: 'src/config imports only from src/config, src/common and libraries.' }] },
      ],
    },
  },
  {
    files: ['src/database/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!(?:config|common)/|\\.\\./migrations$)',
              message: 'src/database imports only from src/config, src/common, the migrations and libraries (no feature, no entity).',
            },
          ],
        },
      ],
    },
  },
  {
    // A migration is frozen history: it must not change because application code did.
    files: ['migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./', message: 'A migration imports only libraries (never src/).' }] }],
    },
  },
  {
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.\\./', message: 'src/common is the shared kernel: it imports only libraries.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      // Tests read rows and JSON bodies whose shape the assertion itself checks.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.trustmap/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
      // neo4j-driver declares its option bags (SessionConfig, Config) as classes but takes literals.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // A leading underscore marks a parameter a signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // shared/ is isomorphic; its tsconfig has neither Node's nor the DOM's types, and this rule
    // keeps its imports to its own files.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // './x.js' only: not '../', not './../', not a package or node: module.
              regex: '^(?!\\./[^/]+$)',
              message:
                'shared/ runs in the browser and on the server: it imports only its own files (no Node module, no package, nothing outside shared/)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['cli/**/*.ts', 'bench/**/*.ts', 'tests/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);

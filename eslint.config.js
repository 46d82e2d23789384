// One flat config for every workspace; each package runs `eslint src test` from its folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'docs/api/**', '**/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Browser code (the reference server's console).
    files: ['examples/reference-server/ui/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/test/**', '**/*.test.ts', 'examples/**', 'bench/**', 'reliability/**'],
    rules: { 'no-console': 'off' },
  },
);

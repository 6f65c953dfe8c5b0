// Lint rules for the whole repository: the recommended sets of ESLint and typescript-eslint, type-aware for TypeScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.test-host/**', 'test-output/**', 'bench-output/**', '*.vsix'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // The build's own programs: tsconfig.json holds the daemon, extension, tests and benchmarks; the code that runs
      // in a page (the web board, the webviews' scripts) is checked against the DOM in tsconfig.browser.json.
      parserOptions: { project: ['./tsconfig.json', './tsconfig.browser.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always'],
      // A promise nobody awaits either says so (`void`) or goes to one of the named swallows of protocol/promises.ts.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Off: here `async` without `await` is deliberate: it implements a Promise-returning interface (a store's
      // health(), a fake loader in a test, a commander action) and turns a throw into a rejection, which the callers
      // handle as such. Dropping `async` would make those throws synchronous.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __filename: 'readonly', URL: 'readonly' } },
  },
);

// The linter CI runs before the tests (`npm run lint`, zero findings): ESLint's and
// typescript-eslint's recommended rules over the repository's TypeScript and JavaScript.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'generated/', 'test/fixtures/', 'test-results/', '**/*.d.ts', '.catalog/', 'dist/', 'infra/node_modules/', '.eventplane/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      // `any` appears as the existential type argument of heterogeneous descriptor lists
      // (`SendDescriptor<any, any>[]`, `SagaDefinition<any, any, any>[]`), where `unknown` would
      // break variance; everywhere else strict tsc and noUncheckedIndexedAccess do the work.
      '@typescript-eslint/no-explicit-any': 'off',
      // A leading underscore marks a binding kept on purpose: `const { secret: _secret, ...rest } = x`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // Scripts that run in a browser: the catalog's assets and the page checks the browser tests inject.
  { files: ['src/catalog/assets/**/*.js', 'test/browser/support/page-checks.js'], languageOptions: { globals: { ...globals.browser } } },
);

// ESLint (flat config), run by `npm run lint` and CI: typescript-eslint's recommended rules on the
// TypeScript, ESLint's on the plain JavaScript (Node scripts, the page's browser modules).
// The engine's own structure (pure TypeScript, no import cycle) is src/engine/structure.spec.ts.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'src/generated/**', '.data/**', '.test-data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-named bindings are deliberately unused (a destructured field left out, a callback's leading parameters).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Node scripts in CommonJS: the CLI's launcher, npm's scripts, a test's fake kubectl.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The page's modules run in the browser.
    files: ['src/modules/ui/assets/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
);

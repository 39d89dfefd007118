// ESLint (flat config), run by `npm run lint` and CI. ESLint rather than Biome: typescript-eslint's
// type-aware rules (no-floating-promises) and import-x's cycle check have no Biome equivalent;
// Prettier formats (.prettierrc), ESLint judges.
//  - typescript-eslint's recommended rules on the TypeScript, ESLint's on the plain JavaScript;
//  - no floating promises (type-aware): a promise nobody awaits loses its errors;
//  - no import cycles anywhere in src/;
//  - the engine stays pure: nothing from NestJS, Fastify, Prisma, pg, Node's I/O or src/modules
//    (src/engine/structure.spec.ts checks the same, and that it imports no package at all).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-bench/**',
      'node_modules/**',
      'src/generated/**',
      '.data/**',
      '.test-data/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-named bindings are deliberately unused (a destructured field left out, a callback's leading parameters).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^@nestjs/', message: 'the engine is pure TypeScript: no framework' },
            { regex: '^(fastify|@fastify/|mercurius|graphql)', message: 'the engine is pure TypeScript: no framework' },
            { regex: '^(@prisma/|pg$|pg-)', message: 'the engine reads no database' },
            {
              regex: '^(node:)?(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)(/|$)',
              message: 'the engine does no I/O',
            },
            { regex: '(^|/)modules/', message: 'the engine imports nothing from src/modules' },
          ],
        },
      ],
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

import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the decorators (emitDecoratorMetadata) that NestJS, class-validator and
// @nestjs/graphql rely on; esbuild, Vitest's default, does not emit decorator metadata.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: {
    // graphql ships CJS (index.js) and ESM (index.mjs) builds; Node gives NestJS the CJS one, so
    // our code must get the same instance or `instanceof GraphQLScalarType` checks fail.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

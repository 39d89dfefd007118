#!/usr/bin/env node
// Generates the Prisma client at install time, offline. `prisma generate` only probes for the native
// schema engine (which it would otherwise download from a CDN this project's machines cannot
// reach); it never runs it, so any existing file satisfies the probe. Migrations use the wasm
// engine instead (src/db/schema-engine.ts).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= process.execPath;
execFileSync(process.execPath, [join(__dirname, '..', 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
  cwd: join(__dirname, '..'),
  env,
  stdio: 'inherit',
});

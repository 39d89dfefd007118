#!/usr/bin/env node
// `svcpath` (`npx svcpath sync ...`): runs the CLI compiled from src/cli/ into dist/ by `npm run build`.
// It does not build on its own: when dist/ is missing it says so and exits 1.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`svcpath: ${entry} is missing; build it first: npm run build (in ${join(__dirname, '..')})\n`);
  process.exit(1);
}
require(entry).run();

#!/usr/bin/env node
// `npm run bench`: the benchmarks, each printing its own figures. Seeds are fixed, so runs are
// reproducible up to the machine's noise (run on an idle machine; `uptime` is printed with them).
const { spawnSync, execSync } = require('node:child_process');
// The API benchmark runs the built app (dist/main.js), as npm start does.
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const benches = ['bench/engine/engine.bench.ts', 'bench/api/api.bench.ts'];
process.stdout.write(`node ${process.version}; load: ${execSync('uptime').toString().trim()}\n`);
if (spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
const only = process.argv[2];
for (const file of benches.filter((f) => !only || f.includes(only))) {
  process.stdout.write(`\n== ${file}\n`);
  const { status } = spawnSync(tsx, ['--expose-gc', file], { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

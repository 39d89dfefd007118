#!/usr/bin/env node
// `npm run bench`: the benchmarks, each printing its own figures. Seeds are fixed, so runs are
// reproducible up to the machine's noise (run on an idle machine; `uptime` is printed with them).
// Everything runs compiled, as served: the app (dist/, which the API benchmark starts) and the
// benchmarks with the engine they import (dist-bench/, tsconfig.bench.json), so what is timed is
// the code tsc emits, not a development loader's.
const { spawnSync, execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const benches = ['bench/engine/engine.bench', 'bench/api/api.bench'];
process.stdout.write(`node ${process.version}; load: ${execSync('uptime').toString().trim()}\n`);
for (const project of ['tsconfig.build.json', 'tsconfig.bench.json']) {
  if (spawnSync(tsc, ['-p', project], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
}
const only = process.argv[2];
for (const file of benches.filter((f) => !only || f.includes(only))) {
  process.stdout.write(`\n== ${file}.ts\n`);
  const { status } = spawnSync(process.execPath, ['--expose-gc', join('dist-bench', `${file}.js`)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (status !== 0) process.exit(status ?? 1);
}

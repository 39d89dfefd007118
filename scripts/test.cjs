#!/usr/bin/env node
// `npm test`: builds the app (the start test runs dist/main.js, as `npm start` does), then runs the
// whole Vitest suite against a real PostgreSQL — TEST_DATABASE_URL / DATABASE_URL when set, else an
// embedded one. Extra arguments go to Vitest (e.g. `npm test -- test/api`).
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run(process.execPath, [join(__dirname, 'build-if-stale.cjs')]) !== 0) process.exit(1);

const out = mkdtempSync(join(tmpdir(), 'svcpath-vitest-'));
const report = join(out, 'report.json');
const status = run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
try {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  // The plain closing line CI reads.
  process.stdout.write(
    `\n${numPassedTests} passed, ${numFailedTests} failed${numPendingTests ? `, ${numPendingTests} skipped` : ''}\n`,
  );
} catch {
  process.stdout.write('\nno test report was written\n');
}
rmSync(out, { recursive: true, force: true });
process.exit(status);

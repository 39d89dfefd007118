import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

/**
 * A fresh clone has nothing beside it: no test, script, benchmark or CI step may read a path
 * outside the repository (the shared fixture folder, a sibling checkout, an absolute /work path).
 * CI also runs the suite from a clone in an empty folder (.ci/run); this catches it sooner.
 */
const ROOT = join(__dirname, '..', '..');
const SCANNED = ['test', 'scripts', 'bench', 'src', '.ci'];
const ESCAPES = [
  /(['"])\.\.\1\s*,\s*(['"])\.\.\2\s*,\s*(['"])\.\.\3/, // join(__dirname, '..', '..', '..'): above the repository from a depth-2 file
  /\.\.\/shared\b/,
  /['"]\/work\//,
  /shared['"]\s*,\s*['"]fixtures/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    if (f === 'node_modules' || f === 'generated') return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

it('no test, script, benchmark or CI step refers to a path outside the repository', () => {
  const offenders: string[] = [];
  for (const file of SCANNED.flatMap((d) => files(join(ROOT, d)))) {
    if (file === __filename) continue;
    const text = readFileSync(file, 'utf8');
    text.split('\n').forEach((line, i) => {
      if (ESCAPES.some((re) => re.test(line))) offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(offenders).toEqual([]);
});

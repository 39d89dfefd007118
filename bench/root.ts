// The repository's root (the folder holding package.json), found from a benchmark's own folder:
// benchmarks run compiled (dist-bench/bench/...), or from source under tsx (bench/...).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repositoryRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

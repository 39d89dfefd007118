// The engine's golden record (see src/engine/testing/golden.ts), from the command line:
//
//   npx tsx bench/engine/golden.ts             compare the engine with the committed record, print mismatches
//   npx tsx bench/engine/golden.ts --write     record again (after a deliberate change of answers)
//   options: --only <variant name substring>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../root';
import { mismatches, VARIANTS, variantAnswers, type GoldenRecord } from '../../src/engine/testing/golden';

const FILE = join(repositoryRoot(), 'src', 'engine', 'testing', 'golden-record.json');

function main(): void {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : null;
  let golden: GoldenRecord = {};
  try {
    golden = JSON.parse(readFileSync(FILE, 'utf8')) as GoldenRecord;
  } catch {
    if (!write) throw new Error(`no record at ${FILE}: run with --write first`);
  }
  const recorded: Record<string, { reach: readonly string[]; trace: readonly string[] }> = { ...golden };
  let compared = 0;
  let bad = 0;
  for (const v of VARIANTS) {
    if (only !== null && !v.name.includes(only)) continue;
    const t0 = Date.now();
    const got = variantAnswers(v);
    let line: string;
    if (write) {
      recorded[v.name] = { reach: got.reach, trace: got.trace };
      line = 'recorded';
    } else {
      const want = golden[v.name];
      if (want === undefined) throw new Error(`variant ${v.name} is not in ${FILE}`);
      const m = mismatches(got, want);
      for (const s of m.shown) console.log(`MISMATCH ${v.name} ${s}`);
      compared += got.reach.length + got.trace.length;
      bad += m.count;
      line = `${m.count} mismatches`;
    }
    console.log(
      `${v.name}: ${got.nodes} nodes, ${got.reach.length} reachability + ${got.trace.length} trace answers, ${line} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  if (write) {
    // One variant per line, so a re-recording's diff shows which variants changed.
    const names = VARIANTS.map((v) => v.name).filter((n) => recorded[n] !== undefined);
    writeFileSync(
      FILE,
      `{\n${names.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(recorded[n])}`).join(',\n')}\n}\n`,
    );
    console.log(`wrote ${FILE}`);
  } else {
    console.log(`${compared} answers compared, ${bad} mismatches`);
    if (bad > 0) process.exitCode = 1;
  }
}

main();

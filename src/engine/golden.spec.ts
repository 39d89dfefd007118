// The safety net under every engine change: each answer of the golden clusters must be the one
// recorded in src/engine/testing/golden-record.json (see src/engine/testing/golden.ts). A
// deliberate change of answers is recorded again with `npx tsx bench/engine/golden.ts --write`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mismatches, VARIANTS, variantAnswers, type GoldenRecord } from './testing/golden';

const record = JSON.parse(readFileSync(join(__dirname, 'testing', 'golden-record.json'), 'utf8')) as GoldenRecord;

describe('golden record: every answer of the recorded clusters is unchanged', () => {
  it('records every variant', () => {
    expect(Object.keys(record).sort()).toEqual(VARIANTS.map((v) => v.name).sort());
  });
  for (const v of VARIANTS) {
    it(
      v.name,
      () => {
        const got = variantAnswers(v);
        const m = mismatches(got, record[v.name]);
        expect(m.shown, `${m.count} answers differ from the record`).toEqual([]);
        expect(got.reach.length + got.trace.length).toBe(v.reaches + v.traces + 3);
      },
      180_000,
    );
  }
});

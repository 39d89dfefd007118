// Every version of a LayeredMap / LayeredList reads as the plain Map / array it stands for, and
// keeps reading so after later versions are made from it (folds included: small bases fold early).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeyLookup, ListLookup } from '../compiled';
import { LayeredList, ListLookupDraft, MapDraft } from './layered-map';

/** A batch of edits: key -> value, or deleted (null). */
const batches = fc.array(
  fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.option(fc.integer(), { nil: null })), { maxLength: 12 }),
  { minLength: 1, maxLength: 60 },
);

function read(lookup: KeyLookup<number, number>): (number | undefined)[] {
  return Array.from({ length: 61 }, (_, k) => lookup.get(k));
}

function list(lookup: ListLookup<number>): number[] {
  return Array.from({ length: lookup.length }, (_, i) => lookup.get(i));
}

describe('LayeredMap', () => {
  it('every version reads as its own plain Map, before and after later versions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), batches, (baseSize, edits) => {
        const plain = new Map(Array.from({ length: baseSize }, (_, k) => [k, -k] as [number, number]));
        let version: KeyLookup<number, number> = new Map(plain);
        const seen: { version: KeyLookup<number, number>; expected: (number | undefined)[] }[] = [];
        for (const batch of edits) {
          const draft = new MapDraft(version);
          for (const [k, v] of batch) {
            if (v === null) {
              draft.delete(k);
              plain.delete(k);
            } else {
              draft.set(k, v);
              plain.set(k, v);
            }
          }
          version = draft.finish();
          seen.push({ version, expected: read(plain) });
          expect(read(version)).toEqual(read(plain));
        }
        for (const s of seen) expect(read(s.version)).toEqual(s.expected);
      }),
    );
  });
});

describe('LayeredList', () => {
  it('every version reads as its own array, before and after later versions', () => {
    const ops = fc.array(
      fc.array(
        fc.oneof(fc.tuple(fc.constant('set' as const), fc.nat(), fc.integer()), fc.constant(['pop' as const] as const)),
        { maxLength: 8 },
      ),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), ops, (length, batches) => {
        const plain = Array.from({ length }, (_, i) => i);
        let version: ListLookup<number> = new LayeredList(plain.slice());
        const seen: { version: ListLookup<number>; expected: number[] }[] = [];
        for (const batch of batches) {
          const draft = new ListLookupDraft(version);
          for (const op of batch) {
            if (op[0] === 'pop') {
              if (plain.length > 0) {
                draft.pop();
                plain.pop();
              }
              continue;
            }
            const at = op[1] % (plain.length + 1);
            draft.set(at, op[2]);
            plain[at] = op[2];
          }
          version = draft.finish();
          seen.push({ version, expected: plain.slice() });
        }
        for (const s of seen) expect(list(s.version)).toEqual(s.expected);
      }),
    );
  });
});

import fc from 'fast-check';
import { expect, it } from 'vitest';
import { same } from '../../src/modules/import/import-records';

/** The oracle: JSON with every object's keys sorted (what the import compared before `same`). */
const canonical = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, (x as Record<string, unknown>)[k]]),
        )
      : x,
  );

/** The same value with every object's keys in reverse order (as jsonb may return them). */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .reverse()
      .map((k) => [k, reordered((v as Record<string, unknown>)[k])]),
  );
}

it('says what sorted-key JSON says, for any two values', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      expect(same(a, b)).toBe(canonical(a) === canonical(b));
      expect(same(a, reordered(a))).toBe(true);
    }),
    { numRuns: 2000 },
  );
});

it.each([
  ['key order', { a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }, true],
  ['an undefined property is absent', { a: 1, b: undefined }, { a: 1 }, true],
  ['array order matters', { a: [1, 2] }, { a: [2, 1] }, false],
  ['null is not absent', { a: null }, {}, false],
  ['an array is not an object', { a: [] }, { a: {} }, false],
  ['a missing key', { a: 1, b: 2 }, { a: 1, c: 2 }, false],
])('%s', (_name, a, b, expected) => {
  expect(same(a, b)).toBe(expected);
});

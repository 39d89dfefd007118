import { expect } from 'vitest';
import { ImportError } from '../../src/modules/import/parse';

/** The ImportError a call throws (fails the test when it throws nothing or something else). */
export function importError(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    expect(e).toBeInstanceOf(Error);
    return e as ImportError;
  }
  throw new Error('expected an ImportError');
}

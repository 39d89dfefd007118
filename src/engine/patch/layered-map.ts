// Persistent maps for patchCompiled(): a version is a base Map shared by every version, a middle
// map of the keys changed since (shared by the versions of a run of writes), and a small top map
// of the latest changes. A new version copies only the top map; a full top map is folded into a
// copy of the middle one, and a full middle map into a copy of the base (150,000 entries: tens
// of milliseconds, so once per thousands of writes rather than per hundreds).
import type { KeyLookup, ListLookup } from '../compiled';

/** Marks a key deleted in an overlay (values themselves are never undefined). */
const GONE: unique symbol = Symbol('gone');
type Slot<V> = V | typeof GONE;

const NO_OVERLAY: ReadonlyMap<unknown, never> = new Map<unknown, never>();

/** Overlay size past which a list (patch.ts: the compiled pods) is folded into a new base: ~1,000 entries copied per write at most. */
const FOLD_AT = 1024;

/** Whether an overlay of `overlay` entries over `base` entries is worth folding (a small base is cheap to copy). */
function shouldFold(overlay: number, base: number): boolean {
  return overlay > FOLD_AT || overlay * 4 > base;
}

/** Top map entries past which they go to the middle map (copied per write: kept small; small maps fold early). */
const topLimit = (base: number): number => Math.min(64, Math.max(4, base >> 4));
/** Middle map entries past which they go to the base (copied once per topLimit writes or so; small maps fold early). */
const middleLimit = (base: number): number => Math.max(2 * topLimit(base), base >> 5);

/** `into` (a copy of a base) with `overlay` applied (GONE: deleted). */
function applied<K, V>(into: Map<K, V>, overlay: ReadonlyMap<K, Slot<V>>): Map<K, V> {
  overlay.forEach((v, k) => (v === GONE ? into.delete(k) : into.set(k, v)));
  return into;
}

/** A version of a map: base entries, overridden by the middle map's, overridden by the top map's. Never changed once made. */
export class LayeredMap<K, V> implements KeyLookup<K, V> {
  readonly #base: ReadonlyMap<K, V>;
  readonly #middle: ReadonlyMap<K, Slot<V>>;
  readonly #top: ReadonlyMap<K, Slot<V>>;

  constructor(
    base: ReadonlyMap<K, V>,
    middle: ReadonlyMap<K, Slot<V>> = NO_OVERLAY as ReadonlyMap<K, never>,
    top: ReadonlyMap<K, Slot<V>> = NO_OVERLAY as ReadonlyMap<K, never>,
  ) {
    this.#base = base;
    this.#middle = middle;
    this.#top = top;
  }

  get(key: K): V | undefined {
    let o = this.#top.get(key);
    if (o === undefined) o = this.#middle.get(key);
    if (o === undefined) return this.#base.get(key);
    return o === GONE ? undefined : o;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** A new version with `edits` applied (undefined: deleted); this one stays as it is. */
  with(edits: ReadonlyMap<K, V | undefined>): LayeredMap<K, V> {
    const top = new Map<K, Slot<V>>(this.#top);
    edits.forEach((v, k) => top.set(k, v === undefined ? GONE : v));
    const size = this.#base.size;
    if (top.size <= topLimit(size)) return new LayeredMap(this.#base, this.#middle, top);
    // GONE stays GONE in the middle map: the base may still hold the key.
    const middle = new Map<K, Slot<V>>(this.#middle);
    top.forEach((v, k) => middle.set(k, v));
    if (middle.size <= middleLimit(size)) return new LayeredMap(this.#base, middle);
    return new LayeredMap(applied(new Map(this.#base), middle));
  }
}

/** A map version from compile() (a plain Map) or from an earlier patch, as a LayeredMap. */
function layered<K, V>(prev: KeyLookup<K, V>): LayeredMap<K, V> {
  if (prev instanceof LayeredMap) return prev as LayeredMap<K, V>;
  if (prev instanceof Map) return new LayeredMap(prev as ReadonlyMap<K, V>);
  throw new Error('unsupported lookup: expected a Map or a LayeredMap');
}

/** Edits to one map version during a patch: reads see them; finish() makes the next version. */
export class MapDraft<K, V> implements KeyLookup<K, V> {
  readonly #prev: KeyLookup<K, V>;
  readonly #edits = new Map<K, V | undefined>();

  constructor(prev: KeyLookup<K, V>) {
    this.#prev = prev;
  }

  get(key: K): V | undefined {
    return this.#edits.has(key) ? this.#edits.get(key) : this.#prev.get(key);
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    this.#edits.set(key, value);
  }

  delete(key: K): void {
    this.#edits.set(key, undefined);
  }

  /** The keys edited (set or deleted) so far. */
  editedKeys(): IterableIterator<K> {
    return this.#edits.keys();
  }

  /** The next version: the previous one itself when nothing was edited. */
  finish(): KeyLookup<K, V> {
    return this.#edits.size === 0 ? this.#prev : layered(this.#prev).with(this.#edits);
  }
}

/** A version of a list: base elements, overridden by the overlay's (by index), cut or extended to `length`. Never changed once made. */
export class LayeredList<T> implements ListLookup<T> {
  readonly length: number;
  readonly #base: readonly T[];
  readonly #overlay: ReadonlyMap<number, T>;

  constructor(
    base: readonly T[],
    overlay: ReadonlyMap<number, T> = NO_OVERLAY as ReadonlyMap<number, never>,
    length = base.length,
  ) {
    this.#base = base;
    this.#overlay = overlay;
    this.length = length;
  }

  get(index: number): T {
    if (this.#overlay.size > 0) {
      const o = this.#overlay.get(index);
      if (o !== undefined) return o;
    }
    return this.#base[index];
  }

  /** A new version of `length` elements with `edits` applied (edits past the end ignored); this one stays as it is. */
  with(edits: ReadonlyMap<number, T>, length: number): LayeredList<T> {
    const overlay = new Map<number, T>();
    const keep = (v: T, i: number): void => {
      if (i < length) overlay.set(i, v);
    };
    this.#overlay.forEach(keep);
    edits.forEach(keep);
    if (!shouldFold(overlay.size, length)) return new LayeredList(this.#base, overlay, length);
    // Appended elements (past the base) in order, so the folded array stays packed.
    const base = this.#base.slice(0, length);
    const from = base.length;
    for (let i = from; i < length; i++) base.push(overlay.get(i) as T);
    overlay.forEach((v, i) => {
      if (i < from) base[i] = v;
    });
    return new LayeredList(base);
  }
}

/** Edits to one list version during a patch: reads see them; finish() makes the next version. */
export class ListLookupDraft<T> implements ListLookup<T> {
  readonly #prev: ListLookup<T>;
  readonly #edits = new Map<number, T>();
  length: number;

  constructor(prev: ListLookup<T>) {
    this.#prev = prev;
    this.length = prev.length;
  }

  get(index: number): T {
    return this.#edits.get(index) ?? this.#prev.get(index);
  }

  /** Element `index` (at most `length`: an index equal to it appends). */
  set(index: number, value: T): void {
    this.#edits.set(index, value);
    if (index === this.length) this.length++;
  }

  /** Drop the last element. */
  pop(): void {
    this.length--;
    this.#edits.delete(this.length);
  }

  /** The next version: the previous one itself when nothing was edited. */
  finish(): ListLookup<T> {
    if (this.#edits.size === 0 && this.length === this.#prev.length) return this.#prev;
    if (!(this.#prev instanceof LayeredList)) throw new Error('unsupported list: expected a LayeredList');
    return (this.#prev as LayeredList<T>).with(this.#edits, this.length);
  }
}

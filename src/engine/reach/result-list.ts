// The results of one reachability answer. Most are plain AddressResults; a NodePort's results
// (one per node address: 10,000 in a 5,000-node cluster) are stored compactly as a run of
// rows (see node-rows.ts) whose classes are kept sparsely, and turned into AddressResults when
// read. The answer's `results` is then an array (a Proxy over one) whose elements are full results when read,
// iterated or serialised — only their construction is deferred, never their evaluation:
// every node's class has been decided before the answer is returned.
import type { CompiledCluster, CompiledServicePort } from '../compiled';
import type { AddressResult, Via } from '../results';
import { atNodeEip, memberResult } from './build';
import type { NodeClass } from './build';
import { EIP } from './node-rows';
import type { OrdinaryRows, RowLayout } from './node-rows';
import { sortedIndexOf } from '../sorted';

/** Row class for an EIP the client cannot be answered for (see MemberRun.unknownEip). */
export const UNKNOWN_CLASS = -1;

/**
 * NodePort results of one Service port: a row per node address (a layout shared across
 * answers) and each row's class, stored sparsely. Rows of the nodes the traffic singles out
 * have a class each (by row); every other row is answered by the class of its ordinary key
 * (by kind of address and key). No object and no per-row storage per answer.
 */
export class MemberRun {
  readonly #cc: CompiledCluster;
  readonly #sp: CompiledServicePort;
  readonly #classes: NodeClass[] = [];
  /** The shared answer of rows with UNKNOWN_CLASS; only their via differs. */
  readonly #unknownEip: AddressResult | null;
  readonly #layout: RowLayout;
  readonly #ordinary: OrdinaryRows;
  /** Whether EIP rows are answered at all (else every one is UNKNOWN_CLASS). */
  readonly #eipsAnswered: boolean;
  /** Class id of each ordinary class of the layout (ordinary.classes[k]), -1 when none. */
  readonly #ordinaryIds: Int32Array;
  /** The rows of the nodes singled out (ascending) and the class id of each. */
  #rows: readonly number[] = [];
  #rowIds: Int32Array = new Int32Array(0);

  constructor(
    cc: CompiledCluster,
    sp: CompiledServicePort,
    unknownEip: AddressResult | null,
    layout: RowLayout,
    ordinary: OrdinaryRows,
    eipsAnswered: boolean,
  ) {
    this.#cc = cc;
    this.#sp = sp;
    this.#unknownEip = unknownEip;
    this.#layout = layout;
    this.#ordinary = ordinary;
    this.#eipsAnswered = eipsAnswered;
    this.#ordinaryIds = new Int32Array(ordinary.classes.length).fill(-1);
  }

  get length(): number {
    return this.#layout.length;
  }

  /** A new class's id. */
  add(cls: NodeClass): number {
    this.#classes.push(cls);
    return this.#classes.length - 1;
  }

  /** The class with id `id`. */
  classAt(id: number): NodeClass {
    return this.#classes[id];
  }

  /** Rows of kind `eip` with ordinary key `key` (and no class by row) are answered by class `classId`. */
  setByKey(eip: boolean, key: number, classId: number): void {
    const k = this.#ordinaryClass(eip, key);
    if (k >= 0) this.#ordinaryIds[k] = classId;
  }

  /** The index of (eip, key) in the layout's ordinary classes (a handful), or -1. */
  #ordinaryClass(eip: boolean, key: number): number {
    const classes = this.#ordinary.classes;
    for (let k = 0; k < classes.length; k++) if (classes[k].key === key && classes[k].eip === eip) return k;
    return -1;
  }

  /** Rows `rows` (of the nodes singled out, ascending) are answered by classes `classIds`. */
  setRows(rows: readonly number[], classIds: Int32Array): void {
    this.#rows = rows;
    this.#rowIds = classIds;
  }

  /** Whether row `row` is an EIP that is not answered (UNKNOWN_CLASS). */
  unanswered(row: number): boolean {
    return this.#layout.addresses[row] === EIP && (!this.#eipsAnswered || this.#layout.dsts[row] < 0);
  }

  #classId(row: number): number {
    if (this.unanswered(row)) return UNKNOWN_CLASS;
    const r = sortedIndexOf(this.#rows, row);
    if (r >= 0) return this.#rowIds[r];
    const k = this.#ordinaryClass(this.#layout.addresses[row] === EIP, this.#ordinary.keys[row]);
    const id = k < 0 ? -1 : this.#ordinaryIds[k];
    if (id < 0) throw new Error(`NodePort row ${row} has no class`);
    return id;
  }

  /** Per class id (UNKNOWN_CLASS last): a result of that class, as fold() hands it out. */
  #outcomes: (AddressResult | undefined)[] | null = null;

  /**
   * Row i as fold() reads it: a result with the outcome of row i (any member of its class: they
   * differ only in via address, node and network, and in sourceIp.seenAs), its node and network.
   */
  visitRow(i: number, index: number, visit: RowVisitor): void {
    const classId = this.#classId(i);
    const slot = classId === UNKNOWN_CLASS ? this.#classes.length : classId;
    this.#outcomes ??= [];
    const outcome = (this.#outcomes[slot] ??= this.result(i));
    const address = this.#layout.addresses[i];
    visit(outcome, this.#cc.nodes[this.#layout.nodes[i]].name, address === EIP ? 'PUBLIC' : 'PRIVATE', index);
  }

  /** What ResultList applies to every result (see ResultList's constructor), or null. */
  #finish: Finish | null = null;
  /** Per class id (UNKNOWN_CLASS last), once known: whether #finish keeps that class's results as they are. */
  #kept: (boolean | undefined)[] | null = null;

  /** Apply `finish` to every row's result: it reads only what the rows of a class share, so it is asked once per class. */
  finishWith(finish: Finish): void {
    this.#finish = finish;
  }

  /** The full AddressResult of row i (built on each call; ResultList caches it). */
  result(i: number): AddressResult {
    const r = this.#built(i);
    const finish = this.#finish;
    if (finish === null) return r;
    const classId = this.#classId(i);
    const slot = classId === UNKNOWN_CLASS ? this.#classes.length : classId;
    this.#kept ??= [];
    const kept = this.#kept[slot];
    if (kept === true) return r;
    const f = finish(r);
    this.#kept[slot] = f === r;
    return f;
  }

  #built(i: number): AddressResult {
    const node = this.#cc.nodes[this.#layout.nodes[i]];
    const address = this.#layout.addresses[i];
    const classId = this.#classId(i);
    if (address !== EIP) return memberResult(this.#classes[classId], node, node.parsedIps[address], null, 'PRIVATE');
    const eip = node.parsedExternalIp;
    if (eip === null) throw new Error(`node ${node.name} has no EIP`);
    if (classId === UNKNOWN_CLASS) return atNodeEip(this.#unknownEip as AddressResult, this.#sp, node, eip.text);
    const dst = node.parsedPrimary[eip.family];
    if (dst === null) throw new Error(`node ${node.name} has no primary IPv${eip.family} address`);
    return memberResult(this.#classes[classId], node, dst, eip.text, 'PUBLIC');
  }
}

type Part = AddressResult | MemberRun;

/**
 * A last look at each result of an answer: the result itself, or one to answer instead. It may
 * read only what every row of a NodePort class shares (verdict, endpoints, deliveries, rules),
 * never a row's via.
 */
export type Finish = (result: AddressResult) => AddressResult;

/**
 * What fold() hands out per result: a result with its outcome (verdict, missing fact, source-IP
 * fate but seenAs, rule, rules, suggestions; via kind and port), the node and network of its
 * via, and its index in the answer's results (to read the result itself, when needed).
 */
export type RowVisitor = (
  outcome: AddressResult,
  node: string | undefined,
  network: Via['network'],
  index: number,
) => void;

/** The proxied results' parts (see fold()). */
const PARTS = Symbol('parts');

/**
 * Every result of an answer, in order, without building each one: a NodePort run's rows are
 * handed out as one result per node class (exact for everything but the via's address, node
 * and network, and sourceIp.seenAs, which are handed out or read by index). A NodePort answer
 * has 10,000 results in a 5,000-node cluster; reading each through the array costs ~1 µs.
 */
export function fold(results: readonly AddressResult[], visit: RowVisitor): void {
  const parts = (results as unknown as { [PARTS]?: readonly Part[] })[PARTS];
  if (parts === undefined) {
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const v = r.via;
      visit(r, v.node, v.network, i);
    }
    return;
  }
  let index = 0;
  for (const part of parts) {
    if (part instanceof MemberRun) {
      for (let i = 0; i < part.length; i++) part.visitRow(i, index++, visit);
    } else {
      const v = part.via;
      visit(part, v.node, v.network, index++);
    }
  }
}

/** Canonical array index (`"0"`, `"17"`, not `"01"`), or -1 for any other property key. */
function arrayIndex(key: string | symbol): number {
  if (typeof key !== 'string' || key.length === 0 || key.length > 9) return -1;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && key.length > 1)) return -1;
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(key);
}

/** Collects an answer's results in order: single results and NodePort runs. */
export class ResultList {
  readonly #parts: Part[] = [];
  readonly #finish: Finish | null;
  #length = 0;
  #hasRuns = false;

  /** `finish`: applied to every result pushed, and to every row of a run as it is read. */
  constructor(finish: Finish | null = null) {
    this.#finish = finish;
  }

  push(result: AddressResult): void {
    this.#parts.push(this.#finish === null ? result : this.#finish(result));
    this.#length++;
  }

  pushRun(run: MemberRun): void {
    if (run.length === 0) return;
    if (this.#finish !== null) run.finishWith(this.#finish);
    this.#parts.push(run);
    this.#length += run.length;
    this.#hasRuns = true;
  }

  /** The answer's results: a plain array when there are no runs, else a lazily-filled one. */
  toArray(): readonly AddressResult[] {
    if (!this.#hasRuns) return this.#parts as AddressResult[];
    return lazyArray(this.#parts, this.#length);
  }
}

function partAt(parts: readonly Part[], index: number): AddressResult {
  let start = 0;
  for (const part of parts) {
    const size = part instanceof MemberRun ? part.length : 1;
    if (index < start + size) return part instanceof MemberRun ? part.result(index - start) : part;
    start += size;
  }
  throw new RangeError(`result ${index} out of range`);
}

/**
 * A read-only array of `length` results whose elements are created on first read and kept
 * (reads are stable). Array.isArray, indexing, length, iteration, array methods, Object.keys
 * and JSON.stringify all see an array of full results. The proxied array itself stays empty,
 * so an unread answer costs no per-result memory; writes throw, as for a frozen array.
 */
function lazyArray(parts: readonly Part[], length: number): readonly AddressResult[] {
  return new Proxy<AddressResult[]>([], new LazyResults(parts, length));
}

const readOnly = (): never => {
  throw new TypeError('reachability results are read-only: copy them first ([...results])');
};

/** The proxy handler of lazyArray(): its traps are methods (no closures made per answer). */
class LazyResults implements ProxyHandler<AddressResult[]> {
  readonly #parts: readonly Part[];
  readonly #length: number;
  #cache: (AddressResult | undefined)[] | null = null;

  constructor(parts: readonly Part[], length: number) {
    this.#parts = parts;
    this.#length = length;
  }

  #inRange(i: number): boolean {
    return i >= 0 && i < this.#length;
  }

  #element(i: number): AddressResult {
    this.#cache ??= new Array<AddressResult | undefined>(this.#length);
    return (this.#cache[i] ??= partAt(this.#parts, i));
  }

  get(t: AddressResult[], key: string | symbol, receiver: unknown): unknown {
    if (key === 'length') return this.#length;
    if (key === PARTS) return this.#parts;
    const i = arrayIndex(key);
    return this.#inRange(i) ? this.#element(i) : Reflect.get(t, key, receiver);
  }

  has(t: AddressResult[], key: string | symbol): boolean {
    return this.#inRange(arrayIndex(key)) || Reflect.has(t, key);
  }

  getOwnPropertyDescriptor(t: AddressResult[], key: string | symbol): PropertyDescriptor | undefined {
    if (key === 'length') return { value: this.#length, writable: true, enumerable: false, configurable: false };
    const i = arrayIndex(key);
    return this.#inRange(i)
      ? { value: this.#element(i), writable: false, enumerable: true, configurable: true }
      : Reflect.getOwnPropertyDescriptor(t, key);
  }

  ownKeys(): (string | symbol)[] {
    const keys: (string | symbol)[] = [];
    for (let i = 0; i < this.#length; i++) keys.push(String(i));
    keys.push('length');
    return keys;
  }

  set = readOnly;
  defineProperty = readOnly;
  deleteProperty = readOnly;
  setPrototypeOf = readOnly;
}

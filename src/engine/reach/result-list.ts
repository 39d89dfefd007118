// The results of one reachability answer. Most are plain AddressResults; a NodePort's results
// (one per node address: 10,000 in a 5,000-node cluster) are stored compactly as a run of
// (node, address, class) rows and turned into AddressResults when read. The answer's
// `results` is then an array (a Proxy over one) whose elements are full results when read,
// iterated or serialised — only their construction is deferred, never their evaluation:
// every node's class has been decided before the answer is returned.
import type { CompiledCluster, CompiledServicePort } from '../compiled';
import type { AddressResult } from '../results';
import { atNodeEip, memberResult, type NodeClass } from './build';

/** Row address kind: one of the node's internal IPs (its index in parsedIps), or its EIP. */
const EIP = -1;
/** Row class for an EIP the client cannot be answered for (see MemberRun.unknownEip). */
export const UNKNOWN_CLASS = -1;

/** NodePort results of one Service port, in node order, three int32 per row (no objects). */
export class MemberRun {
  readonly #cc: CompiledCluster;
  readonly #sp: CompiledServicePort;
  readonly #classes: NodeClass[] = [];
  readonly #classIds = new Map<NodeClass, number>();
  /** The shared answer of rows with UNKNOWN_CLASS; only their via differs. */
  readonly #unknownEip: AddressResult | null;
  #rows: Int32Array;
  #length = 0;

  constructor(cc: CompiledCluster, sp: CompiledServicePort, unknownEip: AddressResult | null, capacity: number) {
    this.#cc = cc;
    this.#sp = sp;
    this.#unknownEip = unknownEip;
    this.#rows = new Int32Array(Math.max(capacity, 1) * 3);
  }

  get length(): number {
    return this.#length;
  }

  /** A node's internal IP (parsedIps[ipIndex]), answered by `cls`. */
  addInternal(node: number, ipIndex: number, cls: NodeClass): void {
    this.#add(node, ipIndex, this.#classId(cls));
  }

  /** A node's EIP, answered by `cls`, or by the shared unknown answer when null. */
  addEip(node: number, cls: NodeClass | null): void {
    this.#add(node, EIP, cls === null ? UNKNOWN_CLASS : this.#classId(cls));
  }

  /** The full AddressResult of row i (built on each call; ResultList caches it). */
  result(i: number): AddressResult {
    const node = this.#cc.nodes[this.#rows[i * 3]];
    const address = this.#rows[i * 3 + 1];
    const classId = this.#rows[i * 3 + 2];
    if (address !== EIP) return memberResult(this.#classes[classId], node, node.parsedIps[address], null, 'PRIVATE');
    const eip = node.parsedExternalIp;
    if (eip === null) throw new Error(`node ${node.name} has no EIP`);
    if (classId === UNKNOWN_CLASS) return atNodeEip(this.#unknownEip as AddressResult, this.#sp, node, eip.text);
    const dst = node.parsedPrimary[eip.family];
    if (dst === null) throw new Error(`node ${node.name} has no primary IPv${eip.family} address`);
    return memberResult(this.#classes[classId], node, dst, eip.text, 'PUBLIC');
  }

  #classId(cls: NodeClass): number {
    let id = this.#classIds.get(cls);
    if (id === undefined) {
      id = this.#classes.length;
      this.#classes.push(cls);
      this.#classIds.set(cls, id);
    }
    return id;
  }

  #add(node: number, address: number, classId: number): void {
    if ((this.#length + 1) * 3 > this.#rows.length) {
      const grown = new Int32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    const at = this.#length * 3;
    this.#rows[at] = node;
    this.#rows[at + 1] = address;
    this.#rows[at + 2] = classId;
    this.#length++;
  }
}

type Part = AddressResult | MemberRun;

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
  #length = 0;
  #hasRuns = false;

  push(result: AddressResult): void {
    this.#parts.push(result);
    this.#length++;
  }

  pushRun(run: MemberRun): void {
    if (run.length === 0) return;
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
  let cache: (AddressResult | undefined)[] | null = null;
  const element = (i: number): AddressResult => {
    cache ??= new Array<AddressResult | undefined>(length);
    return (cache[i] ??= partAt(parts, i));
  };
  const inRange = (i: number): boolean => i >= 0 && i < length;
  const readOnly = (): never => {
    throw new TypeError('reachability results are read-only: copy them first ([...results])');
  };
  return new Proxy<AddressResult[]>([], {
    get(t, key, receiver) {
      if (key === 'length') return length;
      const i = arrayIndex(key);
      return inRange(i) ? element(i) : Reflect.get(t, key, receiver);
    },
    has(t, key) {
      return inRange(arrayIndex(key)) || Reflect.has(t, key);
    },
    getOwnPropertyDescriptor(t, key) {
      if (key === 'length') return { value: length, writable: true, enumerable: false, configurable: false };
      const i = arrayIndex(key);
      return inRange(i) ? { value: element(i), writable: false, enumerable: true, configurable: true } : Reflect.getOwnPropertyDescriptor(t, key);
    },
    ownKeys() {
      const keys: (string | symbol)[] = [];
      for (let i = 0; i < length; i++) keys.push(String(i));
      keys.push('length');
      return keys;
    },
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
    setPrototypeOf: readOnly,
  });
}

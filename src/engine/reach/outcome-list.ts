// The endpoint outcomes of one path: every candidate endpoint, whether its connection
// completes. A NodePort answer may evaluate a node class for each of hundreds of nodes
// hosting endpoints, each against the same candidate list (up to 250 endpoints), and their
// outcomes differ only for the endpoints on a node or two (see outcomesAt in paths.ts). So a
// list is stored as the first list computed for those candidates with the outcomes that
// differ from it, and its array is built when read: when its results are rendered.
import { POLICY_BITS, policyBits, samePolicy } from '../policy/join';
import type { EndpointOutcome } from '../results';

const isConnect = (e: EndpointOutcome): number => (e.outcome === 'CONNECTS' ? 1 : 0);
const isMasqueraded = (e: EndpointOutcome): number => (e.masquerade ? 1 : 0);
/** A failure with a rule: what the failure summary of a path counts and names. */
const isFailing = (e: EndpointOutcome): number => (e.outcome === 'FAILS' && e.rule !== null ? 1 : 0);

/** Outcomes equal but for identity (the candidate, and so ip, port, pod and node, is the same). */
export function sameOutcome(a: EndpointOutcome, b: EndpointOutcome): boolean {
  return (
    a.masquerade === b.masquerade && a.outcome === b.outcome && a.rule === b.rule && samePolicy(a.policy, b.policy)
  );
}

/** Changed outcomes a list keeps before it becomes a list of its own (a full array). */
const REBASE_AT = 16;

interface Counts {
  readonly connects: number;
  readonly masqueraded: number;
  readonly failing: number;
  /** Per policy bit (policyBits), how many outcomes report it. */
  readonly policy: Int32Array;
}

function addBits(counts: Int32Array, bits: number, by: number): void {
  for (let b = 0; bits !== 0; b++, bits >>>= 1) if ((bits & 1) !== 0) counts[b] += by;
}

function countsOf(outcomes: readonly EndpointOutcome[]): Counts {
  let connects = 0;
  let masqueraded = 0;
  let failing = 0;
  const policy = new Int32Array(POLICY_BITS);
  for (let i = 0; i < outcomes.length; i++) {
    const e = outcomes[i];
    connects += isConnect(e);
    masqueraded += isMasqueraded(e);
    failing += isFailing(e);
    addBits(policy, policyBits(e), 1);
  }
  return { connects, masqueraded, failing, policy };
}

export class OutcomeList {
  readonly length: number;
  /** Connections that complete. */
  readonly connects: number;
  /** Connections masqueraded. */
  readonly masqueraded: number;
  /** Connections that fail with a rule. */
  readonly failing: number;
  /** What the outcomes' policy verdicts report: the OR of their policyBits (policyStepRules reads it). */
  readonly policyBits: number;
  readonly #base: readonly EndpointOutcome[];
  readonly #baseCounts: Counts;
  /** Outcomes differing from the base: changedTo[k] at index changedAt[k] (a few; small arrays, not a map). */
  readonly #changedAt: readonly number[];
  readonly #changedTo: readonly EndpointOutcome[];
  #array: readonly EndpointOutcome[] | null;

  private constructor(
    base: readonly EndpointOutcome[],
    baseCounts: Counts,
    changedAt: readonly number[],
    changedTo: readonly EndpointOutcome[],
  ) {
    this.length = base.length;
    this.#base = base;
    this.#baseCounts = baseCounts;
    this.#changedAt = changedAt;
    this.#changedTo = changedTo;
    this.#array = changedAt.length === 0 ? base : null;
    let { connects, masqueraded, failing } = baseCounts;
    const policy = changedAt.length === 0 ? baseCounts.policy : baseCounts.policy.slice();
    for (let k = 0; k < changedAt.length; k++) {
      const was = base[changedAt[k]];
      const e = changedTo[k];
      connects += isConnect(e) - isConnect(was);
      masqueraded += isMasqueraded(e) - isMasqueraded(was);
      failing += isFailing(e) - isFailing(was);
      addBits(policy, policyBits(was), -1);
      addBits(policy, policyBits(e), 1);
    }
    this.connects = connects;
    this.masqueraded = masqueraded;
    this.failing = failing;
    let bits = 0;
    for (let b = 0; b < policy.length; b++) if (policy[b] > 0) bits |= 1 << b;
    this.policyBits = bits;
  }

  /** A list of these outcomes (the array becomes the list's own). */
  static of(outcomes: readonly EndpointOutcome[]): OutcomeList {
    return new OutcomeList(outcomes, countsOf(outcomes), NONE, NO_OUTCOMES);
  }

  /** Outcome i. */
  at(i: number): EndpointOutcome {
    const k = this.#changedAt.indexOf(i);
    return k < 0 ? this.#base[i] : this.#changedTo[k];
  }

  /**
   * This list with outcomes[k] at indices[k] instead. When many differ from the base (it was
   * computed in another context: the ClusterIP on the client's node, say), the result is a
   * list of its own, the base of the lists derived from it.
   */
  with(indices: readonly number[], outcomes: readonly EndpointOutcome[]): OutcomeList {
    const base = this.#base;
    const at: number[] = [];
    const to: EndpointOutcome[] = [];
    // This list's changes not replaced, then the replacements that differ from the base.
    for (let k = 0; k < this.#changedAt.length; k++) {
      if (indices.includes(this.#changedAt[k])) continue;
      at.push(this.#changedAt[k]);
      to.push(this.#changedTo[k]);
    }
    for (let r = 0; r < indices.length; r++) {
      if (sameOutcome(outcomes[r], base[indices[r]])) continue;
      at.push(indices[r]);
      to.push(outcomes[r]);
    }
    if (at.length > REBASE_AT) {
      const array = base.slice();
      for (let k = 0; k < at.length; k++) array[at[k]] = to[k];
      return OutcomeList.of(array);
    }
    return new OutcomeList(base, this.#baseCounts, at, to);
  }

  /** The first `max` outcomes failing with a rule, in order. */
  firstFailing(max: number): EndpointOutcome[] {
    const out: EndpointOutcome[] = [];
    for (let i = 0; i < this.length && out.length < max && out.length < this.failing; i++) {
      const e = this.at(i);
      if (isFailing(e) === 1) out.push(e);
    }
    return out;
  }

  /** Every outcome, in candidate order (built on first read, then kept). */
  get array(): readonly EndpointOutcome[] {
    if (this.#array === null) {
      const array = this.#base.slice();
      for (let k = 0; k < this.#changedAt.length; k++) array[this.#changedAt[k]] = this.#changedTo[k];
      this.#array = array;
    }
    return this.#array;
  }
}

const NONE: readonly number[] = Object.freeze([]);
const NO_OUTCOMES: readonly EndpointOutcome[] = Object.freeze([]);

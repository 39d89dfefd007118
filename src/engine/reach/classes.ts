// Node classes: the answer for one address of a Service (the class's first member, its
// representative) with its suggestions, and what classes alike can share. A NodePort answer
// has a class per node address that answers differently: hundreds when hundreds of nodes
// host endpoints, so what is the same from class to class is taken once (SharedWhatIfs,
// SimilarClasses).
import type { CompiledCluster, CompiledServicePort } from '../compiled';
import type { Decision, PolicyOverride } from '../dataplane/dataplane';
import type { NodeClasses, PlacementQuery, Sharing } from '../sharing/sharing';
import type { ParsedIp } from '../ip';
import type { Suggestion } from '../results';
import { reachesItself } from '../packet';
import { classSourceIp, makeClass } from './build';
import type { Member, NodeClass } from './build';
import { decideAt, finishPath, inClusterPath, lastHopRule, outcomeMemo, pathLike, withOverride } from './paths';
import type { Env, PathOutcome } from './types';
import type { ResultList } from './result-list';
import { answerOf, suggestionsFor } from './suggestions';
import type { Answer } from './types';

/** How a member's path is taken: from the client (inCluster) or at the member's node (atNode). */
export type Evaluate = (env: Env, m: Member) => PathOutcome;

/** One Service port of an answer: where its results go, and what its classes share. */
export interface Scope {
  readonly env: Env;
  readonly sp: CompiledServicePort;
  readonly src: ParsedIp;
  readonly out: ResultList;
  /** The ClusterIP answer of this Service port for an in-cluster client (USE_CLUSTER_IP promises it), once answered. */
  clusterIp: Answer | null;
  /** The suggestions of the latest class evaluated (see sameSuggestions). */
  lastSuggestions: readonly Suggestion[] | null;
}

/**
 * What-if answers shared by the members of one NodePort answer. A what-if answer (e.g. with
 * eTP Cluster) may not depend on the endpoints a node hosts even when the answer itself does:
 * then members whose classes differ only by that share it. Keyed by override object (the
 * suggestions use one object per override, WHAT_IF) and by the member's class key without
 * that distinction (and whether the member is an EIP).
 */
export class SharedWhatIfs {
  readonly #sharing: Sharing;
  readonly #placement: PlacementQuery;
  // Made on first use: most answers verify no suggestion.
  #placementMatters: Map<PolicyOverride, boolean> | null = null;
  #answers: Map<PolicyOverride, Map<number, Answer>> | null = null;
  /** Node classes without separate classes for nodes hosting endpoints, made on first use. */
  #classes: NodeClasses | null = null;

  constructor(sharing: Sharing, placement: PlacementQuery) {
    this.#sharing = sharing;
    this.#placement = placement;
  }

  /** The key member `m` shares its answer under `override` by, or null when it shares none. */
  key(m: Member, override: PolicyOverride): number | null {
    this.#placementMatters ??= new Map();
    let matters = this.#placementMatters.get(override);
    if (matters === undefined) {
      matters = this.#sharing.endpointPlacementMatters({ ...this.#placement, override });
      this.#placementMatters.set(override, matters);
    }
    if (matters) return null;
    const a = m.node.parsedIps.indexOf(m.dst);
    let key: number;
    if (a >= 0) {
      this.#classes ??= this.#sharing.nodeClasses(this.#placement, false);
      key = this.#classes.key(m.node.index, a);
    } else {
      const { cc, sp, clientNode, clientIp } = this.#placement;
      key = this.#sharing.nodeClassKey({
        cc,
        sp,
        clientNode,
        clientIp,
        node: m.node,
        address: m.dst,
        separateEndpointNodes: false,
      });
    }
    return key * 2 + (m.eip === null ? 0 : 1);
  }

  get(override: PolicyOverride, key: number): Answer | undefined {
    return this.#answers?.get(override)?.get(key);
  }

  set(override: PolicyOverride, key: number, answer: Answer): void {
    this.#answers ??= new Map();
    let byKey = this.#answers.get(override);
    if (byKey === undefined) this.#answers.set(override, (byKey = new Map()));
    byKey.set(key, answer);
  }
}

/** The what-if re-evaluations of one member's path (SuggestionInput.reevaluate), shared across members where they can be. */
class MemberWhatIf {
  readonly #env: Env;
  readonly #member: Member;
  readonly #evaluate: Evaluate;
  readonly #shared: SharedWhatIfs | undefined;
  /** Whether an answer was this member's own (not shared with other members). */
  specific = false;

  constructor(env: Env, member: Member, evaluate: Evaluate, shared: SharedWhatIfs | undefined) {
    this.#env = env;
    this.#member = member;
    this.#evaluate = evaluate;
    this.#shared = shared;
  }

  answer(override: PolicyOverride): Answer {
    const m = this.#member;
    const k = this.#shared?.key(m, override) ?? null;
    if (k === null) this.specific = true;
    const shared = k === null ? undefined : this.#shared?.get(override, k);
    if (shared !== undefined) return shared;
    const path = this.#evaluate(withOverride(this.#env, override), m);
    const a = answerOf(path, classSourceIp(path, m));
    if (k !== null) this.#shared?.set(override, k, a);
    return a;
  }

  /** This member's answer on `cc`, another version of the cluster with the same nodes and Service ports (SuggestionInput.reevaluateOn). */
  answerOn(cc: CompiledCluster): Answer {
    this.specific = true;
    const env = this.#env;
    const m = { ...this.#member, sp: cc.servicePorts[this.#member.sp.index] };
    const path = this.#evaluate(
      {
        cc,
        profile: env.profile,
        client: env.client,
        override: undefined,
        outcomes: outcomeMemo(),
        ask: env.ask,
        suggest: env.suggest,
      },
      m,
    );
    return answerOf(path, classSourceIp(path, m));
  }
}

/** Evaluate the class of member `m` (its representative) with its suggestions; `taken`: its path, when already taken. */
export function evaluateClass(
  s: Scope,
  m: Member,
  evaluate: Evaluate,
  whatIfs?: SharedWhatIfs,
  taken?: PathOutcome,
): NodeClass {
  return evaluateClassOf(s, m, evaluate, whatIfs, taken).cls;
}

/** evaluateClass(), and whether its suggestions were verified with what-if answers shared with other members only. */
export function evaluateClassOf(
  s: Scope,
  m: Member,
  evaluate: Evaluate,
  whatIfs: SharedWhatIfs | undefined,
  taken: PathOutcome | undefined,
): { readonly cls: NodeClass; readonly sharedWhatIfs: boolean } {
  const { env, sp } = s;
  const path = taken ?? evaluate(env, m);
  const whatIf = new MemberWhatIf(env, m, evaluate, whatIfs);
  const sourceIp = classSourceIp(path, m);
  const suggestions = suggestionsFor({
    env,
    sp,
    via: m.kind,
    eip: m.eip !== null,
    path,
    verdict: path.verdict,
    sourceIp,
    // A bound method, not an arrow: this runs per node class, and loaders that keep function
    // names (tsx) wrap every arrow stored in a property with a defineProperty call.
    clusterIp: s.clusterIp,
    reevaluate: whatIf.answer.bind(whatIf),
    reevaluateOn: whatIf.answerOn.bind(whatIf),
  });
  return { cls: makeClass(env, path, m, sameSuggestions(s, suggestions), sourceIp), sharedWhatIfs: !whatIf.specific };
}

/**
 * The class of member `m`, with path `path`, from the parts of class `like` (of a node with the
 * same class key once endpoint placement is ignored, see SimilarClasses), or null when they may
 * differ. Only the decisions' endpoints and the connection outcomes may differ between the two:
 * when the decisions are alike otherwise (the same acts, verdict and masquerade; leading hops
 * that forward nothing, taken on the same node) and the outcomes sum up alike (verdict,
 * masquerade, the rule of the first failure, whether the client is an endpoint itself), then so
 * do the suggestions (when `like`'s were verified with shared what-if answers only), the steps
 * before the last hop, the rules and the source IP.
 */
export function classLike(m: Member, path: PathOutcome, like: NodeClass, sharedWhatIfs: boolean): NodeClass | null {
  const was = like.path;
  if (
    !sharedWhatIfs ||
    path.verdict !== was.verdict ||
    path.masquerade !== was.masquerade ||
    path.hops.length !== was.hops.length
  )
    return null;
  if ((path.failure?.rule ?? null) !== (was.failure?.rule ?? null)) return null;
  const last = path.hops.length - 1;
  for (let i = 0; i < last; i++) {
    const a = path.hops[i];
    const b = was.hops[i];
    if (a.ctx.node !== b.ctx.node || a.decision.verdict === 'FORWARD' || !sameDecisionParts(a.decision, b.decision))
      return null;
  }
  const a = path.hops[last];
  const b = was.hops[last];
  if (
    !sameDecisionParts(a.decision, b.decision) ||
    reachesItself(a.decision.endpoints, a.ctx.src) !== reachesItself(b.decision.endpoints, b.ctx.src)
  )
    return null;
  // The policy steps sum up the outcomes too: their rules (a function of the bits) must be alike.
  if (path.outcomes.policyBits !== was.outcomes.policyBits) return null;
  return {
    sp: m.sp,
    kind: m.kind,
    path,
    lead: like.lead,
    rules: like.rules,
    rule: lastHopRule(path),
    suggestions: like.suggestions,
    sharedSourceIp: path.masquerade ? null : like.sharedSourceIp,
  };
}

/** Decisions alike but for their endpoints (and identity): the same verdict, Service port, masquerade and acts. */
function sameDecisionParts(a: Decision, b: Decision): boolean {
  if (a === b) return true;
  if (a.verdict !== b.verdict || a.via !== b.via || a.servicePort !== b.servicePort || a.masquerade !== b.masquerade)
    return false;
  if (
    a.masqueradeReason !== b.masqueradeReason ||
    a.masqueradeRule !== b.masqueradeRule ||
    a.acts.length !== b.acts.length
  )
    return false;
  for (let i = 0; i < a.acts.length; i++) {
    if (a.acts[i] !== b.acts[i] && (a.acts[i].rule !== b.acts[i].rule || a.acts[i].note !== b.acts[i].note))
      return false;
  }
  return true;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `list`, or the previous class's list of this Service port when equal (the same suggestion
 * objects): consecutive classes mostly get the same suggestions, and a NodePort answer has
 * hundreds of classes.
 */
function sameSuggestions(s: Scope, list: readonly Suggestion[]): readonly Suggestion[] {
  const last = s.lastSuggestions;
  if (last !== null && last.length === list.length && sameItems(last, list)) return last;
  s.lastSuggestions = list;
  return list;
}

export const portOf = (m: Member): number => (m.kind === 'NODE_PORT' ? (m.sp.nodePort ?? m.sp.port) : m.sp.port);
export const inCluster: Evaluate = (env, m) =>
  inClusterPath(env, env.client.ips[m.dst.family] as ParsedIp, m.dst, portOf(m), m.sp.protocol);
export const atNode: Evaluate = (env, m) =>
  finishPath(env, [
    decideAt(env, m.node.index, env.client.ips[m.dst.family] as ParsedIp, m.dst, portOf(m), m.sp.protocol),
  ]);

/**
 * The classes of a NodePort answer that differ only by the endpoints their nodes host (equal
 * class keys once nodes hosting endpoints get no classes of their own), grouped so that the
 * first of each group lends the others what they share: its decisions, when those cannot
 * depend on the endpoints a node hosts (Sharing.decisionPlacementMatters; then only each
 * node's connections are checked, see pathLike), and its parts wherever the outcomes sum up
 * alike (classLike).
 */
export class SimilarClasses {
  readonly #classes: NodeClasses;
  readonly #shareDecisions: boolean;
  readonly #first = new Map<
    number,
    { readonly cls: NodeClass; readonly node: number; readonly sharedWhatIfs: boolean }
  >();

  constructor(classes: NodeClasses, shareDecisions: boolean) {
    this.#classes = classes;
    this.#shareDecisions = shareDecisions;
  }

  #key(m: Member, address: number, inCluster: boolean): number {
    return (this.#classes.key(m.node.index, address) * 2 + (m.eip === null ? 0 : 1)) * 2 + (inCluster ? 1 : 0);
  }

  /**
   * Member m's class from the first class like it (m's address at parsedIps[address], owned by
   * node `owner`); else its path, taken with that class's decisions when they are shared, to
   * evaluate it with; null when there is no class like it yet (or the hops do not line up).
   */
  classOf(
    env: Env,
    m: Member,
    address: number,
    owner: number,
    inCluster: boolean,
    evaluate: Evaluate,
  ): NodeClass | PathOutcome | null {
    const like = this.#first.get(this.#key(m, address, inCluster));
    if (like === undefined) return null;
    const path = this.#shareDecisions
      ? pathLike(
          env,
          like.cls.path,
          like.node,
          inCluster,
          m.node.index,
          env.client.ips[m.dst.family] as ParsedIp,
          m.dst,
          owner,
          portOf(m),
          m.sp.protocol,
        )
      : evaluate(env, m);
    if (path === null) return null;
    return classLike(m, path, like.cls, like.sharedWhatIfs) ?? path;
  }

  /** `cls` (member m's) lends its decisions and parts to classes like it, unless one does already. */
  remember(m: Member, address: number, inCluster: boolean, cls: NodeClass, sharedWhatIfs: boolean): void {
    const key = this.#key(m, address, inCluster);
    if (!this.#first.has(key)) this.#first.set(key, { cls, node: m.node.index, sharedWhatIfs });
  }
}

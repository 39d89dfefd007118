// Paths: a client's packet processed on one or two nodes (trace()'s decision each time), then
// whether each forwarded connection completes.
import type { CompiledEndpoint } from '../compiled';
import type { ConnectionContext, Decision, PacketContext, PolicyOverride } from '../dataplane/dataplane';
import type { ParsedIp } from '../ip';
import type { Protocol } from '../model';
import type { EndpointOutcome, ReachVerdict, Step } from '../results';
import type { RuleId } from '../rules';
import {
  addRule,
  candidateTargets,
  completesMasqueraded,
  connectionContext,
  connectionSteps,
  decisionStepRules,
  decisionSteps,
  endpointMasquerade,
  endpointOutcome,
  failureOf,
  reachesItself,
} from '../packet';
import { policedConnection, policyStepRules, samePolicy } from '../policy/join';
import { OutcomeList } from './outcome-list';
import type { Env, KnownOutcomes, NodeDecision, OutcomeMemo, Outcomes, PathOutcome } from './types';

/**
 * `env` with a what-if override. Written out rather than spread: every Env then has one shape
 * (spreading into a literal with an extra key is slow and makes call sites polymorphic).
 */
export function withOverride(env: Env, override: PolicyOverride | undefined): Env {
  return {
    cc: env.cc,
    profile: env.profile,
    client: env.client,
    override,
    outcomes: env.outcomes,
    ask: env.ask,
    suggest: env.suggest,
  };
}

/** `src`: the packet's source (whose hairpins are the only masqueraded endpoints when not all are). */
function outcomesOf(list: OutcomeList, candidates: readonly CompiledEndpoint[], src: ParsedIp): Outcomes {
  return {
    list,
    verdict: verdictOfCounts(list.connects, list.length),
    targets: candidateTargets(candidates),
    failure: failureOf(list),
    masquerade: completesMasqueraded(list, candidates, src),
  };
}

/** A fresh memo for one reachability answer. */
export function outcomeMemo(): OutcomeMemo {
  return new Map();
}

class Path implements PathOutcome {
  readonly hops: readonly NodeDecision[];
  readonly verdict: ReachVerdict;
  readonly outcomes: OutcomeList;
  readonly targets: string;
  readonly failure: PathOutcome['failure'];
  readonly masquerade: boolean;

  constructor(
    hops: readonly NodeDecision[],
    verdict: ReachVerdict,
    o: Pick<PathOutcome, 'outcomes' | 'targets' | 'failure' | 'masquerade'>,
  ) {
    this.hops = hops;
    this.verdict = verdict;
    this.outcomes = o.outcomes;
    this.targets = o.targets;
    this.failure = o.failure;
    this.masquerade = o.masquerade;
  }

  get endpoints(): readonly EndpointOutcome[] {
    return this.outcomes.array;
  }
}

export function decideAt(
  env: Env,
  node: number,
  src: ParsedIp,
  dst: ParsedIp,
  port: number,
  protocol: Protocol,
): NodeDecision {
  const ctx: PacketContext = { cc: env.cc, node: env.cc.nodes[node], src, dst, port, protocol, override: env.override };
  return { ctx, decision: env.profile.dataPlane.decide(ctx) };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** REACHABLE when every candidate connection completes, PARTIAL when some do. */
export function verdictOf(decision: Decision, endpoints: readonly EndpointOutcome[]): ReachVerdict {
  if (decision.verdict !== 'FORWARD') return 'UNREACHABLE';
  return connectedVerdict(endpoints);
}

function connectedVerdict(endpoints: readonly EndpointOutcome[]): ReachVerdict {
  let ok = 0;
  for (const e of endpoints) if (e.outcome === 'CONNECTS') ok++;
  return verdictOfCounts(ok, endpoints.length);
}

/** REACHABLE when all `total` connections complete, PARTIAL when some (`ok`) do. */
function verdictOfCounts(ok: number, total: number): ReachVerdict {
  return total === 0 || ok === 0 ? 'UNREACHABLE' : ok === total ? 'REACHABLE' : 'PARTIAL';
}

/** A NodePort destination that is the processing node's own address is part of "which node", not of the connection scope. */
function scopeDst(last: NodeDecision): string {
  const { ctx, decision } = last;
  return decision.via === 'NODE_PORT' && ctx.node.localAddresses.has(ctx.dst.text) ? '' : ctx.dst.text;
}

/**
 * Whether packets `a` and `b` (of one answer: same client) have the same connection scope:
 * what connection() may read besides the endpoint and the node (see
 * Sharing.connectionNodeLocal). Equal scopes and masquerade flags = equal outcomes, except
 * for endpoints on either node. Compared field by field: no key is built per packet.
 */
function sameScope(a: NodeDecision, aDst: string, b: NodeDecision, bDst: string): boolean {
  const x = a.ctx;
  const y = b.ctx;
  const o = x.override;
  const p = y.override;
  return (
    x.src.text === y.src.text &&
    x.port === y.port &&
    x.protocol === y.protocol &&
    a.decision.via === b.decision.via &&
    a.decision.servicePort?.index === b.decision.servicePort?.index &&
    o?.externalTrafficPolicy === p?.externalTrafficPolicy &&
    o?.internalTrafficPolicy === p?.internalTrafficPolicy &&
    o?.allowSource === p?.allowSource &&
    o?.passThrough === p?.passThrough &&
    aDst === bDst
  );
}

/** Indices of a compiled candidate list's endpoints, by node (built on first use; lists are long-lived). */
const BY_NODE = new WeakMap<readonly CompiledEndpoint[], ReadonlyMap<number, readonly number[]>>();
const NONE: readonly number[] = [];

function indicesByNode(candidates: readonly CompiledEndpoint[]): ReadonlyMap<number, readonly number[]> {
  let map = BY_NODE.get(candidates);
  if (map === undefined) {
    const built = new Map<number, number[]>();
    for (let i = 0; i < candidates.length; i++) {
      const n = candidates[i].nodeIndex;
      const list = built.get(n);
      if (list === undefined) built.set(n, [i]);
      else list.push(i);
    }
    map = built;
    BY_NODE.set(candidates, map);
  }
  return map;
}

/**
 * The outcomes of the last hop's candidates. A NodePort or load-balancer answer may evaluate
 * one node class per node hosting an endpoint, each against the same candidate list (up to 250
 * endpoints), and the outcomes are nearly all equal from class to class (unmasqueraded, they
 * differ only for the endpoints on the processing node). So outcomes are checked against the
 * latest ones built for that list: an equal outcome reuses its object, and when all are equal
 * the whole list (with its verdict, targets and failure summary) is reused. Each endpoint's
 * outcome is checked with connection() (exact), except that when the data plane is
 * connectionNodeLocal and the latest outcomes were computed in the same context on another
 * node of the same connection scope (neither the client's), only the endpoints on those two
 * nodes can differ: only they are checked. The latest, not the first: the first may come from another context (the
 * ClusterIP on the client's node, where every unmasqueraded connection completes) and then
 * match no NodePort class at all. The outcomes that differ are kept as changes to the latest
 * list (OutcomeList.with), not as a copy of it. Only lists many nodes use are remembered (the
 * Service port's cluster-wide list, a zone's): a node's own endpoints (a Local choice, a node's
 * hints) are decided on that node only.
 */
function outcomesAt(env: Env, last: NodeDecision): Outcomes {
  const { decision, ctx } = last;
  const candidates = decision.endpoints;
  const slot = decision.masquerade ? 1 : 0;
  // Only the Service port's cluster-wide list (or, with topology-aware routing, a zone's) is
  // decided on many nodes; a node's own (local) endpoints only on that node: remembering its
  // outcomes would cost more than it saves.
  const cats = decision.servicePort?.categories;
  const memoized =
    env.outcomes !== undefined &&
    candidates.length > 0 &&
    cats !== undefined &&
    (candidates === cats.cluster || cats.topology?.sharedByNodes(candidates) === true);
  const memo = memoized ? env.outcomes?.get(candidates) : undefined;
  const prev = memo?.[slot];
  const known = prev?.outcomes;
  const template = known?.list;
  const node = ctx.node.index;
  const clientNode = env.client.node;
  const scoped = memoized && env.profile.sharing.connectionNodeLocal;
  // Whether the latest outcomes were computed in this packet's scope (null scopes match each other).
  const dst = scoped ? scopeDst(last) : '';
  const nodeScope = env.profile.sharing.connectionScope;
  const sameContext =
    prev !== undefined &&
    (prev.scope === null
      ? !scoped
      : scoped &&
        prev.clientNode === clientNode &&
        sameScope(prev.scope, prev.scopeDst, last, dst) &&
        (nodeScope === undefined || nodeScope(prev.node) === nodeScope(node)));
  const scope = scoped ? last : null;
  // Outcomes built from scratch (no template), or those differing from the template's.
  const fresh: EndpointOutcome[] | null = template === undefined ? [] : null;
  let replacedAt: number[] | null = null;
  let replacedBy: EndpointOutcome[] | null = null;
  // Which candidates to check: all, or (local) those on the latest outcomes' node, then those on this one.
  const local = prev !== undefined && scoped && sameContext && clientNode !== node && clientNode !== prev.node;
  const byNode = local ? indicesByNode(candidates) : null;
  const before = byNode === null ? NONE : (byNode.get((prev as KnownOutcomes).node) ?? NONE);
  const here = byNode === null || node === (prev as KnownOutcomes).node ? NONE : (byNode.get(node) ?? NONE);
  const count = byNode === null ? candidates.length : before.length + here.length;
  const q = count === 0 ? null : connectionContext(ctx, decision, clientNode);
  for (let k = 0; k < count; k++) {
    const i = byNode === null ? k : k < before.length ? before[k] : here[k - before.length];
    const ep = candidates[i];
    const masquerade = endpointMasquerade(decision, ctx.src, ep);
    (q as Mutable<ConnectionContext>).endpoint = ep;
    (q as Mutable<ConnectionContext>).masquerade = masquerade;
    const c = policedConnection(q as ConnectionContext, env.profile.dataPlane.connection(q as ConnectionContext));
    const outcome = c.connects ? 'CONNECTS' : 'FAILS';
    const same = template?.at(i);
    // Equal to the template's outcome (only when there is a template): keep that object.
    if (
      same !== undefined &&
      same.masquerade === masquerade &&
      same.outcome === outcome &&
      same.rule === c.rule &&
      samePolicy(same.policy, c.policy)
    )
      continue;
    const made = endpointOutcome(ep, masquerade, c);
    if (fresh !== null) fresh.push(made);
    else {
      (replacedAt ??= []).push(i);
      (replacedBy ??= []).push(made);
    }
  }
  if (fresh === null && replacedAt === null) {
    // Equal to the latest outcomes: they stay the template (still as computed on their node).
    if (prev !== undefined && !sameContext)
      (memo as [KnownOutcomes | undefined, KnownOutcomes | undefined])[slot] = {
        outcomes: known as Outcomes,
        node,
        scope,
        scopeDst: dst,
        clientNode,
      };
    return known as Outcomes;
  }
  const list =
    fresh !== null
      ? OutcomeList.of(fresh)
      : (template as OutcomeList).with(replacedAt as number[], replacedBy as EndpointOutcome[]);
  const built = outcomesOf(list, candidates, ctx.src);
  if (memoized) {
    const entry = memo ?? [undefined, undefined];
    entry[slot] = { outcomes: built, node, scope, scopeDst: dst, clientNode };
    if (memo === undefined) env.outcomes?.set(candidates, entry);
  }
  return built;
}

export function finishPath(env: Env, hops: readonly NodeDecision[]): PathOutcome {
  const last = hops[hops.length - 1];
  const o = outcomesAt(env, last);
  return new Path(hops, last.decision.verdict === 'FORWARD' ? o.verdict : 'UNREACHABLE', {
    outcomes: o.list,
    targets: o.targets,
    failure: o.failure,
    masquerade: o.masquerade,
  });
}

/**
 * `path` (one hop) as it reads for another node of the same answer class (equal decisions and
 * connection outcomes, see Sharing.endpointPlacementMatters): its own packet context, the
 * shared decision and outcomes. Exactly what finishPath(env, [decideAt(env, node, ...)]) gives.
 */
export function pathAt(
  env: Env,
  path: PathOutcome,
  node: number,
  src: ParsedIp,
  dst: ParsedIp,
  port: number,
  protocol: Protocol,
): PathOutcome {
  const ctx: PacketContext = { cc: env.cc, node: env.cc.nodes[node], src, dst, port, protocol, override: env.override };
  return new Path([{ ctx, decision: path.hops[0].decision }], path.verdict, path);
}

/** From a pod or node: processed on the client's node; if not intercepted and addressed to another node, processed there. */
export function inClusterPath(env: Env, src: ParsedIp, dst: ParsedIp, port: number, protocol: Protocol): PathOutcome {
  const first = decideAt(env, env.client.node, src, dst, port, protocol);
  if (first.decision.verdict !== 'NOT_INTERCEPTED') return finishPath(env, [first]);
  const owner = env.cc.ipOwner.get(dst.text);
  if (owner?.kind !== 'NODE' || owner.index === env.client.node) return finishPath(env, [first]);
  return finishPath(env, [first, decideAt(env, owner.index, src, dst, port, protocol)]);
}

/**
 * The path to `dst` on `node` of a member whose decisions equal those on `like`'s path to its
 * own node `likeNode` (see Sharing.decisionPlacementMatters): the same hops as
 * inClusterPath() (from the client, when `inCluster`) or as a packet processed at `node`, each
 * with its own packet context and its own connection outcomes, the decisions taken from `like`.
 * `dstOwner`: the node owning `dst` (ipOwner), -1 when none. Null when the hops would not line
 * up with `like`'s (a node address owned by another node).
 */
export function pathLike(
  env: Env,
  like: PathOutcome,
  likeNode: number,
  inCluster: boolean,
  node: number,
  src: ParsedIp,
  dst: ParsedIp,
  dstOwner: number,
  port: number,
  protocol: Protocol,
): PathOutcome | null {
  const hops = like.hops;
  if (!inCluster)
    return hops.length === 1 && hops[0].ctx.node.index === likeNode
      ? finishPath(env, [hopAt(env, node, src, dst, port, protocol, hops[0].decision)])
      : null;
  const first = hopAt(env, env.client.node, src, dst, port, protocol, hops[0].decision);
  // inClusterPath's second hop: at the node owning the address, when not intercepted on the client's.
  const owner = first.decision.verdict === 'NOT_INTERCEPTED' ? dstOwner : -1;
  if (owner < 0 || owner === env.client.node) return hops.length === 1 ? finishPath(env, [first]) : null;
  const lined = owner === node && hops.length === 2 && hops[1].ctx.node.index === likeNode;
  return lined ? finishPath(env, [first, hopAt(env, node, src, dst, port, protocol, hops[1].decision)]) : null;
}

/** `decision`, taken for the packet at `node` (as decideAt() would take it). */
function hopAt(
  env: Env,
  node: number,
  src: ParsedIp,
  dst: ParsedIp,
  port: number,
  protocol: Protocol,
  decision: Decision,
): NodeDecision {
  return { ctx: { cc: env.cc, node: env.cc.nodes[node], src, dst, port, protocol, override: env.override }, decision };
}

/** Steps of the last hop rendered for `ctx` (which may be another member of the same node class). */
export function lastHopSteps(path: PathOutcome, ctx: PacketContext): Step[] {
  const last = path.hops[path.hops.length - 1];
  return connectionSteps(last.decision, ctx, path.endpoints, path.targets, path.failure);
}

/**
 * The rules of lastHopSteps(path, ctx), for any ctx of the path's class, in order, without
 * rendering the steps: appended to `out` unless there already.
 */
export function lastHopRules(path: PathOutcome, out: RuleId[]): void {
  const last = path.hops[path.hops.length - 1];
  decisionStepRules(last.decision, reachesItself(last.decision.endpoints, last.ctx.src), out);
  if (last.ctx.cc.policies !== null) policyStepRules(path.outcomes.policyBits, last.ctx.cc.policyEnforcement, out);
  if (path.failure !== null) addRule(out, path.failure.rule);
}

/**
 * The rule that decided a path, as decidingRule() reads it off its rendered steps and endpoint
 * outcomes, without rendering them: the first failing connection's (the failure step's), else
 * the last hop's last step (a hairpin, the masquerade decision, or its last act). Null only
 * when the last hop took no step, for a member to fill in with its own leading step.
 */
export function lastHopRule(path: PathOutcome): RuleId | null {
  if (path.failure !== null) return path.failure.rule;
  const last = path.hops[path.hops.length - 1];
  const d = last.decision;
  if (d.verdict === 'FORWARD' && d.masqueradeRule !== null)
    return reachesItself(d.endpoints, last.ctx.src) ? 'K8S-HAIRPIN-MASQUERADE' : d.masqueradeRule;
  if (d.acts.length > 0) return d.acts[d.acts.length - 1].rule;
  for (let i = path.hops.length - 2; i >= 0; i--) {
    const acts = path.hops[i].decision.acts;
    if (acts.length > 0) return acts[acts.length - 1].rule;
  }
  return null;
}

/** Steps of every hop but the last: node-agnostic notes, so shareable across a class. */
export function leadingSteps(path: PathOutcome): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < path.hops.length - 1; i++) {
    const h = path.hops[i];
    out.push(...decisionSteps(h.decision, h.ctx, []));
  }
  return out;
}

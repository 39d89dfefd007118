// Paths: a client's packet processed on one or two nodes (trace()'s decision each time), then
// whether each forwarded connection completes.
import type { CompiledCluster, CompiledEndpoint } from '../compiled';
import type { ConnectionContext, DataPlane, Decision, PacketContext, PolicyOverride } from '../dataplane/dataplane';
import type { ParsedIp } from '../ip';
import type { Protocol } from '../model';
import type { EndpointOutcome, ReachVerdict, Step } from '../results';
import { RULES, type RuleId } from '../rules';
import { candidateTargets, decisionSteps, endpointMasquerade } from '../trace';
import type { ClientInfo } from './client';

export interface Env {
  readonly cc: CompiledCluster;
  readonly dp: DataPlane;
  readonly client: ClientInfo;
  readonly override?: PolicyOverride;
  /** Endpoint outcomes built so far in this answer (see outcomesAt); none when absent. */
  readonly outcomes?: OutcomeMemo;
}

/** Endpoint outcomes of one candidate list, with what is derived from them once. */
export interface Outcomes {
  readonly endpoints: readonly EndpointOutcome[];
  /** The path verdict when the decision is FORWARD. */
  readonly verdict: ReachVerdict;
  readonly targets: string;
  readonly failure: PathOutcome['failure'];
}

/** Outcomes as last computed for a candidate list: on which node, in which connection context. */
export interface KnownOutcomes {
  readonly outcomes: Outcomes;
  readonly node: number;
  /** contextKey() of the packet and decision, or null when the data plane is not connectionNodeLocal. */
  readonly context: string | null;
}

/**
 * Per answer: the latest outcomes built for each candidate list (by identity), one for
 * decisions that masquerade and one for those that do not (what-if re-evaluations of the
 * same list often flip it, and would otherwise match nothing).
 */
export type OutcomeMemo = Map<readonly CompiledEndpoint[], [KnownOutcomes | undefined, KnownOutcomes | undefined]>;

/** A fresh memo for one reachability answer. */
export function outcomeMemo(): OutcomeMemo {
  return new Map();
}

export interface NodeDecision {
  readonly ctx: PacketContext;
  readonly decision: Decision;
}

export interface PathOutcome {
  readonly hops: readonly NodeDecision[];
  readonly verdict: ReachVerdict;
  readonly endpoints: readonly EndpointOutcome[];
  /** endpointTargets(endpoints), computed once per path. */
  readonly targets: string;
  /** Why some connections fail, summarised once per path. */
  readonly failure: { readonly rule: RuleId; readonly description: string } | null;
}

function failureOf(endpoints: readonly EndpointOutcome[]): PathOutcome['failure'] {
  // The first five failing endpoints and how many fail (no filtered copy of up to 250 outcomes).
  const first: EndpointOutcome[] = [];
  let count = 0;
  for (const e of endpoints) {
    if (e.outcome !== 'FAILS' || e.rule === null) continue;
    if (count < 5) first.push(e);
    count++;
  }
  if (count === 0) return null;
  const shown = first.map((e) => e.ip).join(', ');
  const more = count > 5 ? ` and ${count - 5} more` : '';
  const rule = first[0].rule as RuleId;
  const description = rule === 'K8S-ASYMMETRIC-RETURN'
    ? `replies from ${shown}${more} do not pass back through this node: those connections fail`
    : `connections to ${shown}${more} fail: ${RULES[rule].statement}`;
  return { rule, description };
}

export function decideAt(env: Env, node: number, src: ParsedIp, dst: ParsedIp, port: number, protocol: Protocol): NodeDecision {
  const ctx: PacketContext = { cc: env.cc, node: env.cc.nodes[node], src, dst, port, protocol, override: env.override };
  return { ctx, decision: env.dp.decide(ctx) };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One connection context per path, re-pointed at each endpoint (data planes read it synchronously). */
function connectionContext(env: Env, last: NodeDecision): Mutable<ConnectionContext> {
  const { decision, ctx } = last;
  return { cc: env.cc, processingNode: ctx.node.index, clientNode: env.client.node, endpoint: decision.endpoints[0], masquerade: false, packet: ctx, decision };
}

/** REACHABLE when every candidate connection completes, PARTIAL when some do. */
export function verdictOf(decision: Decision, endpoints: readonly EndpointOutcome[]): ReachVerdict {
  if (decision.verdict !== 'FORWARD') return 'UNREACHABLE';
  return connectedVerdict(endpoints);
}

function connectedVerdict(endpoints: readonly EndpointOutcome[]): ReachVerdict {
  if (endpoints.length === 0) return 'UNREACHABLE';
  let ok = 0;
  for (const e of endpoints) if (e.outcome === 'CONNECTS') ok++;
  return ok === endpoints.length ? 'REACHABLE' : ok === 0 ? 'UNREACHABLE' : 'PARTIAL';
}

/**
 * What connection() may read besides the endpoint and the node (see DataPlane.connectionNodeLocal):
 * equal keys and masquerade flags = equal outcomes, except for endpoints on either node.
 */
function contextKey(env: Env, last: NodeDecision): string {
  const { ctx, decision } = last;
  const o = ctx.override;
  // A NodePort destination is the processing node's own address: part of "which node", not of the context.
  const dst = decision.via === 'NODE_PORT' && ctx.node.localAddresses.has(ctx.dst.text) ? '' : ctx.dst.text;
  return `${env.client.node}|${ctx.src.text}|${dst}|${ctx.port}|${ctx.protocol}|${decision.via}|${decision.servicePort?.index}|`
    + `${o?.externalTrafficPolicy}|${o?.internalTrafficPolicy}|${o?.allowSource}|${o?.passThrough}`;
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
 * node (neither the client's), only the endpoints on those two nodes can differ: only they
 * are checked. The latest, not the first: the first may come from another context (the
 * ClusterIP on the client's node, where every unmasqueraded connection completes) and then
 * match no NodePort class at all.
 */
function outcomesAt(env: Env, last: NodeDecision): Outcomes {
  const { decision, ctx } = last;
  const candidates = decision.endpoints;
  const slot = decision.masquerade ? 1 : 0;
  const memo = env.outcomes?.get(candidates);
  const prev = memo?.[slot];
  const known = prev?.outcomes;
  const template = known?.endpoints;
  const node = ctx.node.index;
  const clientNode = env.client.node;
  const context = env.dp.connectionNodeLocal === true && env.outcomes !== undefined && candidates.length > 0 ? contextKey(env, last) : null;
  const q = connectionContext(env, last);
  let fresh: EndpointOutcome[] | null = known === undefined ? [] : null;
  const check = (i: number): void => {
    const ep = candidates[i];
    const masquerade = endpointMasquerade(decision, ctx.src, ep);
    q.endpoint = ep;
    q.masquerade = masquerade;
    const c = env.dp.connection(q);
    const outcome = c.connects ? 'CONNECTS' : 'FAILS';
    const same = template?.[i];
    // Equal to the template's outcome (only when there is a template): keep that object.
    if (same !== undefined && same.masquerade === masquerade && same.outcome === outcome && same.rule === c.rule) return;
    const made: EndpointOutcome = { ip: ep.ip, port: ep.port, pod: ep.podKey, node: ep.nodeName, masquerade, outcome, rule: c.rule };
    if (template === undefined) {
      (fresh as EndpointOutcome[]).push(made);
    } else {
      // First difference from the template: copy it whole (one exact-size array), then patch.
      fresh ??= template.slice();
      fresh[i] = made;
    }
  };
  const local = prev !== undefined && context !== null && prev.context === context && clientNode !== node && clientNode !== prev.node;
  if (local) {
    const byNode = indicesByNode(candidates);
    const before = byNode.get(prev.node) ?? NONE;
    for (let k = 0; k < before.length; k++) check(before[k]);
    if (node !== prev.node) {
      const here = byNode.get(node) ?? NONE;
      for (let k = 0; k < here.length; k++) check(here[k]);
    }
  } else {
    for (let i = 0; i < candidates.length; i++) check(i);
  }
  if (fresh === null) {
    // Equal to the latest outcomes: they stay the template (still as computed on their node).
    if (prev !== undefined && prev.context !== context) (memo as [KnownOutcomes | undefined, KnownOutcomes | undefined])[slot] = { outcomes: known as Outcomes, node, context };
    return known as Outcomes;
  }
  const built: Outcomes = { endpoints: fresh, verdict: connectedVerdict(fresh), targets: candidateTargets(candidates), failure: failureOf(fresh) };
  if (candidates.length > 0) {
    const entry = memo ?? [undefined, undefined];
    entry[slot] = { outcomes: built, node, context };
    if (memo === undefined) env.outcomes?.set(candidates, entry);
  }
  return built;
}

export function finishPath(env: Env, hops: readonly NodeDecision[]): PathOutcome {
  const last = hops[hops.length - 1];
  const o = outcomesAt(env, last);
  return { hops, verdict: last.decision.verdict === 'FORWARD' ? o.verdict : 'UNREACHABLE', endpoints: o.endpoints, targets: o.targets, failure: o.failure };
}

/**
 * `path` (one hop) as it reads for another node of the same answer class (equal decisions and
 * connection outcomes, see DataPlane.endpointPlacementMatters): its own packet context, the
 * shared decision and outcomes. Exactly what finishPath(env, [decideAt(env, node, ...)]) gives.
 */
export function pathAt(env: Env, path: PathOutcome, node: number, src: ParsedIp, dst: ParsedIp, port: number, protocol: Protocol): PathOutcome {
  const ctx: PacketContext = { cc: env.cc, node: env.cc.nodes[node], src, dst, port, protocol, override: env.override };
  return { hops: [{ ctx, decision: path.hops[0].decision }], verdict: path.verdict, endpoints: path.endpoints, targets: path.targets, failure: path.failure };
}

/** From a pod or node: processed on the client's node; if not intercepted and addressed to another node, processed there. */
export function inClusterPath(env: Env, src: ParsedIp, dst: ParsedIp, port: number, protocol: Protocol): PathOutcome {
  const first = decideAt(env, env.client.node, src, dst, port, protocol);
  if (first.decision.verdict !== 'NOT_INTERCEPTED') return finishPath(env, [first]);
  const owner = env.cc.ipOwner.get(dst.text);
  if (owner?.kind !== 'NODE' || owner.index === env.client.node) return finishPath(env, [first]);
  return finishPath(env, [first, decideAt(env, owner.index, src, dst, port, protocol)]);
}

/** Steps of the last hop rendered for `ctx` (which may be another member of the same node class). */
export function lastHopSteps(path: PathOutcome, ctx: PacketContext): Step[] {
  const last = path.hops[path.hops.length - 1];
  const steps = decisionSteps(last.decision, ctx, path.endpoints, path.targets);
  if (path.failure !== null) steps.push({ at: ctx.node.at, rule: path.failure.rule, description: path.failure.description });
  return steps;
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

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

/**
 * Per answer: the first outcomes built for each candidate list (by identity), one for
 * decisions that masquerade and one for those that do not (what-if re-evaluations of the
 * same list often flip it, and would otherwise match nothing).
 */
export type OutcomeMemo = Map<readonly CompiledEndpoint[], [Outcomes | undefined, Outcomes | undefined]>;

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
  const failing = endpoints.filter((e) => e.outcome === 'FAILS' && e.rule !== null);
  if (failing.length === 0) return null;
  const shown = failing.slice(0, 5).map((e) => e.ip).join(', ');
  const more = failing.length > 5 ? ` and ${failing.length - 5} more` : '';
  const rule = failing[0].rule as RuleId;
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
 * The outcomes of the last hop's candidates. A NodePort or load-balancer answer evaluates one
 * node class per node hosting an endpoint, each against the same candidate list (up to 250
 * endpoints), and the outcomes are nearly all equal from class to class. So each endpoint's
 * outcome is checked (one connection() per endpoint and class: exact) but an outcome equal
 * to the answer's first one for that list reuses its object, and when all are equal the whole
 * list (with its verdict, targets and failure summary) is reused.
 */
function outcomesAt(env: Env, last: NodeDecision): Outcomes {
  const { decision, ctx } = last;
  const candidates = decision.endpoints;
  const memo = env.outcomes?.get(candidates);
  const known = memo?.[decision.masquerade ? 1 : 0];
  const template = known?.endpoints;
  const q = connectionContext(env, last);
  let fresh: EndpointOutcome[] | null = known === undefined ? [] : null;
  for (let i = 0; i < candidates.length; i++) {
    const ep = candidates[i];
    const masquerade = endpointMasquerade(decision, ctx.src, ep);
    q.endpoint = ep;
    q.masquerade = masquerade;
    const c = env.dp.connection(q);
    const outcome = c.connects ? 'CONNECTS' : 'FAILS';
    const same = template?.[i];
    // Equal to the template's outcome (only when there is a template): keep that object.
    if (same !== undefined && same.masquerade === masquerade && same.outcome === outcome && same.rule === c.rule) continue;
    const made: EndpointOutcome = { ip: ep.ip, port: ep.port, pod: ep.podKey, node: ep.nodeName, masquerade, outcome, rule: c.rule };
    if (template === undefined) {
      (fresh as EndpointOutcome[]).push(made);
    } else {
      // First difference from the template: copy it whole (one exact-size array), then patch.
      fresh ??= template.slice();
      fresh[i] = made;
    }
  }
  if (fresh === null) return known as Outcomes;
  const built: Outcomes = { endpoints: fresh, verdict: connectedVerdict(fresh), targets: candidateTargets(candidates), failure: failureOf(fresh) };
  if (known === undefined && candidates.length > 0) {
    const entry = memo ?? [undefined, undefined];
    entry[decision.masquerade ? 1 : 0] = built;
    if (memo === undefined) env.outcomes?.set(candidates, entry);
  }
  return built;
}

export function finishPath(env: Env, hops: readonly NodeDecision[]): PathOutcome {
  const last = hops[hops.length - 1];
  const o = outcomesAt(env, last);
  return { hops, verdict: last.decision.verdict === 'FORWARD' ? o.verdict : 'UNREACHABLE', endpoints: o.endpoints, targets: o.targets, failure: o.failure };
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

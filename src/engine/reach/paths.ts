// Paths: a client's packet processed on one or two nodes (trace()'s decision each time), then
// whether each forwarded connection completes.
import type { CompiledCluster } from '../compiled';
import type { DataPlane, Decision, PacketContext, PolicyOverride } from '../dataplane/dataplane';
import type { ParsedIp } from '../ip';
import type { Protocol } from '../model';
import type { EndpointOutcome, ReachVerdict, Step } from '../results';
import type { RuleId } from '../rules';
import { decisionSteps, endpointMasquerade, endpointTargets } from '../trace';
import type { ClientInfo } from './client';

export interface Env {
  readonly cc: CompiledCluster;
  readonly dp: DataPlane;
  readonly client: ClientInfo;
  readonly override?: PolicyOverride;
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
  return { rule: failing[0].rule as RuleId, description: `replies from ${shown}${more} do not pass back through this node: those connections fail` };
}

export function decideAt(env: Env, node: number, src: ParsedIp, dst: ParsedIp, port: number, protocol: Protocol): NodeDecision {
  const ctx: PacketContext = { cc: env.cc, node: env.cc.nodes[node], src, dst, port, protocol, override: env.override };
  return { ctx, decision: env.dp.decide(ctx) };
}

function endpointOutcomes(env: Env, last: NodeDecision): EndpointOutcome[] {
  const { decision, ctx } = last;
  return decision.endpoints.map((ep) => {
    const masquerade = endpointMasquerade(decision, ctx.src, ep);
    const c = env.dp.connection({ cc: env.cc, processingNode: ctx.node.index, clientNode: env.client.node, endpoint: ep, masquerade });
    return { ip: ep.ip, port: ep.port, pod: ep.podKey, node: ep.nodeName, masquerade, outcome: c.connects ? 'CONNECTS' : 'FAILS', rule: c.rule };
  });
}

/** REACHABLE when every candidate connection completes, PARTIAL when some do. */
export function verdictOf(decision: Decision, endpoints: readonly EndpointOutcome[]): ReachVerdict {
  if (decision.verdict !== 'FORWARD' || endpoints.length === 0) return 'UNREACHABLE';
  let ok = 0;
  for (const e of endpoints) if (e.outcome === 'CONNECTS') ok++;
  return ok === endpoints.length ? 'REACHABLE' : ok === 0 ? 'UNREACHABLE' : 'PARTIAL';
}

export function finishPath(env: Env, hops: readonly NodeDecision[]): PathOutcome {
  const last = hops[hops.length - 1];
  const endpoints = endpointOutcomes(env, last);
  return { hops, verdict: verdictOf(last.decision, endpoints), endpoints, targets: endpointTargets(endpoints), failure: failureOf(endpoints) };
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

// Load-balancer paths from outside: the LB delivers to the nodes passing its health check
// (VIP mode: destination still the LB IP; Proxy mode: a new connection to NodeIP:NodePort from
// the LB's address). Target nodes are grouped by node class, one trace per group.
import type { CompiledNode, CompiledServicePort } from '../compiled';
import { hostPort, type ParsedIp } from '../ip';
import type { AddressResult, Delivery, EndpointOutcome, Hop, ReachVerdict, SourceIp, Step, Via } from '../results';
import { masqueradeAddress } from '../trace';
import { rulesOf } from './build';
import { decideAt, finishPath, lastHopSteps, pathAt, type Env, type PathOutcome } from './paths';
import { suggestionsFor, type Answer } from './suggestions';

export interface DeliveryPlan {
  readonly mode: 'VIP' | 'PROXY';
  readonly lbIp: ParsedIp;
  /** Source of the packets reaching the nodes: the client (VIP) or the LB (Proxy). */
  readonly src: ParsedIp;
  /** Steps and hops before the LB (an in-cluster client's node not intercepting). */
  readonly lead: readonly Step[];
  readonly leadHops: readonly Hop[];
  /**
   * Node class key per node index, filled on first use. A key does not depend on policy
   * overrides (NodeClassQuery has none), so the what-if re-evaluations behind suggestions
   * reuse the keys of the first evaluation instead of recomputing one per node.
   */
  readonly classKeys: (string | number | undefined)[];
}

/** Fresh, empty class-key cache for a plan. */
export function classKeyCache(nodeCount: number): (string | number | undefined)[] {
  return new Array<string | number | undefined>(nodeCount);
}

interface Group { readonly rep: CompiledNode; readonly nodes: string[]; path?: PathOutcome }

function destination(plan: DeliveryPlan, sp: CompiledServicePort, node: CompiledNode): { ip: ParsedIp; port: number } | null {
  if (plan.mode === 'VIP') return { ip: plan.lbIp, port: sp.port };
  const ip = node.parsedPrimary[plan.lbIp.family];
  return ip === null || sp.nodePort === null ? null : { ip, port: sp.nodePort };
}

function groupTargets(env: Env, sp: CompiledServicePort, plan: DeliveryPlan): Group[] {
  const targets = env.dp.loadBalancerTargets(env.cc, sp, env.override);
  // Two passes, so each group's node list is allocated once at its final size (up to every node).
  const counts = new Map<string | number, number>();
  for (let i = 0; i < targets.length; i++) {
    const n = targets[i];
    let key = plan.classKeys[n];
    if (key === undefined) {
      const node = env.cc.nodes[n];
      const address = plan.mode === 'PROXY' ? destination(plan, sp, node)?.ip ?? null : null;
      key = env.dp.nodeClassKey({ cc: env.cc, sp, node, address, clientNode: -1, clientIp: plan.src });
      plan.classKeys[n] = key;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const groups = new Map<string | number, { group: Group; filled: number }>();
  for (let i = 0; i < targets.length; i++) {
    const node = env.cc.nodes[targets[i]];
    const key = plan.classKeys[node.index] as string | number;
    let g = groups.get(key);
    if (g === undefined) {
      g = { group: { rep: node, nodes: new Array<string>(counts.get(key) as number) }, filled: 0 };
      groups.set(key, g);
    }
    g.group.nodes[g.filled++] = node.name;
  }
  return Array.from(groups.values(), (g) => g.group);
}

function combine(verdicts: readonly ReachVerdict[]): ReachVerdict {
  if (verdicts.length === 0) return 'UNREACHABLE';
  if (verdicts.every((v) => v === 'REACHABLE')) return 'REACHABLE';
  return verdicts.every((v) => v === 'UNREACHABLE') ? 'UNREACHABLE' : 'PARTIAL';
}

function unionEndpoints(paths: readonly PathOutcome[]): EndpointOutcome[] {
  const byKey = new Map<string, EndpointOutcome>();
  // Groups usually share one outcome list; a list seen before cannot change the union.
  const seen = new Set<readonly EndpointOutcome[]>();
  for (const p of paths) {
    if (seen.has(p.endpoints)) continue;
    seen.add(p.endpoints);
    for (const e of p.endpoints) {
      const k = hostPort(e.ip, e.port);
      const prev = byKey.get(k);
      if (prev === undefined || (prev.outcome === 'CONNECTS' && e.outcome === 'FAILS')) byKey.set(k, e);
    }
  }
  return [...byKey.values()];
}

function combinedSourceIp(plan: DeliveryPlan, groups: readonly Group[]): SourceIp {
  const forwarded = groups.filter((g) => g.path?.hops[0].decision.verdict === 'FORWARD');
  if (forwarded.length === 0) return { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' };
  const masq = forwarded.find((g) => g.path?.endpoints.some((e) => e.masquerade));
  if (masq !== undefined) {
    const single = groups.length === 1 && groups[0].nodes.length === 1;
    const reason = masq.path?.hops[0].decision.masqueradeReason ?? 'SNAT_ETP_CLUSTER';
    return { preserved: false, seenAs: single ? masqueradeAddress(masq.rep, plan.lbIp.family) : null, seenAsKind: 'NODE', reason };
  }
  if (plan.mode === 'PROXY') return { preserved: false, seenAs: plan.src.text, seenAsKind: 'LOAD_BALANCER', reason: 'LB_PROXY' };
  return { preserved: true, seenAs: plan.src.text, seenAsKind: 'CLIENT', reason: forwarded[0].path?.hops[0].decision.masqueradeReason ?? 'NOT_MASQUERADED' };
}

/**
 * Each group's path. Groups list every node hosting endpoints on its own; when which endpoints
 * a node hosts cannot change its answer (DataPlane.endpointPlacementMatters), groups whose reps
 * share a class without that distinction share one evaluation (each keeps its own hop context).
 * What-if re-evaluations (overrides) evaluate every group.
 */
function evaluate(env: Env, sp: CompiledServicePort, plan: DeliveryPlan): Group[] {
  const outside: Env = { ...env, client: { ...env.client, node: -1 } };
  const groups = groupTargets(env, sp, plan);
  const shareable = env.override === undefined && !env.dp.endpointPlacementMatters({ cc: env.cc, sp, clientNode: -1, clientIp: plan.src });
  const shared = new Map<string | number, PathOutcome>();
  for (const g of groups) {
    const dst = destination(plan, sp, g.rep);
    if (dst === null) continue;
    const key = shareable
      ? env.dp.nodeClassKey({ cc: env.cc, sp, node: g.rep, address: plan.mode === 'PROXY' ? dst.ip : null, clientNode: -1, clientIp: plan.src, separateEndpointNodes: false })
      : null;
    const same = key === null ? undefined : shared.get(key);
    if (same !== undefined) {
      g.path = pathAt(outside, same, g.rep.index, plan.src, dst.ip, dst.port, sp.protocol);
      continue;
    }
    g.path = finishPath(outside, [decideAt(outside, g.rep.index, plan.src, dst.ip, dst.port, sp.protocol)]);
    if (key !== null) shared.set(key, g.path);
  }
  return groups;
}

export function lbAnswer(env: Env, sp: CompiledServicePort, plan: DeliveryPlan): Answer {
  const groups = evaluate(env, sp, plan);
  const verdict = combine(groups.map((g) => g.path?.verdict ?? 'UNREACHABLE'));
  const src = combinedSourceIp(plan, groups);
  return { verdict, sourceIpPreserved: src.preserved };
}

function lbStep(env: Env, sp: CompiledServicePort, plan: DeliveryPlan, targets: number): Step {
  const rule = sp.externalPolicyLocal && env.override?.externalTrafficPolicy !== 'Cluster' ? 'K8S-LB-HEALTHCHECK-LOCAL' : 'K8S-LB-DELIVERS-TO-NODES';
  const how = plan.mode === 'VIP' ? `destination kept ${plan.lbIp.text}` : `new connection to NodeIP:${sp.nodePort ?? '?'} from ${plan.src.text}`;
  return { at: `lb/${plan.lbIp.text}`, rule: plan.mode === 'PROXY' ? 'K8S-LB-PROXY-DELIVERY' : rule, description: `delivers to ${targets} node(s) passing its health check (${how})` };
}

export function lbResult(env: Env, sp: CompiledServicePort, via: Via, plan: DeliveryPlan): AddressResult {
  const groups = evaluate(env, sp, plan);
  const paths = groups.flatMap((g) => (g.path === undefined ? [] : [g.path]));
  const deliveries: Delivery[] = groups.map((g) => ({ nodes: g.nodes, verdict: g.path?.hops[0].decision.verdict ?? 'NOT_INTERCEPTED', endpoints: g.path?.endpoints ?? [] }));
  const verdict = combine(groups.map((g) => g.path?.verdict ?? 'UNREACHABLE'));
  const first = groups.find((g) => g.path !== undefined);
  const repSteps = first?.path === undefined ? [] : lastHopSteps(first.path, first.path.hops[0].ctx);
  const steps = [...plan.lead, lbStep(env, sp, plan, groups.reduce((n, g) => n + g.nodes.length, 0)), ...repSteps];
  const hops: Hop[] = [...plan.leadHops, ...groups.flatMap((g) => (g.path === undefined ? [] : [{
    node: g.rep.name, verdict: g.path.hops[0].decision.verdict,
    ...(plan.mode === 'PROXY' ? { source: plan.src.text, destination: { ip: g.path.hops[0].ctx.dst.text, port: g.path.hops[0].ctx.port } } : {}),
  }]))];
  const sourceIp = combinedSourceIp(plan, groups);
  const suggestions = suggestionsFor({
    env, sp, via: via.kind, path: first?.path ?? null, verdict, sourceIp, clusterIpVerdict: null,
    reevaluate: (override) => lbAnswer({ ...env, override }, sp, plan),
  });
  return { via, verdict, missingFact: null, sourceIp, endpoints: unionEndpoints(paths), path: steps, hops, deliveries, rules: rulesOf(steps, env.dp.notes), suggestions };
}

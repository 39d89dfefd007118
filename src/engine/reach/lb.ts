// Load-balancer paths from outside: the LB delivers to the nodes passing its health check
// (VIP mode: destination still the LB IP; Proxy mode: a new connection to NodeIP:NodePort from
// the LB's address). Target nodes are grouped by node class, one trace per group.
import { podAt, policyKey, policySteps } from '../policy/join';
import { judgeEgress, judgeIngressFromAnySource, notAPod } from '../policy/judge';
import type { CompiledCluster, CompiledNode, CompiledServicePort } from '../compiled';
import type { ParsedIp } from '../ip';
import type { PodModel } from '../model';
import type { AddressResult, Delivery, EndpointOutcome, Hop, ReachVerdict, SourceIp, Step, Via } from '../results';
import { noSourceIp, sourceIpFate } from '../packet';
import { decidingRule, rulesOf, unknownResult } from './build';
import { decideAt, finishPath, lastHopSteps, pathAt, withOverride } from './paths';
import type { Env, PathOutcome } from './types';
import { suggestionsFor } from './suggestions';
import type { Answer } from './types';
import { sortedIndexOf } from '../sorted';

export interface DeliveryPlan {
  /** VIP: destination kept; PROXY: the LB's own connection to NodeIP:NodePort; HOSTNAME: a load balancer known by name only, to NodeIP:NodePort. */
  readonly mode: 'VIP' | 'PROXY' | 'HOSTNAME';
  /** The LB's address (HOSTNAME: the client's, standing for the family only). */
  readonly lbIp: ParsedIp;
  /** How the answer names the load balancer: its address or hostname. */
  readonly label: string;
  /** Source of the packets reaching the nodes: the client (VIP) or the LB (Proxy). */
  readonly src: ParsedIp;
  /** Steps and hops before the LB (an in-cluster client's node not intercepting). */
  readonly lead: readonly Step[];
  readonly leadHops: readonly Hop[];
  /**
   * Node class keys of a target list (keys[i] for targets[i]), by list. A key does not depend
   * on policy overrides (NodeClassQuery has none), so the what-if re-evaluations behind
   * suggestions reuse the keys of the first evaluation when they target the same (shared) list.
   */
  readonly classKeys: Map<readonly number[], Int32Array>;
}

/** Fresh, empty class-key cache for a plan. */
export function classKeyCache(): Map<readonly number[], Int32Array> {
  return new Map();
}

/** Every node's name by index, per nodes array (shared by patched versions): delivery groups list up to every node by name. */
const NODE_NAMES = new WeakMap<readonly CompiledNode[], readonly string[]>();

function nodeNames(cc: CompiledCluster): readonly string[] {
  let names = NODE_NAMES.get(cc.nodes);
  if (names === undefined) {
    names = cc.nodes.map((n) => n.name);
    NODE_NAMES.set(cc.nodes, names);
  }
  return names;
}

interface Group {
  readonly rep: CompiledNode;
  readonly nodes: string[];
  path?: PathOutcome;
}

function destination(
  plan: DeliveryPlan,
  sp: CompiledServicePort,
  node: CompiledNode,
): { ip: ParsedIp; port: number } | null {
  if (plan.mode === 'VIP') return { ip: plan.lbIp, port: sp.port };
  // PROXY and HOSTNAME: to the node's primary IP of the family, on the NodePort.
  const ip = node.parsedPrimary[plan.lbIp.family];
  return ip === null || sp.nodePort === null ? null : { ip, port: sp.nodePort };
}

/** What answers targeting one (shared) target list reuse: its order, and its nodes' ordinary class keys. */
interface TargetList {
  /** Whether the nodes come in index order (as loadBalancerTargets returns them): then positions are found by bisection. */
  readonly ascending: boolean;
  /** Ordinary class keys (Sharing.ordinaryNodeClassKey) by kind of destination. */
  readonly ordinaryKeys: Map<string, Int32Array>;
}

const TARGET_LISTS = new WeakMap<readonly number[], TargetList>();

function targetList(targets: readonly number[]): TargetList {
  let list = TARGET_LISTS.get(targets);
  if (list === undefined) {
    let ascending = true;
    for (let i = 1; i < targets.length && ascending; i++) ascending = targets[i - 1] < targets[i];
    list = { ascending, ordinaryKeys: new Map() };
    TARGET_LISTS.set(targets, list);
  }
  return list;
}

/** The address index (in parsedIps) the plan's packets reach target `node` at, -1 for none (VIP: the LB IP). */
function targetAddress(plan: DeliveryPlan, sp: CompiledServicePort, node: CompiledNode): number {
  if (plan.mode === 'VIP') return -1;
  // Proxy mode delivers to the node's primary IP of the LB's family (destination()).
  const ip = node.parsedPrimary[plan.lbIp.family];
  return ip === null || sp.nodePort === null ? -1 : node.parsedIps.indexOf(ip);
}

function ordinaryTargetKeys(
  env: Env,
  sp: CompiledServicePort,
  plan: DeliveryPlan,
  targets: readonly number[],
  list: TargetList,
): Int32Array {
  const sharing = env.profile.sharing;
  const table = sharing.ordinaryKind(sp);
  const kind = `${plan.mode}|${plan.lbIp.family}|${sp.nodePort !== null}|${table}`;
  let keys = list.ordinaryKeys.get(kind);
  if (keys === undefined) {
    keys = new Int32Array(targets.length);
    for (let i = 0; i < targets.length; i++)
      keys[i] = sharing.ordinaryNodeClassKey(
        env.cc,
        targets[i],
        targetAddress(plan, sp, env.cc.nodes[targets[i]]),
        table,
      );
    list.ordinaryKeys.set(kind, keys);
  }
  return keys;
}

/** Positions of node `n` in `targets`. */
function positionsOf(targets: readonly number[], list: TargetList, n: number): number[] {
  const out: number[] = [];
  if (!list.ascending) {
    for (let i = 0; i < targets.length; i++) if (targets[i] === n) out.push(i);
    return out;
  }
  const at = sortedIndexOf(targets, n);
  if (at >= 0) out.push(at);
  return out;
}

/**
 * Class keys of the plan's targets (kept for the list): their ordinary keys, shared by every
 * answer targeting the same (shared) list, with those of the nodes the traffic singles out
 * (Sharing.nodeClasses().singled) keyed one by one.
 */
function targetKeys(env: Env, sp: CompiledServicePort, plan: DeliveryPlan, targets: readonly number[]): Int32Array {
  let keys = plan.classKeys.get(targets);
  if (keys === undefined) {
    const list = targetList(targets);
    keys = ordinaryTargetKeys(env, sp, plan, targets, list).slice();
    // Delivered traffic: keyed as from outside; each node hosting endpoints a group of its own.
    const classing = env.profile.sharing.nodeClasses({ cc: env.cc, sp, clientNode: -1, clientIp: plan.src }, true);
    for (const n of classing.singled) {
      const a = targetAddress(plan, sp, env.cc.nodes[n]);
      for (const i of positionsOf(targets, list, n)) keys[i] = classing.key(n, a);
    }
    plan.classKeys.set(targets, keys);
  }
  return keys;
}

/** The target nodes in groups, and which group each target (by position) is in. */
interface Grouped {
  readonly groups: Group[];
  readonly targets: readonly number[];
  readonly groupOf: Int32Array;
}

/**
 * The target nodes grouped by class key, in order of first appearance; each group's node list
 * allocated once at its final size (up to every node). Targets come in index order and most
 * share one key, so sizes are counted per run of equal keys, not per node.
 */
function groupTargets(env: Env, sp: CompiledServicePort, plan: DeliveryPlan): Grouped {
  const targets = env.profile.dataPlane.loadBalancerTargets(env.cc, sp, env.override);
  const keys = targetKeys(env, sp, plan, targets);
  const sizes = new Map<number, number>();
  for (let i = 0; i < keys.length;) {
    const key = keys[i];
    let end = i + 1;
    while (end < keys.length && keys[end] === key) end++;
    sizes.set(key, (sizes.get(key) ?? 0) + end - i);
    i = end;
  }
  const names = nodeNames(env.cc);
  const groups = new Map<number, { group: Group; index: number; filled: number }>();
  const groupOf = new Int32Array(keys.length);
  for (let i = 0; i < keys.length;) {
    const key = keys[i];
    let g = groups.get(key);
    if (g === undefined) {
      g = {
        group: { rep: env.cc.nodes[targets[i]], nodes: new Array<string>(sizes.get(key) as number) },
        index: groups.size,
        filled: 0,
      };
      groups.set(key, g);
    }
    const list = g.group.nodes;
    let filled = g.filled;
    for (; i < keys.length && keys[i] === key; i++) {
      groupOf[i] = g.index;
      list[filled++] = names[targets[i]];
    }
    g.filled = filled;
  }
  const out: Group[] = [];
  groups.forEach((g) => out.push(g.group));
  return { groups: out, targets, groupOf };
}

/** What a group delivers, as text: its verdict and each endpoint's fate (equal text, equal delivery). */
function deliveryKey(g: Group, known: Map<readonly EndpointOutcome[], string>): string {
  const path = g.path;
  if (path === undefined) return '';
  const endpoints = path.endpoints;
  let key = known.get(endpoints);
  if (key === undefined) {
    key = '';
    for (let i = 0; i < endpoints.length; i++) {
      const e = endpoints[i];
      key += `|${e.ip}|${e.port}|${e.outcome}|${e.rule ?? ''}|${e.masquerade ? 1 : 0}${e.policy === undefined ? '' : `|${policyKey(e.policy)}`}`;
    }
    known.set(endpoints, key);
  }
  return `${path.hops[0].decision.verdict}${key}`;
}

/**
 * The deliveries as the answer shows them: groups that deliver alike (same verdict, same fate
 * for each endpoint) merged, their nodes in target order, each merged group's representative
 * its first node. How the engine shared work between nodes (the class keys) then does not show
 * in the answer: NO_SHARING, one group per node, gives the same deliveries (sharing.spec.ts).
 */
function byDelivery(env: Env, grouped: Grouped): Group[] {
  const { groups, targets, groupOf } = grouped;
  if (groups.length < 2) return groups;
  const known = new Map<readonly EndpointOutcome[], string>();
  const mergedOf = new Int32Array(groups.length);
  const firstOf = new Map<string, number>();
  const merged: Group[] = [];
  const sizes: number[] = [];
  for (let k = 0; k < groups.length; k++) {
    const key = deliveryKey(groups[k], known);
    let m = firstOf.get(key);
    if (m === undefined) {
      m = merged.length;
      firstOf.set(key, m);
      merged.push(groups[k]);
      sizes.push(0);
    }
    mergedOf[k] = m;
    sizes[m] += groups[k].nodes.length;
  }
  if (merged.length === groups.length) return groups;
  const names = nodeNames(env.cc);
  const out: Group[] = merged.map((g, m) => ({ rep: g.rep, nodes: new Array<string>(sizes[m]), path: g.path }));
  const filled = new Int32Array(out.length);
  for (let i = 0; i < targets.length; i++) {
    const m = mergedOf[groupOf[i]];
    out[m].nodes[filled[m]++] = names[targets[i]];
  }
  return out;
}

/** REACHABLE when every group's path is, UNREACHABLE when none is (or there is no group), else PARTIAL. */
function combine(groups: readonly Group[]): ReachVerdict {
  if (groups.length === 0) return 'UNREACHABLE';
  let reachable = 0;
  let unreachable = 0;
  for (let k = 0; k < groups.length; k++) {
    const v = groups[k].path?.verdict ?? 'UNREACHABLE';
    if (v === 'REACHABLE') reachable++;
    else if (v === 'UNREACHABLE') unreachable++;
  }
  return reachable === groups.length ? 'REACHABLE' : unreachable === groups.length ? 'UNREACHABLE' : 'PARTIAL';
}

/**
 * The outcomes of every group, each endpoint (by ip:port) once, in order of first appearance:
 * failing wherever it fails. Keyed by address then port, so no ip:port string is made per endpoint.
 */
function unionEndpoints(groups: readonly Group[]): EndpointOutcome[] {
  const out: EndpointOutcome[] = [];
  const at = new Map<string, number[]>();
  // Groups usually share one outcome list; a list seen before cannot change the union.
  const seen = new Set<readonly EndpointOutcome[]>();
  for (let k = 0; k < groups.length; k++) {
    const path = groups[k].path;
    if (path === undefined) continue;
    const endpoints = path.endpoints;
    if (seen.has(endpoints)) continue;
    seen.add(endpoints);
    for (let i = 0; i < endpoints.length; i++) {
      const e = endpoints[i];
      let positions = at.get(e.ip);
      if (positions === undefined) at.set(e.ip, (positions = []));
      let p = 0;
      while (p < positions.length && out[positions[p]].port !== e.port) p++;
      if (p === positions.length) {
        positions.push(out.length);
        out.push(e);
      } else if (out[positions[p]].outcome === 'CONNECTS' && e.outcome === 'FAILS') {
        out[positions[p]] = e;
      }
    }
  }
  return out;
}

/**
 * The source-IP fate of the deliveries, judged (packet.ts sourceIpFate) on the connections that
 * complete: on the first group whose completing connections are masqueraded, else on the first
 * where any completes; nothing when none completes. Then as the deliveries make it: the node
 * address seen is named only when one node is delivered to, and a Proxy-mode load balancer's
 * own connection is what the backend sees when the nodes keep it.
 */
function combinedSourceIp(plan: DeliveryPlan, groups: readonly Group[]): SourceIp {
  let forwarded = false;
  let completing: PathOutcome | null = null;
  let masq: PathOutcome | null = null;
  for (let k = 0; k < groups.length && masq === null; k++) {
    const path = groups[k].path;
    if (path?.hops[0].decision.verdict !== 'FORWARD') continue;
    forwarded = true;
    if (path.outcomes.connects === 0) continue;
    completing ??= path;
    if (path.masquerade) masq = path;
  }
  const judged = masq ?? completing;
  if (judged === null) return noSourceIp(forwarded);
  const hop = judged.hops[0];
  const fate = sourceIpFate(hop.decision, hop.ctx, true, judged.masquerade);
  if (fate.preserved === false)
    return groups.length === 1 && groups[0].nodes.length === 1 ? fate : { ...fate, seenAs: null };
  if (plan.mode === 'HOSTNAME') return LB_DECIDES;
  return plan.mode === 'PROXY'
    ? { preserved: false, seenAs: plan.src.text, seenAsKind: 'LOAD_BALANCER', reason: 'LB_PROXY' }
    : fate;
}

/**
 * Each group's path. Groups list every node hosting endpoints on its own; when which endpoints
 * a node hosts cannot change its answer (Sharing.endpointPlacementMatters), groups whose reps
 * share a class without that distinction share one evaluation (each keeps its own hop context).
 * What-if re-evaluations (overrides) evaluate every group.
 */
function evaluate(env: Env, sp: CompiledServicePort, plan: DeliveryPlan): Grouped {
  const outside: Env = {
    cc: env.cc,
    profile: env.profile,
    client: env.client.outside(),
    override: env.override,
    outcomes: env.outcomes,
    ask: env.ask,
    suggest: env.suggest,
  };
  const grouped = groupTargets(env, sp, plan);
  const groups = grouped.groups;
  const placement = { cc: env.cc, sp, clientNode: -1, clientIp: plan.src };
  const shareable =
    env.override === undefined && !env.profile.sharing.endpointPlacementMatters(placement)
      ? env.profile.sharing.nodeClasses(placement, false)
      : null;
  const shared = new Map<number, PathOutcome>();
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k];
    const dst = destination(plan, sp, g.rep);
    if (dst === null) continue;
    const key = shareable === null ? null : shareable.key(g.rep.index, targetAddress(plan, sp, g.rep));
    const same = key === null ? undefined : shared.get(key);
    if (same !== undefined) {
      g.path = pathAt(outside, same, g.rep.index, plan.src, dst.ip, dst.port, sp.protocol);
      continue;
    }
    g.path = finishPath(outside, [decideAt(outside, g.rep.index, plan.src, dst.ip, dst.port, sp.protocol)]);
    if (key !== null) shared.set(key, g.path);
  }
  return grouped;
}

export function lbAnswer(env: Env, sp: CompiledServicePort, plan: DeliveryPlan): Answer {
  const groups = evaluate(env, sp, plan).groups;
  return { verdict: combine(groups), sourceIpPreserved: combinedSourceIp(plan, groups).preserved };
}

/** The source-IP fate when the load balancer in front decides it (not modelled). */
const LB_DECIDES: SourceIp = { preserved: null, seenAs: null, seenAsKind: null, reason: 'LB_UNKNOWN' };

function lbStep(env: Env, sp: CompiledServicePort, plan: DeliveryPlan, targets: number): Step {
  const rule =
    sp.externalPolicyLocal && env.override?.externalTrafficPolicy !== 'Cluster'
      ? 'K8S-LB-HEALTHCHECK-LOCAL'
      : 'K8S-LB-DELIVERS-TO-NODES';
  if (plan.mode === 'HOSTNAME') {
    return {
      at: `lb/${plan.label}`,
      rule: 'K8S-LB-HOSTNAME',
      description: `known only by hostname, so kube-proxy has no rule for it: delivers to NodeIP:${sp.nodePort ?? '?'} on ${targets} node(s) passing its health check; whether the client's address reaches the nodes depends on the load balancer`,
    };
  }
  const how =
    plan.mode === 'VIP'
      ? `destination kept ${plan.lbIp.text}`
      : `new connection to NodeIP:${sp.nodePort ?? '?'} from ${plan.src.text}`;
  return {
    at: `lb/${plan.label}`,
    rule: plan.mode === 'PROXY' ? 'K8S-LB-PROXY-DELIVERY' : rule,
    description: `delivers to ${targets} node(s) passing its health check (${how})`,
  };
}

/** The pod with this key (namespace/name), or null. */
function podAtKey(cc: CompiledCluster, key: string): PodModel | null {
  const i = cc.podByKey.get(key);
  return i === undefined ? null : cc.model.pods[i];
}

const TARGET_FROM: Record<string, string> = {
  SPEC: "the Service's loadBalancerTarget",
  ANNOTATION: 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip',
};

/**
 * A load balancer that delivers straight to the pods (container-native): to every ready
 * endpoint, kube-proxy and the nodes not on the path. The address the pod sees is the load
 * balancer's business (LB_UNKNOWN), so NetworkPolicy judges each pod's ingress for any source
 * (policy/judge judgeIngressFromAnySource): when the verdict depends on the source (an isolated
 * pod whose rules on this port name peers), the answer is UNKNOWN (POLICY_LB_SOURCE). A client
 * pod's egress is judged towards the load balancer's address and the Service's port.
 */
export function podTargetsResult(
  env: Env,
  sp: CompiledServicePort,
  via: Via,
  label: string,
  lead: readonly Step[],
): AddressResult {
  const index = env.cc.policies;
  const endpoints: EndpointOutcome[] = [];
  for (const e of sp.endpoints) {
    if (!e.ready) continue;
    const base = { ip: e.ip, port: e.port, pod: e.podKey, node: e.nodeName, masquerade: false };
    if (index === null) {
      endpoints.push({ ...base, outcome: 'CONNECTS', rule: null });
      continue;
    }
    const target = e.podKey === null ? null : podAtKey(env.cc, e.podKey);
    const family = e.ip.includes(':') ? 6 : 4;
    const clientIp = env.client.ips[family];
    const clientPod = env.client.kind === 'POD' && clientIp !== null ? podAt(env.cc, clientIp.text) : null;
    const egress =
      clientPod === null
        ? notAPod(index)
        : judgeEgress(index, clientPod, { ip: via.address, pod: null }, sp.port, sp.protocol);
    const ingress =
      target === null
        ? notAPod(index)
        : judgeIngressFromAnySource(index, target, e.port, sp.protocol, clientPod !== null);
    if (ingress === null) return unknownResult(env, via, 'POLICY_LB_SOURCE');
    const policy = { seenAs: null, egress, ingress };
    const denied = !egress.allowed ? egress.rule : !ingress.allowed ? ingress.rule : null;
    endpoints.push({ ...base, outcome: denied === null ? 'CONNECTS' : 'FAILS', rule: denied, policy });
  }
  const from = TARGET_FROM[sp.loadBalancerTarget.from ?? ''] ?? 'the Service';
  const steps: Step[] = [
    ...lead,
    {
      at: `lb/${label}`,
      rule: 'K8S-LB-POD-TARGETS',
      description:
        endpoints.length > 0
          ? `delivers straight to ${endpoints.length} ready pod(s) on their own IPs (targets pods, per ${from}); kube-proxy is not on the path`
          : `targets pods (per ${from}) but the Service has no ready pod: nothing to deliver to`,
    },
  ];
  if (index !== null) steps.push(...policySteps(endpoints, env.cc.policyEnforcement, `lb/${label}`));
  const connecting = endpoints.filter((e) => e.outcome === 'CONNECTS').length;
  const verdict: ReachVerdict =
    connecting === 0 ? 'UNREACHABLE' : connecting === endpoints.length ? 'REACHABLE' : 'PARTIAL';
  const sourceIp = connecting > 0 ? LB_DECIDES : noSourceIp(false);
  const rule =
    connecting === endpoints.length ? 'K8S-LB-POD-TARGETS' : (decidingRule(steps, endpoints) ?? 'K8S-LB-POD-TARGETS');
  return {
    via,
    verdict,
    missingFact: null,
    sourceIp,
    endpoints,
    path: steps,
    hops: [],
    deliveries: null,
    rules: rulesOf(steps, env.profile.notes),
    rule,
    suggestions: [],
  };
}

export function lbResult(env: Env, sp: CompiledServicePort, via: Via, plan: DeliveryPlan): AddressResult {
  const groups = byDelivery(env, evaluate(env, sp, plan));
  const deliveries: Delivery[] = [];
  const hops: Hop[] = [...plan.leadHops];
  let first: PathOutcome | undefined;
  let targets = 0;
  for (let k = 0; k < groups.length; k++) {
    const g = groups[k];
    const path = g.path;
    targets += g.nodes.length;
    deliveries.push({
      nodes: g.nodes,
      verdict: path?.hops[0].decision.verdict ?? 'NOT_INTERCEPTED',
      endpoints: path?.endpoints ?? [],
    });
    if (path === undefined) continue;
    first ??= path;
    const hop = path.hops[0];
    hops.push(
      plan.mode !== 'VIP'
        ? {
            node: g.rep.name,
            verdict: hop.decision.verdict,
            source: plan.src.text,
            destination: { ip: hop.ctx.dst.text, port: hop.ctx.port },
          }
        : { node: g.rep.name, verdict: hop.decision.verdict },
    );
  }
  const verdict = combine(groups);
  const repSteps = first === undefined ? [] : lastHopSteps(first, first.hops[0].ctx);
  const steps = [...plan.lead, lbStep(env, sp, plan, targets), ...repSteps];
  const sourceIp = combinedSourceIp(plan, groups);
  const suggestions = suggestionsFor({
    env,
    sp,
    via: 'LOAD_BALANCER',
    path: first ?? null,
    verdict,
    sourceIp,
    clusterIpVerdict: null,
    reevaluate: (override) => lbAnswer(withOverride(env, override), sp, plan),
  });
  const endpoints = unionEndpoints(groups);
  return {
    via,
    verdict,
    missingFact: null,
    sourceIp,
    endpoints,
    path: steps,
    hops,
    deliveries,
    rules: rulesOf(steps, env.profile.notes),
    rule: decidingRule(steps, endpoints),
    suggestions,
  };
}

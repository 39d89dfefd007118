// reachability(): every way a client can address a Service, each answered from trace()
// decisions (the same data-plane `decide`), composed into paths.
import type { CompiledCluster, CompiledNode, CompiledServicePort } from './compiled';
import type { NodeClassQuery, PolicyOverride } from './dataplane/dataplane';
import { dataPlaneFor } from './dataplane/select';
import { EngineInputError } from './errors';
import { isPrivateIp, parseIp, type ParsedIp } from './ip';
import { classSourceIp, expand, makeClass, unknownResult, viaFor, type Member, type NodeClass } from './reach/build';
import { MemberRun, ResultList } from './reach/result-list';
import { resolveClient, type ReachabilityClient } from './reach/client';
import { classKeyCache, lbResult, type DeliveryPlan } from './reach/lb';
import { decideAt, finishPath, inClusterPath, outcomeMemo, type Env, type PathOutcome } from './reach/paths';
import { decisionSteps } from './trace';
import { answerOf, suggestionsFor, type Answer } from './reach/suggestions';
import type { AddressResult, ReachabilityResult, ReachVerdict, Via } from './results';
import { RULES } from './rules';

export type { ReachabilityClient } from './reach/client';

export interface ReachabilityRequest {
  readonly client: ReachabilityClient;
  /** `namespace/name` */
  readonly service: string;
  /** Only this Service port (its `port`); all ports when absent. */
  readonly port?: number;
}

type Evaluate = (env: Env, m: Member) => PathOutcome;

interface Scope {
  readonly env: Env;
  readonly sp: CompiledServicePort;
  readonly src: ParsedIp;
  readonly out: ResultList;
  clusterIpVerdict: ReachVerdict | null;
}

const networkOf = (ip: ParsedIp): 'PUBLIC' | 'PRIVATE' => (isPrivateIp(ip) ? 'PRIVATE' : 'PUBLIC');

/** Key under which a what-if answer for member `m` may be shared with other members, or null. */
type WhatIfKey = (m: Member, override: PolicyOverride) => string | null;

/** The class of member `m`: evaluated (with its suggestions) for the first member of each class key. */
function classOf(s: Scope, classes: Map<string | number, NodeClass>, key: string | number, m: Member, evaluate: Evaluate, whatIf?: { readonly key: WhatIfKey; readonly answers: Map<string, Answer> }): NodeClass {
  let cls = classes.get(key);
  if (cls === undefined) {
    const { env, sp } = s;
    const path = evaluate(env, m);
    const reevaluate = (override: PolicyOverride): Answer => {
      const k = whatIf?.key(m, override) ?? null;
      const shared = k === null ? undefined : whatIf?.answers.get(k);
      if (shared !== undefined) return shared;
      const a = answerOf(evaluate({ ...env, override }, m));
      if (k !== null) whatIf?.answers.set(k, a);
      return a;
    };
    const suggestions = suggestionsFor({
      env, sp, via: m.kind, path, verdict: path.verdict, sourceIp: classSourceIp(path, m),
      clusterIpVerdict: s.clusterIpVerdict, reevaluate,
    });
    cls = makeClass(env, path, m, suggestions);
    classes.set(key, cls);
  }
  return cls;
}

/** Evaluate one member per node class; expand the class's answer to every member. */
function classResult(s: Scope, classes: Map<string | number, NodeClass>, m: Member, evaluate: Evaluate): AddressResult {
  const { env, sp } = s;
  const key = env.dp.nodeClassKey({ cc: env.cc, sp, node: m.node, address: m.dst, clientNode: env.client.node, clientIp: s.src });
  return expand(classOf(s, classes, key, m, evaluate), m);
}

function single(s: Scope, via: Via, node: CompiledNode, dst: ParsedIp, evaluate: Evaluate): AddressResult {
  return classResult(s, new Map(), { sp: s.sp, kind: via.kind, network: via.network, node, dst, eip: null }, evaluate);
}

const portOf = (m: Member): number => (m.kind === 'NODE_PORT' ? m.sp.nodePort ?? m.sp.port : m.sp.port);
const inCluster: Evaluate = (env, m) => inClusterPath(env, env.client.ips[m.dst.family] as ParsedIp, m.dst, portOf(m), m.sp.protocol);
const atNode: Evaluate = (env, m) => finishPath(env, [decideAt(env, m.node.index, env.client.ips[m.dst.family] as ParsedIp, m.dst, portOf(m), m.sp.protocol)]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * NodePort on every node: internal IPs (pods, nodes, private clients) and EIPs. This is the
 * one answer that scales with the cluster (a result per node address), so the loop allocates
 * no object per address: each node's class is decided here (class key from one reused query;
 * a member object only for a class's first, evaluated, member) and recorded as a row of a
 * MemberRun, whose full AddressResult is built when the caller reads it.
 */
function nodePorts(s: Scope): void {
  const { env, sp, src } = s;
  if (sp.nodePort === null) return;
  const classes = new Map<string | number, NodeClass>();
  const external = env.client.kind === 'EXTERNAL';
  // Outside clients' EIP packets are processed at the node; inside ones' cannot be answered.
  // A profile may answer in-cluster EIP access like the private IP (CCE: access type "Public/Private network").
  const eipLikePrivate = !external && env.dp.eipFromCluster?.(env.cc, sp) === true;
  const eipClasses = new Map<string | number, NodeClass>();
  const unknownEip = external || eipLikePrivate ? null : unknownResult(env, viaFor(sp, 'NODE_PORT', ''), 'CLUSTER_INTERNET_EGRESS');
  const evaluate = external ? atNode : inCluster;
  const internalIps = !external || env.client.network === 'PRIVATE';
  const eips = !external || env.client.network === 'PUBLIC';
  // Read synchronously by nodeClassKey, so one object serves every node.
  const query: Mutable<NodeClassQuery> = { cc: env.cc, sp, node: env.cc.nodes[0], address: null, clientNode: env.client.node, clientIp: src };
  // Nodes hosting endpoints need classes of their own only when that can change their answers.
  const separate = env.dp.endpointPlacementMatters(query);
  query.separateEndpointNodes = separate;
  // A what-if answer (e.g. with eTP Cluster) may not depend on the endpoints a node hosts even
  // when the answer itself does: then members whose classes differ only by that share it.
  const placementUnder = new Map<string, boolean>();
  const whatIfKey: WhatIfKey = (m, override) => {
    const o = `${override.externalTrafficPolicy}|${override.internalTrafficPolicy}|${override.allowSource}|${override.passThrough}`;
    let matters = placementUnder.get(o);
    if (matters === undefined) {
      matters = env.dp.endpointPlacementMatters({ cc: env.cc, sp, clientNode: env.client.node, clientIp: src, override });
      placementUnder.set(o, matters);
    }
    if (matters) return null;
    query.node = m.node;
    query.address = m.dst;
    query.separateEndpointNodes = false;
    const key = env.dp.nodeClassKey(query);
    query.separateEndpointNodes = separate;
    return `${m.eip === null ? 'IP' : 'EIP'}|${o}|${key}`;
  };
  const whatIf = { key: whatIfKey, answers: new Map<string, Answer>() };
  const classFor = (node: CompiledNode, dst: ParsedIp, eip: string | null, network: 'PUBLIC' | 'PRIVATE', how: Evaluate): NodeClass => {
    query.node = node;
    query.address = dst;
    const key = env.dp.nodeClassKey(query);
    const byKey = eip !== null && eipLikePrivate ? eipClasses : classes;
    return byKey.get(key) ?? classOf(s, byKey, key, { sp, kind: 'NODE_PORT', network, node, dst, eip }, how, whatIf);
  };
  // Unanswerable EIPs all share one answer (only their via differs, set per row).
  const run = new MemberRun(env.cc, sp, unknownEip ?? unknownResult(env, viaFor(sp, 'NODE_PORT', ''), 'CLUSTER_INTERNET_EGRESS'), env.cc.nodes.length * 2);
  // Indexed loops: an array iterator allocates a result object per step whenever this runs unoptimized.
  const nodes = env.cc.nodes;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    if (internalIps) {
      for (let i = 0; i < node.parsedIps.length; i++) {
        const ip = node.parsedIps[i];
        if (ip.family === src.family) run.addInternal(node.index, i, classFor(node, ip, null, 'PRIVATE', evaluate));
      }
    }
    const eip = node.parsedExternalIp;
    if (eip === null || eip.family !== src.family || !eips) continue;
    const dst = node.parsedPrimary[eip.family];
    if (unknownEip !== null || dst === null) {
      run.addEip(node.index, null);
      continue;
    }
    run.addEip(node.index, classFor(node, dst, eip.text, 'PUBLIC', eipLikePrivate ? inCluster : atNode));
  }
  s.out.pushRun(run);
}

function clientNode(env: Env): CompiledNode {
  return env.cc.nodes[env.client.node];
}

function loadBalancers(s: Scope): void {
  const { env, sp, src } = s;
  const lbs = [...sp.loadBalancerVips.map((ip) => ({ ip, mode: 'VIP' as const })), ...sp.loadBalancerProxyIps.map((ip) => ({ ip, mode: 'PROXY' as const }))];
  for (const lb of lbs) {
    const lbIp = parseIp(lb.ip) as ParsedIp;
    const via = viaFor(sp, 'LOAD_BALANCER', lb.ip, { network: networkOf(lbIp) });
    if (env.client.kind === 'EXTERNAL' && via.network !== env.client.network) continue;
    if (env.client.kind !== 'EXTERNAL' && lb.mode === 'VIP') { s.out.push(single(s, via, clientNode(env), lbIp, inCluster)); continue; }
    if (lb.mode === 'PROXY' && sp.nodePort === null) { s.out.push(unknownResult(env, via, 'LB_NODE_PORT')); continue; }
    if (env.client.kind !== 'EXTERNAL' && via.network === 'PUBLIC') { s.out.push(unknownResult(env, via, 'CLUSTER_INTERNET_EGRESS')); continue; }
    if (lb.mode === 'VIP' && sp.sourceRanges !== null && !env.client.ipKnown) { s.out.push(unknownResult(env, via, 'CLIENT_IP')); continue; }
    s.out.push(lbResult(env, sp, via, planFor(env, sp, lb.mode, lbIp, src)));
  }
}

function planFor(env: Env, sp: CompiledServicePort, mode: 'VIP' | 'PROXY', lbIp: ParsedIp, src: ParsedIp): DeliveryPlan {
  const classKeys = classKeyCache(env.cc.nodes.length);
  if (env.client.kind === 'EXTERNAL') return { mode, lbIp, src: mode === 'VIP' ? src : lbIp, lead: [], leadHops: [], classKeys };
  const first = decideAt(env, env.client.node, src, lbIp, sp.port, sp.protocol);
  return { mode, lbIp, src: lbIp, lead: decisionSteps(first.decision, first.ctx, []), leadHops: [{ node: clientNode(env).name, verdict: first.decision.verdict }], classKeys };
}

function externalIps(s: Scope): void {
  const { env, sp } = s;
  for (const text of sp.externalIps) {
    const ip = parseIp(text) as ParsedIp;
    const via = viaFor(sp, 'EXTERNAL_IP', text, { network: networkOf(ip) });
    if (env.client.kind !== 'EXTERNAL') { s.out.push(single(s, via, clientNode(env), ip, inCluster)); continue; }
    if (via.network !== env.client.network) continue;
    const owner = env.cc.ipOwner.get(text);
    if (owner?.kind !== 'NODE') { s.out.push(unknownResult(env, via, 'EXTERNAL_IP_ROUTING')); continue; }
    s.out.push(single(s, via, env.cc.nodes[owner.index], ip, atNode));
  }
}

function servicePortResults(env: Env, sp: CompiledServicePort, out: ResultList): void {
  const src = env.client.ips[sp.family];
  if (src === null) return;
  const s: Scope = { env, sp, src, out, clusterIpVerdict: null };
  if (env.client.kind !== 'EXTERNAL') {
    const r = single(s, viaFor(sp, 'CLUSTER_IP', sp.clusterIp), clientNode(env), parseIp(sp.clusterIp) as ParsedIp, inCluster);
    s.clusterIpVerdict = r.verdict;
    out.push(r);
  }
  nodePorts(s);
  loadBalancers(s);
  externalIps(s);
}

/** Can this client reach this Service, by each way of addressing it, and will its source IP survive? */
export function reachability(cc: CompiledCluster, req: ReachabilityRequest): ReachabilityResult {
  const index = cc.serviceByKey.get(req.service);
  if (index === undefined) throw new EngineInputError('UNKNOWN_SERVICE', `Service ${req.service} is not in cluster ${cc.model.name}`);
  const svc = cc.services[index];
  const env: Env = { cc, dp: dataPlaneFor(cc.model.profile), client: resolveClient(cc, req.client), outcomes: outcomeMemo() };
  const list = new ResultList();
  if (svc.ignored === null) {
    for (const i of svc.ports) if (req.port === undefined || cc.servicePorts[i].port === req.port) servicePortResults(env, cc.servicePorts[i], list);
  }
  const results = list.toArray();
  const ignoredBy = svc.ignored === null ? null : RULES[svc.ignored === 'HEADLESS' ? 'K8S-SVC-IGNORED-HEADLESS' : 'K8S-SVC-IGNORED-LABEL'];
  const first = svc.ports.find((i) => req.port === undefined || cc.servicePorts[i].port === req.port);
  const affinity = first === undefined ? null : env.dp.affinity?.(cc, cc.servicePorts[first]) ?? null;
  return affinity === null ? { service: svc.key, results, ignoredBy } : { service: svc.key, results, ignoredBy, affinity };
}

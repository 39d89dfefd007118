// reachability(): every way a client can address a Service, each answered from trace()
// decisions (the same data-plane `decide`), composed into paths.
import type { CompiledCluster, CompiledNode, CompiledService, CompiledServicePort } from './compiled';
import * as select from './dataplane/select';
import { EngineInputError } from './errors';
import * as ip from './ip';
import type { ParsedIp } from './ip';
import * as build from './reach/build';
import type { Member } from './reach/build';
import * as classes from './reach/classes';
import type { Evaluate, Scope } from './reach/classes';
import * as client from './reach/client';
import type { ReachabilityClient } from './reach/client';
import * as lb from './reach/lb';
import type { DeliveryPlan } from './reach/lb';
import * as nodePortResults from './reach/node-ports';
import * as paths from './reach/paths';
import type { Env } from './reach/paths';
import { redactedFacts, redactedResult } from './reach/redacted';
import { ResultList } from './reach/result-list';
import * as trace from './trace';
import type { AddressResult, ReachabilityResult, Via } from './results';
import * as rules from './rules';

// Imported functions and constants bound once, at load: under tsx (the benchmark's loader),
// which compiles modules to CommonJS, every read of an imported name is a getter call.
const { dataPlaneFor } = select;
const { isPrivateIp, parseIp } = ip;
const { expand, unknownResult, viaFor } = build;
const { atNode, evaluateClass, inCluster } = classes;
const { resolveClient } = client;
const { classKeyCache, lbResult } = lb;
const { nodePorts } = nodePortResults;
const { decideAt, outcomeMemo } = paths;
const { decisionSteps } = trace;
const { RULES } = rules;

export type { ReachabilityClient } from './reach/client';

export interface ReachabilityRequest {
  readonly client: ReachabilityClient;
  /** `namespace/name` */
  readonly service: string;
  /** Only this Service port (its `port`); all ports when absent. */
  readonly port?: number;
}

const networkOf = (ip: ParsedIp): 'PUBLIC' | 'PRIVATE' => (isPrivateIp(ip) ? 'PRIVATE' : 'PUBLIC');

/** One address answered on its own (a class of one member). */
function single(s: Scope, via: Via, node: CompiledNode, dst: ParsedIp, evaluate: Evaluate): AddressResult {
  const m: Member = { sp: s.sp, kind: via.kind, network: via.network, node, dst, eip: null };
  return expand(evaluateClass(s, m, evaluate), m);
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
  const classKeys = classKeyCache();
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
  const s: Scope = { env, sp, src, out, clusterIp: null, lastSuggestions: null };
  if (env.client.kind !== 'EXTERNAL') {
    const r = single(s, viaFor(sp, 'CLUSTER_IP', sp.clusterIp), clientNode(env), parseIp(sp.clusterIp) as ParsedIp, inCluster);
    s.clusterIp = { verdict: r.verdict, sourceIpPreserved: r.sourceIp.preserved };
    out.push(r);
  }
  nodePorts(s);
  loadBalancers(s);
  externalIps(s);
}

/**
 * The answers, UNKNOWN where they depend on values an imported dump redacted (reach/redacted.ts);
 * a client pod whose own address is redacted gets one UNKNOWN answer per ClusterIP.
 */
function withRedacted(env: Env, svc: CompiledService, req: ReachabilityRequest, results: readonly AddressResult[]): readonly AddressResult[] {
  const { cc } = env;
  if (svc.ignored !== null) return results; // no kube-proxy rules at all: nothing depends on the values
  const clientIndex = 'pod' in req.client ? cc.podByKey.get(req.client.pod) : undefined;
  const facts = redactedFacts(cc, svc, clientIndex === undefined ? null : cc.model.pods[clientIndex]);
  if (facts.length === 0) return results;
  const rule = RULES['IMPORT-REDACTED-VALUE'];
  if (results.length > 0) return results.map((r) => redactedResult(r, facts, rule));
  const ports = svc.ports.map((i) => cc.servicePorts[i]).filter((sp) => req.port === undefined || sp.port === req.port);
  return ports.map((sp) => redactedResult(unknownResult(env, viaFor(sp, 'CLUSTER_IP', sp.clusterIp), 'REDACTED_VALUE'), facts, rule));
}

/** Can this client reach this Service, by each way of addressing it, and will its source IP survive? */
export function reachability(cc: CompiledCluster, req: ReachabilityRequest): ReachabilityResult {
  const index = cc.serviceByKey.get(req.service);
  if (index === undefined) throw new EngineInputError('UNKNOWN_SERVICE', `Service ${req.service} is not in cluster ${cc.model.name}`);
  const svc = cc.services[index];
  const env: Env = { cc, dp: dataPlaneFor(cc.model.profile), client: resolveClient(cc, req.client), override: undefined, outcomes: outcomeMemo(), ask: reachability };
  const list = new ResultList();
  if (svc.ignored === null) {
    for (const i of svc.ports) if (req.port === undefined || cc.servicePorts[i].port === req.port) servicePortResults(env, cc.servicePorts[i], list);
  }
  const results = withRedacted(env, svc, req, list.toArray());
  const ignoredBy = svc.ignored === null ? null : RULES[svc.ignored === 'HEADLESS' ? 'K8S-SVC-IGNORED-HEADLESS' : 'K8S-SVC-IGNORED-LABEL'];
  const first = svc.ports.find((i) => req.port === undefined || cc.servicePorts[i].port === req.port);
  const affinity = first === undefined ? null : env.dp.affinity?.(cc, cc.servicePorts[first]) ?? null;
  return affinity === null ? { service: svc.key, results, ignoredBy } : { service: svc.key, results, ignoredBy, affinity };
}

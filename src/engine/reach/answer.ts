// A reachability answer: every way a client can address a Service, each answered from the data
// plane's decisions (the same `decide` trace() uses), composed into paths, with the profile's
// sharing of work between nodes and its additions. reachability.ts is the entry point.
import { CLOUD_SOURCE_RANGES_ANNOTATION, sessionAffinityOf } from '../compile-services';
import type { CompiledCluster, CompiledNode, CompiledService, CompiledServicePort } from '../compiled';
import { EngineInputError } from '../errors';
import { isPrivateIp, parseIp, type ParsedIp } from '../ip';
import { decisionSteps } from '../packet';
import type { AddressResult, EndpointOutcome, ReachabilityResult, Step, Via, ViaKind } from '../results';
import { policyNeedsClientIp } from '../policy/join';
import { RULES } from '../rules';
import { expand, rulesOf, unknownResult, viaFor, type Member } from './build';
import { atNode, evaluateClass, inCluster, type Evaluate, type Scope } from './classes';
import { resolveClient } from './client';
import { classKeyCache, lbResult, podTargetsResult, type DeliveryPlan } from './lb';
import { nodePorts } from './node-ports';
import { decideAt, outcomeMemo } from './paths';
import { redactedFacts, redactedResult } from './redacted';
import { ResultList } from './result-list';
import { profileWithPolicies } from '../sharing/policies';
import type { EngineProfile, Env, ReachabilityRequest } from './types';

const networkOf = (ip: ParsedIp): 'PUBLIC' | 'PRIVATE' => (isPrivateIp(ip) ? 'PRIVATE' : 'PUBLIC');

/** One address answered on its own (a class of one member). */
function single(
  s: Scope,
  via: Via & { readonly kind: ViaKind },
  node: CompiledNode,
  dst: ParsedIp,
  evaluate: Evaluate,
): AddressResult {
  const m: Member = { sp: s.sp, kind: via.kind, network: via.network, node, dst, eip: null };
  return expand(evaluateClass(s, m, evaluate), m);
}

function clientNode(env: Env): CompiledNode {
  return env.cc.nodes[env.client.node];
}

/**
 * The load balancer's own allowlist (the cloud source-ranges annotation), for a client that
 * reaches the real load balancer: null when it lets the client through (with a step saying so
 * when it applies), else the missing fact: whether this provider enforces it is not known.
 */
function cloudGate(env: Env, sp: CompiledServicePort, src: ParsedIp): { readonly lead: Step[] } | null {
  const ranges = sp.cloudSourceRanges;
  if (ranges === null) return { lead: [] };
  const node = env.client.kind === 'EXTERNAL' ? null : clientNode(env).parsedPrimary[src.family];
  const inside = env.client.ipKnown && ranges.contains(src) && (node === null || ranges.contains(node));
  if (!inside) return null;
  return {
    lead: [
      {
        at: 'client',
        rule: 'K8S-LB-CLOUD-SOURCE-RANGES',
        description: `${src.text} is inside the load balancer's allowlist (annotation ${CLOUD_SOURCE_RANGES_ANNOTATION}), which kube-proxy does not read`,
      },
    ],
  };
}

/** A result with a leading step (a gate passed on the way). */
function led(env: Env, r: AddressResult, lead: readonly Step[]): AddressResult {
  if (lead.length === 0) return r;
  // Field by field: a shared class member's result keeps its fields behind getters.
  const path = [...lead, ...r.path];
  return {
    via: r.via,
    verdict: r.verdict,
    missingFact: r.missingFact,
    sourceIp: r.sourceIp,
    endpoints: r.endpoints,
    path,
    hops: r.hops,
    deliveries: r.deliveries,
    rules: rulesOf(path, env.profile.notes),
    rule: r.rule,
    suggestions: r.suggestions,
  };
}

const IPMODE_GATE: Step = {
  at: 'client',
  rule: 'K8S-LB-IPMODE-GATE',
  description:
    'ipMode Proxy is not honoured before Kubernetes v1.30 (LoadBalancerIPMode): kube-proxy treats this address as a VIP',
};

/**
 * The answer through a load balancer the packet reaches from outside the cluster's rules: where
 * it delivers (straight to pods, to the nodes, or not known) and its allowlist decide.
 */
function throughLoadBalancer(s: Scope, via: Via, deliver: () => AddressResult): AddressResult {
  const { env, sp, src } = s;
  const gate = cloudGate(env, sp, src);
  if (gate === null) return unknownResult(env, via, 'CLOUD_SOURCE_RANGES');
  const target = sp.loadBalancerTarget.target;
  if (target === 'PODS') return podTargetsResult(env, sp, via, via.address, gate.lead);
  if (target === null) return unknownResult(env, via, 'LB_TARGET');
  return led(env, deliver(), gate.lead);
}

function loadBalancers(s: Scope): void {
  const { env, sp, src } = s;
  const lbs = [
    ...sp.loadBalancerVips.map((ip) => ({ ip, mode: 'VIP' as const })),
    ...sp.loadBalancerProxyIps.map((ip) => ({ ip, mode: 'PROXY' as const })),
  ];
  for (const lb of lbs) {
    const lbIp = parseIp(lb.ip) as ParsedIp;
    const via = viaFor(sp, 'LOAD_BALANCER', lb.ip, { network: networkOf(lbIp) });
    if (env.client.kind === 'EXTERNAL' && via.network !== env.client.network) continue;
    const gated = sp.loadBalancerIpModeIgnored.includes(lb.ip) ? [IPMODE_GATE] : [];
    if (env.client.kind !== 'EXTERNAL' && lb.mode === 'VIP') {
      s.out.push(led(env, single(s, via, clientNode(env), lbIp, inCluster), gated));
      continue;
    }
    if (env.client.kind !== 'EXTERNAL' && via.network === 'PUBLIC') {
      s.out.push(unknownResult(env, via, 'CLUSTER_INTERNET_EGRESS'));
      continue;
    }
    s.out.push(
      led(
        env,
        throughLoadBalancer(s, via, () => {
          if (lb.mode === 'PROXY' && sp.nodePort === null) return unknownResult(env, via, 'LB_NODE_PORT');
          if (lb.mode === 'VIP' && sp.sourceRanges !== null && !env.client.ipKnown)
            return unknownResult(env, via, 'CLIENT_IP');
          return lbResult(env, sp, via, planFor(env, sp, lb.mode, lbIp, src));
        }),
        gated,
      ),
    );
  }
  for (const hostname of sp.loadBalancerHostnames) {
    const via = viaFor(sp, 'LOAD_BALANCER', hostname);
    if (env.client.kind !== 'EXTERNAL') {
      s.out.push(unknownResult(env, via, 'LB_HOSTNAME_ADDRESS'));
      continue;
    }
    s.out.push(
      throughLoadBalancer(s, via, () => {
        if (sp.nodePort === null) return unknownResult(env, via, 'LB_NODE_PORT');
        return lbResult(env, sp, via, {
          mode: 'HOSTNAME',
          lbIp: src,
          label: hostname,
          src,
          lead: [],
          leadHops: [],
          classKeys: classKeyCache(),
        });
      }),
    );
  }
}

function planFor(
  env: Env,
  sp: CompiledServicePort,
  mode: 'VIP' | 'PROXY',
  lbIp: ParsedIp,
  src: ParsedIp,
): DeliveryPlan {
  const classKeys = classKeyCache();
  if (env.client.kind === 'EXTERNAL')
    return { mode, lbIp, label: lbIp.text, src: mode === 'VIP' ? src : lbIp, lead: [], leadHops: [], classKeys };
  const first = decideAt(env, env.client.node, src, lbIp, sp.port, sp.protocol);
  return {
    mode,
    lbIp,
    label: lbIp.text,
    src: lbIp,
    lead: decisionSteps(first.decision, first.ctx, []),
    leadHops: [{ node: clientNode(env).name, verdict: first.decision.verdict }],
    classKeys,
  };
}

function externalIps(s: Scope): void {
  const { env, sp } = s;
  for (const text of sp.externalIps) {
    const ip = parseIp(text) as ParsedIp;
    const via = viaFor(sp, 'EXTERNAL_IP', text, { network: networkOf(ip) });
    if (env.client.kind !== 'EXTERNAL') {
      s.out.push(single(s, via, clientNode(env), ip, inCluster));
      continue;
    }
    if (via.network !== env.client.network) continue;
    const owner = env.cc.ipOwner.get(text);
    if (owner?.kind !== 'NODE') {
      s.out.push(unknownResult(env, via, 'EXTERNAL_IP_ROUTING'));
      continue;
    }
    s.out.push(single(s, via, env.cc.nodes[owner.index], ip, atNode));
  }
}

function servicePortResults(env: Env, sp: CompiledServicePort, out: ResultList): void {
  const src = env.client.ips[sp.family];
  if (src === null) return;
  const s: Scope = { env, sp, src, out, clusterIp: null, lastSuggestions: null };
  if (env.client.kind !== 'EXTERNAL') {
    const r = single(
      s,
      viaFor(sp, 'CLUSTER_IP', sp.clusterIp),
      clientNode(env),
      parseIp(sp.clusterIp) as ParsedIp,
      inCluster,
    );
    s.clusterIp = { verdict: r.verdict, sourceIpPreserved: r.sourceIp.preserved };
    out.push(r);
  }
  nodePorts(s);
  loadBalancers(s);
  externalIps(s);
}

/** A result whose connections an isolated backend judged by the stand-in address: UNKNOWN (POLICY_CLIENT_IP). */
function withoutStandIn(env: Env, r: AddressResult): AddressResult {
  const standIn = (eps: readonly EndpointOutcome[]) =>
    eps.some(
      (e) =>
        e.policy !== undefined &&
        e.policy.ingress.policies.length > 0 &&
        e.policy.seenAs !== null &&
        (e.policy.seenAs === env.client.ips[4]?.text || e.policy.seenAs === env.client.ips[6]?.text),
    );
  return standIn(r.endpoints) || (r.deliveries ?? []).some((d) => standIn(d.endpoints))
    ? unknownResult(env, r.via, 'POLICY_CLIENT_IP')
    : r;
}

/**
 * The answers, UNKNOWN where they depend on values an imported dump redacted (reach/redacted.ts);
 * a client pod whose own address is redacted gets one UNKNOWN answer per ClusterIP.
 */
function withRedacted(
  env: Env,
  svc: CompiledService,
  req: ReachabilityRequest,
  results: readonly AddressResult[],
): readonly AddressResult[] {
  const { cc } = env;
  if (svc.ignored !== null) return results; // no kube-proxy rules at all: nothing depends on the values
  const clientIndex = 'pod' in req.client ? cc.podByKey.get(req.client.pod) : undefined;
  const facts = redactedFacts(cc, svc, clientIndex === undefined ? null : cc.model.pods[clientIndex]);
  if (facts.length === 0) return results;
  const rule = RULES['IMPORT-REDACTED-VALUE'];
  if (results.length > 0) return results.map((r) => redactedResult(r, facts, rule));
  const ports = svc.ports.map((i) => cc.servicePorts[i]).filter((sp) => req.port === undefined || sp.port === req.port);
  return ports.map((sp) =>
    redactedResult(unknownResult(env, viaFor(sp, 'CLUSTER_IP', sp.clusterIp), 'REDACTED_VALUE'), facts, rule),
  );
}

/**
 * Can this client reach this Service, by each way of addressing it, and will its source IP
 * survive? Answered with `profile`'s behaviour; `ask` is how suggestions ask a question again
 * (on a variant of the cluster): reachability() itself.
 */
export function answerReachability(
  cc: CompiledCluster,
  req: ReachabilityRequest,
  profile: EngineProfile,
  ask: Env['ask'],
  suggest = true,
): ReachabilityResult {
  const index = cc.serviceByKey.get(req.service);
  if (index === undefined)
    throw new EngineInputError('UNKNOWN_SERVICE', `Service ${req.service} is not in cluster ${cc.model.name}`);
  const svc = cc.services[index];
  const env: Env = {
    cc,
    profile: profileWithPolicies(profile, cc),
    client: resolveClient(cc, req.client),
    override: undefined,
    outcomes: outcomeMemo(),
    ask,
    suggest,
  };
  const list = new ResultList(policyNeedsClientIp(env) ? (r) => withoutStandIn(env, r) : null);
  if (svc.ignored === null) {
    for (const i of svc.ports)
      if (req.port === undefined || cc.servicePorts[i].port === req.port)
        servicePortResults(env, cc.servicePorts[i], list);
  }
  const results = withRedacted(env, svc, req, list.toArray());
  const ignoredBy =
    svc.ignored === null
      ? null
      : RULES[svc.ignored === 'HEADLESS' ? 'K8S-SVC-IGNORED-HEADLESS' : 'K8S-SVC-IGNORED-LABEL'];
  const first = svc.ports.find((i) => req.port === undefined || cc.servicePorts[i].port === req.port);
  const affinity = first === undefined ? null : (profile.affinity?.(cc, cc.servicePorts[first]) ?? null);
  const sessionAffinity = sessionAffinityOf(svc.model);
  return affinity === null
    ? { service: svc.key, results, ignoredBy, sessionAffinity }
    : { service: svc.key, results, ignoredBy, affinity, sessionAffinity };
}

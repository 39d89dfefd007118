// Pod and address targets: "can this client reach pod P on port N" (via POD_IP) or "this outside
// address" (via IP). No Service is on the path, so kube-proxy leaves the packet alone
// (K8S-POD-IP-DIRECT): NetworkPolicy decides, judged as policy/join.ts judges a Service's
// endpoints (the client pod's egress, the target pod's ingress from the client's own address).
import type { CompiledCluster } from '../compiled';
import { EngineInputError } from '../errors';
import { parseIp, type ParsedIp } from '../ip';
import type { PodModel, Protocol } from '../model';
import { compilePolicies, type PolicyIndex } from '../policy/compile';
import { judgeEgress, judgeIngress, notAPod } from '../policy/judge';
import { podAt, policySteps } from '../policy/join';
import type {
  AddressResult,
  EndpointOutcome,
  EndpointPolicy,
  MissingFact,
  PolicyJudgement,
  ReachabilityResult,
  ReachVerdict,
  SourceIp,
  Step,
  Via,
} from '../results';
import type { RuleId } from '../rules';
import { rulesOf } from './build';
import { resolveClient, type ReachabilityClient } from './client';
import type { EngineProfile } from './types';

export type TargetRequest =
  | { readonly client: ReachabilityClient; readonly pod: string; readonly port: number; readonly protocol?: Protocol }
  | { readonly client: ReachabilityClient; readonly ip: string; readonly port: number; readonly protocol?: Protocol };

/** A cluster without NetworkPolicies still answers by policy: every pod not isolated. */
const EMPTY = new WeakMap<CompiledCluster, PolicyIndex>();
function policiesOf(cc: CompiledCluster): PolicyIndex {
  if (cc.policies !== null) return cc.policies;
  let index = EMPTY.get(cc);
  if (index === undefined)
    EMPTY.set(
      cc,
      (index = compilePolicies({ ...cc.model, networkPolicies: [] }, { enforced: cc.policyEnforcement.enforced })),
    );
  return index;
}

interface Target {
  readonly kind: 'POD_IP' | 'IP';
  readonly name: string;
  readonly ip: ParsedIp;
  readonly pod: PodModel | null;
}

function targetOf(
  cc: CompiledCluster,
  req: TargetRequest,
  family: (ips: readonly ParsedIp[]) => ParsedIp | null,
): Target {
  if ('pod' in req) {
    const i = cc.podByKey.get(req.pod);
    if (i === undefined)
      throw new EngineInputError('UNKNOWN_TARGET_POD', `pod ${req.pod} is not in cluster ${cc.model.name}`);
    const pod = cc.model.pods[i];
    const ips = pod.ips.map((t) => parseIp(t)).filter((p): p is ParsedIp => p !== null);
    const ip = family(ips);
    if (ip === null)
      throw new EngineInputError('TARGET_NOT_ADDRESSABLE', `pod ${req.pod} has no IP of an IP family the client has`);
    return { kind: 'POD_IP', name: req.pod, ip, pod };
  }
  const ip = parseIp(req.ip);
  if (ip === null) throw new EngineInputError('INVALID_IP', `${req.ip} is not an IP address`);
  if (family([ip]) === null)
    throw new EngineInputError(
      'TARGET_NOT_ADDRESSABLE',
      `the client has no ${ip.family === 4 ? 'IPv4' : 'IPv6'} address to reach ${ip.text} from`,
    );
  return { kind: 'IP', name: ip.text, ip, pod: podAt(cc, ip.text) };
}

/** The rule that decided: a denial, else the allowance, else the destination's (or source's) own verdict. */
function decidingRule(egress: PolicyJudgement, ingress: PolicyJudgement): RuleId {
  if (!egress.allowed) return egress.rule;
  if (!ingress.allowed) return ingress.rule;
  if (ingress.reason === 'ALLOWED_BY_POLICY' || egress.reason === 'ALLOWED_BY_POLICY') return 'K8S-NETPOL-ALLOWED';
  return ingress.reason === 'NOT_A_POD' ? egress.rule : ingress.rule;
}

/**
 * The answer for a pod or address target: one result, REACHABLE or UNREACHABLE with the deciding
 * policy step (UNKNOWN when an outside client gave no address and the target pod is isolated for
 * ingress: its ipBlocks decide).
 */
export function answerTarget(cc: CompiledCluster, req: TargetRequest, profile: EngineProfile): ReachabilityResult {
  const client = resolveClient(cc, req.client);
  const target = targetOf(cc, req, (ips) => ips.find((ip) => client.ips[ip.family] !== null) ?? null);
  const src = client.ips[target.ip.family] as ParsedIp;
  const protocol = req.protocol ?? 'TCP';
  const index = policiesOf(cc);
  const source = client.kind === 'POD' ? podAt(cc, src.text) : null;
  const egress =
    source === null
      ? notAPod(index)
      : judgeEgress(index, source, { ip: target.ip.text, pod: target.pod }, req.port, protocol);
  const ingress =
    target.pod === null
      ? notAPod(index)
      : judgeIngress(index, target.pod, { ip: src.text, pod: source }, req.port, protocol);
  const policy: EndpointPolicy = { seenAs: src.text, egress, ingress };
  const allowed = egress.allowed && ingress.allowed;
  const rule = decidingRule(egress, ingress);
  const endpoint: EndpointOutcome = {
    ip: target.ip.text,
    port: req.port,
    pod: target.pod === null ? null : `${target.pod.namespace}/${target.pod.name}`,
    node: target.pod?.nodeName ?? null,
    masquerade: false,
    outcome: allowed ? 'CONNECTS' : 'FAILS',
    rule: allowed ? null : rule,
    policy,
  };
  const at = client.node < 0 ? 'client' : cc.nodes[client.node].at;
  const path: Step[] = [
    target.kind === 'POD_IP'
      ? {
          at: 'client',
          rule: 'K8S-POD-IP-DIRECT',
          description: `${src.text} → ${target.ip.text}:${req.port}/${protocol}, pod ${target.name}'s own IP: no Service, so no DNAT and no masquerade`,
        }
      : {
          at: 'client',
          rule: 'K8S-ADDRESS-DIRECT',
          description: `${src.text} → ${target.ip.text}:${req.port}/${protocol}: only the client's egress policies are modelled on the way out`,
        },
    ...policySteps([endpoint], cc.policyEnforcement, at),
  ];
  // An outside client without an address: an isolated pod's ipBlocks would decide.
  const missing: MissingFact | null =
    !client.ipKnown && target.pod !== null && ingress.policies.length > 0 && index.enforced ? 'POLICY_CLIENT_IP' : null;
  const verdict: ReachVerdict = missing !== null ? 'UNKNOWN' : allowed ? 'REACHABLE' : 'UNREACHABLE';
  const sourceIp: SourceIp =
    !allowed || missing !== null
      ? { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' }
      : target.kind === 'IP' && target.pod === null
        ? { preserved: null, seenAs: null, seenAsKind: null, reason: 'LEAVES_CLUSTER' }
        : { preserved: true, seenAs: src.text, seenAsKind: 'CLIENT', reason: 'NOT_MASQUERADED' };
  const via: Via = { kind: target.kind, address: target.ip.text, port: req.port, protocol, portName: null };
  const result: AddressResult = {
    via,
    verdict,
    missingFact: missing,
    sourceIp,
    endpoints: [endpoint],
    path,
    hops: client.node < 0 ? [] : [{ node: cc.nodes[client.node].name, verdict: 'NOT_INTERCEPTED' }],
    deliveries: null,
    rules: rulesOf(path, profile.notes),
    rule,
    suggestions: [],
  };
  return {
    service: target.name,
    results: [result],
    ignoredBy: null,
    sessionAffinity: { type: 'None', timeoutSeconds: null },
  };
}

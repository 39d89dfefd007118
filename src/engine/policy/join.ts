// NetworkPolicy joined with forwarding. A connection the data plane completes is judged as the
// pods see it after Service NAT: the client pod's egress towards the endpoint pod's IP and
// container port (targetPort), and the endpoint pod's ingress from the source it actually sees
// (the client's own address, or the processing node's when masqueraded, or the load balancer's
// for ipMode Proxy); the node exception applies when that node is the endpoint's own. One place
// for trace (packet.ts) and reachability (reach/paths.ts), so both give the same outcomes.
import type { CompiledCluster, CompiledEndpoint } from '../compiled';
import type { ConnectionContext, ConnectionOutcome } from '../dataplane/dataplane';
import type { ParsedIp } from '../ip';
import type { PodModel } from '../model';
import type { EndpointOutcome, EndpointPolicy, PolicyJudgement, Step } from '../results';
import type { RuleId } from '../rules';
import type { Enforcement } from './enforcement';
import { hasIngressIpBlocks, type PolicyIndex } from './compile';
import { judgeEgress, judgeIngress, notAPod } from './judge';
import type { PolicyPeerRef } from './types';

export interface PolicedOutcome extends ConnectionOutcome {
  readonly policy?: EndpointPolicy;
}

/** The pod (not a hostNetwork one: those addresses are their node's) that owns `ip`. */
export function podAt(cc: CompiledCluster, ip: string): PodModel | null {
  const owner = cc.ipOwner.get(ip);
  return owner?.kind === 'POD' ? cc.model.pods[owner.index] : null;
}

/** The endpoint's pod, cached per policy index (one per model version: pod writes make a new one). */
function endpointPod(cc: CompiledCluster, index: PolicyIndex, ep: CompiledEndpoint): PodModel | null {
  const known = index.endpointPods.get(ep);
  if (known !== undefined) return known;
  const i = ep.podKey === null ? undefined : cc.podByKey.get(ep.podKey);
  const pod = i === undefined ? null : cc.model.pods[i];
  index.endpointPods.set(ep, pod);
  return pod;
}

/**
 * The source the endpoint sees: unmasqueraded, the packet's own; masqueraded, the processing
 * node's address of the packet's family (kube-proxy's MASQUERADE takes the outgoing interface's
 * address: a node address either way, which is what the node exception and ipBlocks are matched on).
 */
export function seenSource(cc: CompiledCluster, q: ConnectionContext, src: ParsedIp): PolicyPeerRef {
  if (!q.masquerade) return { ip: src.text, pod: podAt(cc, src.text) };
  const node = cc.nodes[q.processingNode];
  return { ip: node.primaryIp[src.family] ?? node.internalIps[0] ?? src.text, pod: null };
}

/**
 * `c` (the data plane's outcome of q) with the policy verdict: unchanged when the cluster has no
 * NetworkPolicy or the connection fails anyway; FAILS with the denying rule when a policy drops it.
 */
export function policedConnection(q: ConnectionContext, c: ConnectionOutcome): PolicedOutcome {
  const index = q.cc.policies;
  const packet = q.packet;
  if (index === null || !c.connects || packet === undefined) return c;
  const { cc, endpoint } = q;
  const target = endpointPod(cc, index, endpoint);
  const source = podAt(cc, packet.src.text);
  const egress =
    source === null
      ? notAPod(index)
      : judgeEgress(index, source, { ip: endpoint.ip, pod: target }, endpoint.port, packet.protocol);
  const seen = seenSource(cc, q, packet.src);
  const ingress = target === null ? notAPod(index) : judgeIngress(index, target, seen, endpoint.port, packet.protocol);
  // A masqueraded source is the processing node's address: the path's hop names the node (and
  // nodes of one answer class share outcomes), so the outcome says only that it is a node's.
  const policy: EndpointPolicy = { seenAs: q.masquerade ? null : seen.ip, egress, ingress };
  if (!egress.allowed) return { connects: false, rule: egress.rule, policy };
  if (!ingress.allowed) return { connects: false, rule: ingress.rule, policy };
  return { connects: true, rule: c.rule, policy };
}

function sameJudgement(a: PolicyJudgement, b: PolicyJudgement): boolean {
  if (a === b) return true;
  if (
    a.allowed !== b.allowed ||
    a.reason !== b.reason ||
    a.caveats.length !== b.caveats.length ||
    a.policies.length !== b.policies.length
  )
    return false;
  if ((a.allowedBy === null) !== (b.allowedBy === null)) return false;
  if (
    a.allowedBy !== null &&
    b.allowedBy !== null &&
    (a.allowedBy.policy !== b.allowedBy.policy || a.allowedBy.rule !== b.allowedBy.rule)
  )
    return false;
  for (let i = 0; i < a.policies.length; i++) if (a.policies[i] !== b.policies[i]) return false;
  return true;
}

/** Whether two outcomes carry the same policy verdicts (both absent counts as the same). */
export function samePolicy(a: EndpointPolicy | undefined, b: EndpointPolicy | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.seenAs === b.seenAs && sameJudgement(a.egress, b.egress) && sameJudgement(a.ingress, b.ingress);
}

const judgementKey = (j: PolicyJudgement): string =>
  `${j.reason}:${j.allowedBy === null ? '' : `${j.allowedBy.policy}#${j.allowedBy.rule}`}:${j.policies.join(',')}:${j.caveats.length}`;

/** A text equal for two outcomes exactly when samePolicy() holds ('' when absent). */
export function policyKey(p: EndpointPolicy | undefined): string {
  return p === undefined ? '' : `${p.seenAs ?? ''}/${judgementKey(p.egress)}/${judgementKey(p.ingress)}`;
}

/**
 * Whether an outside client's missing address decides: it gave none (a stand-in stands for it)
 * and some enforced policy matches ingress by ipBlock.
 */
export function policyNeedsClientIp(env: {
  readonly cc: CompiledCluster;
  readonly client: { readonly kind: string; readonly ipKnown: boolean };
}): boolean {
  const index = env.cc.policies;
  return (
    env.client.kind === 'EXTERNAL' &&
    !env.client.ipKnown &&
    index !== null &&
    index.enforced &&
    hasIngressIpBlocks(index)
  );
}

// ---- The policy steps of a path ----

/** The reasons a path's policy steps report, in order, with the rule each cites. */
const REPORTED: readonly { readonly reason: PolicyJudgement['reason']; readonly rule: RuleId }[] = [
  { reason: 'NOT_ENFORCED', rule: 'K8S-NETPOL-NOT-ENFORCED' },
  { reason: 'ALLOWED_BY_POLICY', rule: 'K8S-NETPOL-ALLOWED' },
  { reason: 'NODE_EXCEPTION', rule: 'K8S-NETPOL-NODE-EXCEPTION' },
  { reason: 'SAME_POD', rule: 'K8S-NETPOL-SAME-POD' },
  { reason: 'HOST_NETWORK_NOT_SELECTED', rule: 'K8S-NETPOL-HOST-NETWORK' },
  { reason: 'DENIED_EGRESS', rule: 'K8S-NETPOL-DENIED-EGRESS' },
  { reason: 'DENIED_INGRESS', rule: 'K8S-NETPOL-DENIED-INGRESS' },
];

interface Tally {
  /** Per REPORTED entry: how many connections, and up to three of their details. */
  readonly counts: number[];
  readonly details: string[][];
  judged: number;
  caveat: boolean;
}

// What a list of outcomes reports, as bits: bit k for REPORTED[k] (in either direction), then
// whether a judgement carries a caveat, then whether any connection was judged at all. The
// step rules are a function of these bits (stepRules), so lists with equal bits have equal rules.
const CAVEAT_BIT = REPORTED.length;
const JUDGED_BIT = REPORTED.length + 1;
/** How many bits policyBits() may set: callers that count per bit keep this many counters. */
export const POLICY_BITS = REPORTED.length + 2;

const reasonBit = (j: PolicyJudgement): number => {
  const k = REPORTED.findIndex((r) => r.reason === j.reason);
  return (k < 0 ? 0 : 1 << k) | (j.caveats.length > 0 ? 1 << CAVEAT_BIT : 0);
};

/** The bits one endpoint outcome reports (0 when not judged). */
export function policyBits(e: EndpointOutcome): number {
  const p = e.policy;
  return p === undefined ? 0 : (1 << JUDGED_BIT) | reasonBit(p.egress) | reasonBit(p.ingress);
}

const allowance = (j: PolicyJudgement): string =>
  j.allowedBy === null
    ? ''
    : `${j.allowedBy.policy} ${j.allowedBy.direction === 'Ingress' ? 'ingress' : 'egress'}[${j.allowedBy.rule}]`;

function detail(j: PolicyJudgement, e: EndpointOutcome, p: EndpointPolicy, direction: 'egress' | 'ingress'): string {
  switch (j.reason) {
    case 'ALLOWED_BY_POLICY':
      return `${direction} by ${allowance(j)}`;
    case 'DENIED_INGRESS':
      return `${e.pod ?? e.ip} from ${p.seenAs ?? 'the node (masqueraded)'} (selected by ${j.policies.join(', ')})`;
    case 'DENIED_EGRESS':
      return `to ${e.pod ?? e.ip}:${e.port} (client selected by ${j.policies.join(', ')})`;
    case 'NODE_EXCEPTION':
      return `${e.pod ?? e.ip} from its own node`;
    default:
      return e.pod ?? e.ip;
  }
}

function tally(endpoints: readonly EndpointOutcome[]): Tally | null {
  const t: Tally = { counts: REPORTED.map(() => 0), details: REPORTED.map(() => []), judged: 0, caveat: false };
  for (const e of endpoints) {
    const p = e.policy;
    if (p === undefined) continue;
    t.judged++;
    for (const [j, direction] of [
      [p.egress, 'egress'],
      [p.ingress, 'ingress'],
    ] as const) {
      if (j.caveats.length > 0) t.caveat = true;
      const k = REPORTED.findIndex((r) => r.reason === j.reason);
      if (k < 0) continue;
      t.counts[k]++;
      if (t.details[k].length < 3) {
        const d = detail(j, e, p, direction);
        if (!t.details[k].includes(d)) t.details[k].push(d);
      }
    }
  }
  return t.judged === 0 ? null : t;
}

function bitsOf(t: Tally): number {
  let bits = (1 << JUDGED_BIT) | (t.caveat ? 1 << CAVEAT_BIT : 0);
  t.counts.forEach((n, k) => {
    if (n > 0) bits |= 1 << k;
  });
  return bits;
}

const CAVEAT_RULE: RuleId = 'K8S-NETPOL-IPBLOCK-POD-IP';

/** Policy steps that note why a connection was let through: they never decide a result (build.ts decidingRule). */
const NOTES: ReadonlySet<RuleId> = new Set<RuleId>([
  'K8S-NETPOL-ENFORCED-DEFAULT',
  'CCE-NETPOL-TUNNEL',
  'CCE-NETPOL-DATAPLANE-V2',
  'K8S-NETPOL-NOT-ENFORCED',
  'K8S-NETPOL-ALLOWED',
  'K8S-NETPOL-NODE-EXCEPTION',
  'K8S-NETPOL-SAME-POD',
  'K8S-NETPOL-HOST-NETWORK',
  CAVEAT_RULE,
  'K8S-NETPOL-NOT-ISOLATED',
]);

export function isPolicyNote(rule: RuleId): boolean {
  return NOTES.has(rule);
}

/**
 * The rules of policySteps() for outcomes reporting `bits` (the OR of their policyBits), in
 * order, without rendering them: appended to `out` unless there already.
 */
export function policyStepRules(bits: number, enforcement: Enforcement, out: RuleId[]): void {
  if ((bits & (1 << JUDGED_BIT)) === 0) return;
  for (const rule of stepRules(bits, enforcement)) if (!out.includes(rule)) out.push(rule);
}

/** The step rules of judged outcomes reporting `bits`. */
function stepRules(bits: number, enforcement: Enforcement): RuleId[] {
  // A default (not the cluster's setting) is said first, with the rule it comes from.
  const rules: RuleId[] = enforcement.rule === null ? [] : [enforcement.rule];
  REPORTED.forEach((r, k) => {
    if ((bits & (1 << k)) !== 0) rules.push(r.rule);
  });
  if ((bits & (1 << CAVEAT_BIT)) !== 0) rules.push(CAVEAT_RULE);
  // Said once when nothing else is: no policy selects either end.
  if (rules.length === (enforcement.rule === null ? 0 : 1)) rules.push('K8S-NETPOL-NOT-ISOLATED');
  return rules;
}

function describe(rule: RuleId, t: Tally, k: number): string {
  const n = t.counts[k];
  const of = `${n} connection${n === 1 ? '' : 's'}`;
  const list = k < 0 ? '' : t.details[k].join('; ') + (n > t.details[k].length ? '; …' : '');
  switch (rule) {
    case 'K8S-NETPOL-NOT-ENFORCED':
      return 'NetworkPolicies are stored for this cluster but its network plugin does not enforce them: they drop nothing';
    case 'K8S-NETPOL-ALLOWED':
      return `NetworkPolicy allows ${of} (counted per direction): ${list}`;
    case 'K8S-NETPOL-NODE-EXCEPTION':
      return `masqueraded to the node the pod runs on, always allowed: ${list}`;
    case 'K8S-NETPOL-SAME-POD':
      return `a pod reaching itself is not policed: ${list}`;
    case 'K8S-NETPOL-HOST-NETWORK':
      return `hostNetwork pods are not selected by NetworkPolicy: ${list}`;
    case 'K8S-NETPOL-DENIED-EGRESS':
      return `the client's egress policies allow no such connection, ${of} dropped: ${list}`;
    case 'K8S-NETPOL-DENIED-INGRESS':
      return `the backend's ingress policies allow no such source, ${of} dropped: ${list}`;
    case 'K8S-NETPOL-ENFORCED-DEFAULT':
      return 'the cluster does not say whether its network plugin enforces NetworkPolicy (networkPolicyEnforced): assumed it does';
    case 'CCE-NETPOL-TUNNEL':
      return 'NetworkPolicy is enforced: the CCE tunnel network implements it (networkPolicyEnforced not set)';
    case 'CCE-NETPOL-DATAPLANE-V2':
      return 'NetworkPolicy is not enforced: on this CCE network model only a cluster created with DataPlane V2 enforces it (networkPolicyEnforced not set)';
    case 'K8S-NETPOL-IPBLOCK-POD-IP':
      return "an ipBlock matched a pod's address: allowed as the upstream conformance tests expect, but some network plugins never match pod addresses with ipBlock";
    default:
      return 'no NetworkPolicy selects the client or the backend pods: nothing is dropped by policy';
  }
}

/** The policy steps of a path's last hop: what allowed or dropped its connections, one step per rule. */
export function policySteps(endpoints: readonly EndpointOutcome[], enforcement: Enforcement, at: string): Step[] {
  const t = tally(endpoints);
  if (t === null) return [];
  return stepRules(bitsOf(t), enforcement).map((rule) => ({
    at,
    rule,
    description: describe(
      rule,
      t,
      REPORTED.findIndex((r) => r.rule === rule),
    ),
  }));
}

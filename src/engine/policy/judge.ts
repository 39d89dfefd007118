// The decision function: may traffic leave the source pod (egress) and enter the destination pod
// (ingress)? Precedence, per direction: not enforced; the judged end is not a pod or a hostNetwork
// pod; no policy selects it; a rule allows it; the pod itself or its node is the peer (always
// allowed); otherwise denied. Semantics: kubernetes.io network-policies concept page and
// staging/src/k8s.io/api/networking/v1/types.go (see the K8S-NETPOL-* rules).
import { canonicalIp, parseIp, type ParsedIp } from '../ip';
import type { PodModel, Protocol } from '../model';
import {
  blockHolds,
  namespaceMatches,
  nodeAddressesOf,
  NO_SELECTION,
  selectionOf,
  type CompiledPeer,
  type CompiledPolicy,
  type CompiledPort,
  type CompiledRule,
  type PolicyIndex,
  type Selection,
} from './compile';
import type {
  ConnectionVerdict,
  PolicyAllowance,
  PolicyPeerRef,
  PolicyReason,
  PolicyRuleId,
  PolicyVerdict,
} from './types';

type Direction = 'Ingress' | 'Egress';

const NO_CAVEATS: readonly PolicyRuleId[] = Object.freeze([]);
const IPBLOCK_POD_CAVEAT: readonly PolicyRuleId[] = Object.freeze(['K8S-NETPOL-IPBLOCK-POD-IP'] as const);
const NONE: readonly string[] = Object.freeze([]);

function verdict(
  allowed: boolean,
  reason: PolicyReason,
  rule: PolicyRuleId,
  policies: readonly string[],
  allowedBy: PolicyAllowance | null = null,
  caveats = NO_CAVEATS,
): PolicyVerdict {
  return { allowed, reason, rule, policies, allowedBy, caveats };
}

// Verdicts that carry no per-pod data are shared.
const NOT_A_POD = Object.freeze(verdict(true, 'NOT_A_POD', 'K8S-NETPOL-NOT-A-POD', NONE));
const HOST_NETWORK = Object.freeze(verdict(true, 'HOST_NETWORK_NOT_SELECTED', 'K8S-NETPOL-HOST-NETWORK', NONE));
const NOT_ISOLATED = Object.freeze(verdict(true, 'NO_POLICY_SELECTS_POD', 'K8S-NETPOL-NOT-ISOLATED', NONE));
const NOT_ENFORCED = Object.freeze(verdict(true, 'NOT_ENFORCED', 'K8S-NETPOL-NOT-ENFORCED', NONE));

/** How a rule matched: not at all, only through an ipBlock holding a pod's address (CNI-dependent), or plainly. */
type Match = 0 | 1 | 2;
const Match = { None: 0, IpBlockOnPod: 1, Plain: 2 } as const;

/** The judgement's peer and port, with the peer's parsed address computed once, on first need. */
interface Ask {
  readonly peer: PolicyPeerRef;
  /** peer.pod unless it is a hostNetwork pod (those are never selected: they count as their node). */
  readonly peerPod: PodModel | null;
  /** The pod whose container ports resolve a named port: the destination. */
  readonly destinationPod: PodModel | null;
  readonly port: number;
  readonly protocol: Protocol;
  parsed: ParsedIp | null | undefined;
}

function peerMatches(index: PolicyIndex, policy: CompiledPolicy, peer: CompiledPeer, ask: Ask): Match {
  switch (peer.kind) {
    case 'pods': {
      // Pod and namespace selectors select pods only, never a node or an external address.
      const pod = ask.peerPod;
      if (pod === null) return Match.None;
      const inNamespace =
        peer.namespaces === null
          ? pod.namespace === policy.namespace
          : namespaceMatches(index, peer.namespaces, pod.namespace);
      return inNamespace && peer.pods(pod.labels) ? Match.Plain : Match.None;
    }
    case 'ipBlock': {
      if (ask.parsed === undefined) ask.parsed = parseIp(ask.peer.ip);
      if (!blockHolds(peer, ask.parsed)) return Match.None;
      return ask.peerPod === null ? Match.Plain : Match.IpBlockOnPod;
    }
    case 'none':
      return Match.None;
    default: {
      const never: never = peer;
      throw new Error(`unknown peer ${String(never)}`);
    }
  }
}

/** A named port matches when the destination pod has a container port of that name and protocol on this number. */
function portMatches(p: CompiledPort, ask: Ask): boolean {
  if (p.protocol !== ask.protocol) return false;
  if (p.kind === 'range') return ask.port >= p.lo && ask.port <= p.hi;
  const pod = ask.destinationPod;
  if (pod === null) return false;
  for (const cp of pod.containerPorts)
    if (cp.name === p.name && cp.protocol === ask.protocol && cp.containerPort === ask.port) return true;
  return false;
}

function ruleMatches(index: PolicyIndex, policy: CompiledPolicy, rule: CompiledRule, ask: Ask): Match {
  if (rule.ports !== null && !rule.ports.some((p) => portMatches(p, ask))) return Match.None;
  if (rule.peers === null) return Match.Plain;
  let best: Match = Match.None;
  for (const peer of rule.peers) {
    const m = peerMatches(index, policy, peer, ask);
    if (m === Match.Plain) return m;
    if (m > best) best = m;
  }
  return best;
}

function samePod(a: PodModel, b: PodModel | null): boolean {
  return b !== null && (a === b || (a.namespace === b.namespace && a.name === b.name));
}

/** The peer is an address of the judged pod's own node: always allowed (K8S-NETPOL-NODE-EXCEPTION). */
function fromOwnNode(index: PolicyIndex, pod: PodModel, selection: Selection, ip: string): boolean {
  if (selection.ownNode === undefined)
    selection.ownNode = pod.nodeName === null ? null : (nodeAddressesOf(index, pod.nodeName) ?? null);
  const addresses = selection.ownNode;
  if (addresses === null) return false;
  const c = canonicalIp(ip);
  return c !== null && addresses.has(c);
}

/** The verdicts that come before any rule (not enforced, a hostNetwork pod, no policy isolating it), or null when the rules decide. */
function unisolated(
  index: PolicyIndex,
  pod: PodModel,
  selection: Selection,
  policies: readonly CompiledPolicy[],
  keys: readonly string[],
): PolicyVerdict | null {
  if (!index.enforced)
    return keys.length === 0 ? NOT_ENFORCED : verdict(true, 'NOT_ENFORCED', 'K8S-NETPOL-NOT-ENFORCED', keys);
  if (pod.hostNetwork) return HOST_NETWORK;
  if (selection === NO_SELECTION || policies.length === 0) return NOT_ISOLATED;
  return null;
}

function judge(
  index: PolicyIndex,
  direction: Direction,
  pod: PodModel,
  peer: PolicyPeerRef,
  destinationPod: PodModel | null,
  port: number,
  protocol: Protocol,
): PolicyVerdict {
  const selection = selectionOf(index, pod); // NO_SELECTION for a hostNetwork pod
  const policies = direction === 'Ingress' ? selection.ingress : selection.egress;
  const keys = direction === 'Ingress' ? selection.ingressKeys : selection.egressKeys;
  const open = unisolated(index, pod, selection, policies, keys);
  if (open !== null) return open;
  const peerPod = peer.pod !== null && !peer.pod.hostNetwork ? peer.pod : null;
  const ask: Ask = {
    peer,
    peerPod,
    destinationPod: destinationPod !== null && !destinationPod.hostNetwork ? destinationPod : null,
    port,
    protocol,
    parsed: undefined,
  };
  let allowedBy: PolicyAllowance | null = null;
  for (const policy of policies) {
    const rules = (direction === 'Ingress' ? policy.ingress : policy.egress) as readonly CompiledRule[];
    for (const rule of rules) {
      const m = ruleMatches(index, policy, rule, ask);
      if (m === Match.None) continue;
      allowedBy ??= { policy: policy.key, direction, rule: rule.index };
      // A plain match anywhere makes the allowance independent of how the CNI treats ipBlock on pod IPs.
      if (m === Match.Plain) return verdict(true, 'ALLOWED_BY_POLICY', 'K8S-NETPOL-ALLOWED', keys, allowedBy);
    }
  }
  if (allowedBy !== null)
    return verdict(true, 'ALLOWED_BY_POLICY', 'K8S-NETPOL-ALLOWED', keys, allowedBy, IPBLOCK_POD_CAVEAT);
  if (samePod(pod, peerPod)) return verdict(true, 'SAME_POD', 'K8S-NETPOL-SAME-POD', keys);
  if (fromOwnNode(index, pod, selection, peer.ip))
    return verdict(true, 'NODE_EXCEPTION', 'K8S-NETPOL-NODE-EXCEPTION', keys);
  return direction === 'Ingress'
    ? verdict(false, 'DENIED_INGRESS', 'K8S-NETPOL-DENIED-INGRESS', keys)
    : verdict(false, 'DENIED_EGRESS', 'K8S-NETPOL-DENIED-EGRESS', keys);
}

/** The source pod's egress: may `source` send to `destination` on port/protocol (destination port after Service DNAT, i.e. the container port)? */
export function judgeEgress(
  index: PolicyIndex,
  source: PodModel,
  destination: PolicyPeerRef,
  port: number,
  protocol: Protocol,
): PolicyVerdict {
  return judge(index, 'Egress', source, destination, destination.pod, port, protocol);
}

/** The destination pod's ingress: may it receive from `source` (the address it actually sees) on port/protocol? */
export function judgeIngress(
  index: PolicyIndex,
  destination: PodModel,
  source: PolicyPeerRef,
  port: number,
  protocol: Protocol,
): PolicyVerdict {
  return judge(index, 'Ingress', destination, source, destination, port, protocol);
}

/**
 * The destination pod's ingress when the source address is not known (a load balancer delivering
 * straight to pods: whether the pod sees the client's address or the load balancer's is the load
 * balancer's setting): the verdict when every source gets the same one (not isolated, not
 * enforced, a rule on the port open to every peer, or no rule on the port that could match such a
 * source), else null. `sourceMayBePod`: the client is a pod whose address the pod may see.
 */
export function judgeIngressFromAnySource(
  index: PolicyIndex,
  destination: PodModel,
  port: number,
  protocol: Protocol,
  sourceMayBePod: boolean,
): PolicyVerdict | null {
  const selection = selectionOf(index, destination);
  const keys = selection.ingressKeys;
  const open = unisolated(index, destination, selection, selection.ingress, keys);
  if (open !== null) return open;
  const ask: Ask = {
    peer: { ip: '', pod: null },
    peerPod: null,
    destinationPod: destination,
    port,
    protocol,
    parsed: undefined,
  };
  let onPort = false;
  for (const policy of selection.ingress) {
    for (const rule of policy.ingress as readonly CompiledRule[]) {
      if (rule.ports !== null && !rule.ports.some((p) => portMatches(p, ask))) continue;
      if (rule.peers === null)
        return verdict(true, 'ALLOWED_BY_POLICY', 'K8S-NETPOL-ALLOWED', keys, {
          policy: policy.key,
          direction: 'Ingress',
          rule: rule.index,
        });
      // A pod selector matches only a pod's address: the load balancer's, or an outside client's, is none.
      if (rule.peers.some((peer) => peer.kind === 'ipBlock' || (peer.kind === 'pods' && sourceMayBePod))) onPort = true;
    }
  }
  return onPort ? null : verdict(false, 'DENIED_INGRESS', 'K8S-NETPOL-DENIED-INGRESS', keys);
}

/** A direction whose judged end is not a pod: nothing isolates it. */
export function notAPod(index: PolicyIndex): PolicyVerdict {
  return index.enforced ? NOT_A_POD : NOT_ENFORCED;
}

/** Both: source's egress (when source.pod is a pod) and destination's ingress (when destination.pod is a pod). */
export function judgeConnection(
  index: PolicyIndex,
  source: PolicyPeerRef,
  destination: PolicyPeerRef,
  port: number,
  protocol: Protocol,
): ConnectionVerdict {
  const egress = source.pod === null ? notAPod(index) : judgeEgress(index, source.pod, destination, port, protocol);
  const ingress =
    destination.pod === null ? notAPod(index) : judgeIngress(index, destination.pod, source, port, protocol);
  return { egress, ingress, allowed: egress.allowed && ingress.allowed };
}

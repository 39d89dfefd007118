// compilePolicies(): NetworkPolicies indexed by namespace, sorted by name, their selectors turned
// into predicates and their CIDRs into numeric ranges. Cheap by design: nothing here walks the
// pods; what depends on a pod (which policies select it) is computed on first use and cached.
import { canonicalIp, parseCidr, type ParsedIp } from '../ip';
import type {
  ClusterModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  NetworkPolicyRuleModel,
  PodModel,
  Protocol,
} from '../model';
import { compileSelector, MATCH_ALL, type LabelPredicate, type Labels } from './selectors';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A CIDR as the inclusive range of its addresses (IPv4 as numbers, IPv6 as bigints). */
export type IpRange =
  | { readonly family: 4; readonly lo: number; readonly hi: number }
  | { readonly family: 6; readonly lo: bigint; readonly hi: bigint };

/** A namespaceSelector with its answer per namespace name, filled as namespaces are asked about. */
export interface NamespaceSelector {
  readonly matches: LabelPredicate;
  readonly byNamespace: Map<string, boolean>;
}

export type CompiledPeer =
  /** podSelector and/or namespaceSelector; null podSelector = every pod, null namespaceSelector = the policy's own namespace. */
  | { readonly kind: 'pods'; readonly pods: LabelPredicate; readonly namespaces: NamespaceSelector | null }
  | { readonly kind: 'ipBlock'; readonly cidr: IpRange; readonly except: readonly IpRange[] }
  /** Neither selector nor ipBlock (the API rejects it): matches nothing. */
  | { readonly kind: 'none' };

export type CompiledPort =
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly lo: number; readonly hi: number }
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string };

export interface CompiledRule {
  readonly index: number;
  /** from/to empty: every peer. */
  readonly peers: readonly CompiledPeer[] | null;
  /** ports empty: every port. */
  readonly ports: readonly CompiledPort[] | null;
}

export interface CompiledPolicy {
  /** "namespace/name". */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  readonly selects: LabelPredicate;
  /** Rules of the direction when policyTypes (as defaulted) include it, else null. */
  readonly ingress: readonly CompiledRule[] | null;
  readonly egress: readonly CompiledRule[] | null;
}

/** The policies selecting one pod, per direction, in name order. */
export interface Selection {
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
  readonly ingressKeys: readonly string[];
  readonly egressKeys: readonly string[];
  /** Lazily: the addresses of the pod's node (undefined = not looked up yet, null = none known). */
  ownNode?: ReadonlySet<string> | null;
}

export interface PolicyIndex {
  readonly enforced: boolean;
  readonly count: number;
  readonly byNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** Lazily: which policies select each pod (by object identity). */
  readonly selections: WeakMap<PodModel, Selection>;
  /** A variant with one policy added in `namespace` (withPolicy): pods elsewhere are selected as in `index`. */
  readonly parent?: { readonly index: PolicyIndex; readonly namespace: string };
  readonly model: Pick<ClusterModel, 'nodes' | 'pods'>;
  /** Lazily: node name -> its addresses (internal IPs and hostNetwork pods' IPs), canonical. */
  nodeAddresses: Map<string, ReadonlySet<string>> | null;
  /** Lazily, for the policy join: the pod behind each compiled endpoint of this model version (policy/join.ts). */
  readonly endpointPods: WeakMap<object, PodModel | null>;
}

export const NO_SELECTION: Selection = Object.freeze({ ingress: [], egress: [], ingressKeys: [], egressKeys: [] });

function rangeOf(text: string): IpRange | null {
  const c = parseCidr(text);
  if (c === null) return null;
  if (c.family === 4) {
    const size = 2 ** (32 - c.bits);
    const lo = (c.prefix as number) * size;
    return { family: 4, lo, hi: lo + size - 1 };
  }
  const shift = BigInt(128 - c.bits);
  const lo = (c.prefix as bigint) << shift;
  return { family: 6, lo, hi: lo + (1n << shift) - 1n };
}

/** Whether `ip` lies in range `r` (a null address lies in none). */
export function inRange(r: IpRange, ip: ParsedIp | null): boolean {
  return ip !== null && ip.family === r.family && ip.value >= r.lo && ip.value <= r.hi;
}

/** Whether an ipBlock peer (cidr minus every except) holds `ip`. */
export function blockHolds(
  peer: { readonly cidr: IpRange; readonly except: readonly IpRange[] },
  ip: ParsedIp | null,
): boolean {
  return inRange(peer.cidr, ip) && !peer.except.some((e) => inRange(e, ip));
}

/** Policies repeat CIDRs (cluster-wide blocks, the same except lists): each is parsed once per compile. */
type RangeMemo = Map<string, IpRange | null>;

function memoRange(memo: RangeMemo, text: string): IpRange | null {
  let r = memo.get(text);
  if (r === undefined) memo.set(text, (r = rangeOf(text)));
  return r;
}

function compilePeer(p: NetworkPolicyPeerModel, memo: RangeMemo): CompiledPeer {
  if (p.ipBlock !== null) {
    const cidr = memoRange(memo, p.ipBlock.cidr);
    if (cidr === null) return { kind: 'none' };
    return {
      kind: 'ipBlock',
      cidr,
      except: p.ipBlock.except.map((e) => memoRange(memo, e)).filter((r): r is IpRange => r !== null),
    };
  }
  if (p.podSelector === null && p.namespaceSelector === null) return { kind: 'none' };
  return {
    kind: 'pods',
    pods: p.podSelector === null ? MATCH_ALL : compileSelector(p.podSelector),
    namespaces:
      p.namespaceSelector === null ? null : { matches: compileSelector(p.namespaceSelector), byNamespace: new Map() },
  };
}

function compilePort(p: NetworkPolicyPortModel): CompiledPort {
  if (p.port === null) return { kind: 'range', protocol: p.protocol, lo: 0, hi: 65535 };
  if (typeof p.port === 'string') return { kind: 'named', protocol: p.protocol, name: p.port };
  return { kind: 'range', protocol: p.protocol, lo: p.port, hi: p.endPort ?? p.port };
}

function compileRule(r: NetworkPolicyRuleModel, index: number, memo: RangeMemo): CompiledRule {
  return {
    index,
    peers: r.peers.length === 0 ? null : r.peers.map((p) => compilePeer(p, memo)),
    ports: r.ports.length === 0 ? null : r.ports.map(compilePort),
  };
}

/** spec.policyTypes as the API server defaults an empty list (pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy). */
export function effectivePolicyTypes(p: NetworkPolicyModel): { readonly ingress: boolean; readonly egress: boolean } {
  if (p.policyTypes.length === 0) return { ingress: true, egress: p.egress.length > 0 };
  return { ingress: p.policyTypes.includes('Ingress'), egress: p.policyTypes.includes('Egress') };
}

function compilePolicy(p: NetworkPolicyModel, memo: RangeMemo): CompiledPolicy {
  const types = effectivePolicyTypes(p);
  return {
    key: `${p.namespace}/${p.name}`,
    name: p.name,
    namespace: p.namespace,
    selects: compileSelector(p.podSelector),
    ingress: types.ingress ? p.ingress.map((r, i) => compileRule(r, i, memo)) : null,
    egress: types.egress ? p.egress.map((r, i) => compileRule(r, i, memo)) : null,
  };
}

/** Namespace labels, always with kubernetes.io/metadata.name (the API server sets it, immutable). */
function namespaceLabels(model: ClusterModel): Map<string, Labels> {
  const out = new Map<string, Labels>();
  for (const ns of model.namespaces ?? []) {
    const labels =
      ns.labels[NAMESPACE_NAME_LABEL] === ns.name ? ns.labels : { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name };
    out.set(ns.name, labels);
  }
  return out;
}

export function compilePolicies(model: ClusterModel, options: { readonly enforced: boolean }): PolicyIndex {
  const byNamespace = new Map<string, CompiledPolicy[]>();
  const policies = model.networkPolicies ?? [];
  const memo: RangeMemo = new Map();
  for (const p of policies) {
    const list = byNamespace.get(p.namespace);
    const compiled = compilePolicy(p, memo);
    if (list === undefined) byNamespace.set(p.namespace, [compiled]);
    else list.push(compiled);
  }
  // Name order: the order allowedBy is searched in, and the order verdicts list policies in.
  for (const list of byNamespace.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const index: PolicyIndex = {
    enforced: options.enforced,
    count: policies.length,
    byNamespace,
    namespaceLabels: namespaceLabels(model),
    selections: new WeakMap(),
    model: { nodes: model.nodes, pods: model.pods },
    nodeAddresses: null,
    endpointPods: new WeakMap(),
  };
  // Every pod's selection now, not on first use: a first trace to a Service of 250 pods would
  // otherwise pay for 250 of them (measured: trace p99 266 µs on first use, 115 µs warm). Pod
  // patches keep the selections of the pods they do not touch (withModel).
  if (policies.length > 0) for (const pod of model.pods) selectionOf(index, pod);
  return index;
}

/**
 * `index` with one more policy (one of the same namespace and name replaced): only that policy is
 * compiled; the others, the namespace labels and the node addresses are shared (a suggestion's
 * variant, policy/suggest.ts). Which policies select a pod is found again, as pods are asked about.
 */
export function withPolicy(index: PolicyIndex, policy: NetworkPolicyModel): PolicyIndex {
  const byNamespace = new Map(index.byNamespace);
  const key = `${policy.namespace}/${policy.name}`;
  const list = (byNamespace.get(policy.namespace) ?? []).filter((p) => p.key !== key);
  list.push(compilePolicy(policy, new Map()));
  list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  byNamespace.set(policy.namespace, list);
  // Built on the cluster's index first, so that the variant shares the map instead of building its own.
  if (index.nodeAddresses === null) nodeAddressesOf(index, '');
  const replaced = (index.byNamespace.get(policy.namespace) ?? []).some((p) => p.key === key);
  return {
    ...index,
    count: index.count + (replaced ? 0 : 1),
    byNamespace,
    selections: new WeakMap(),
    parent: { index, namespace: policy.namespace },
  };
}

/**
 * `index` for a later version of its model with the same namespaces, policies and nodes (a
 * patch that wrote pods): what it caches per pod stays (pods are immutable objects, keyed by
 * identity), the node addresses (hostNetwork pods among them) are looked up again.
 */
export function withModel(index: PolicyIndex, model: Pick<ClusterModel, 'nodes' | 'pods'>): PolicyIndex {
  return {
    ...index,
    model: { nodes: model.nodes, pods: model.pods },
    nodeAddresses: null,
    endpointPods: new WeakMap(),
  };
}

const IPBLOCKS = new WeakMap<object, boolean>();

/** Whether some policy's ingress rules have an ipBlock peer (only those read an outside client's address). */
export function hasIngressIpBlocks(index: PolicyIndex): boolean {
  let known = IPBLOCKS.get(index.byNamespace);
  if (known === undefined) {
    known = [...index.byNamespace.values()].some((list) =>
      list.some((p) => (p.ingress ?? []).some((r) => (r.peers ?? []).some((peer) => peer.kind === 'ipBlock'))),
    );
    IPBLOCKS.set(index.byNamespace, known);
  }
  return known;
}

export function hasPolicies(index: PolicyIndex): boolean {
  return index.enforced && index.count > 0;
}

/** The policies selecting `pod` per direction; hostNetwork pods are never selected. Cached per pod object. */
export function selectionOf(index: PolicyIndex, pod: PodModel): Selection {
  if (pod.hostNetwork) return NO_SELECTION;
  const cached = index.selections.get(pod);
  if (cached !== undefined) return cached;
  const parent = index.parent;
  const selection =
    parent !== undefined && parent.namespace !== pod.namespace ? selectionOf(parent.index, pod) : select(index, pod);
  index.selections.set(pod, selection);
  return selection;
}

function select(index: PolicyIndex, pod: PodModel): Selection {
  const inNamespace = index.byNamespace.get(pod.namespace);
  if (inNamespace === undefined) return NO_SELECTION;
  const ingress: CompiledPolicy[] = [];
  const egress: CompiledPolicy[] = [];
  for (const p of inNamespace) {
    if (!p.selects(pod.labels)) continue;
    if (p.ingress !== null) ingress.push(p);
    if (p.egress !== null) egress.push(p);
  }
  if (ingress.length === 0 && egress.length === 0) return NO_SELECTION;
  return {
    ingress,
    egress,
    ingressKeys: Object.freeze(ingress.map((p) => p.key)),
    egressKeys: Object.freeze(egress.map((p) => p.key)),
    ownNode: undefined,
  };
}

/** Whether a namespace's labels match; a namespace not in the model has only its name label. */
export function namespaceMatches(index: PolicyIndex, selector: NamespaceSelector, namespace: string): boolean {
  const known = selector.byNamespace.get(namespace);
  if (known !== undefined) return known;
  const labels = index.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  const matches = selector.matches(labels);
  selector.byNamespace.set(namespace, matches);
  return matches;
}

/** The addresses of a node as its pods' policies see them: internal IPs, and hostNetwork pods' IPs on it. */
export function nodeAddressesOf(index: PolicyIndex, nodeName: string): ReadonlySet<string> | undefined {
  if (index.nodeAddresses === null) {
    const out = new Map<string, Set<string>>();
    const add = (node: string, ip: string): void => {
      const c = canonicalIp(ip);
      if (c === null) return;
      const set = out.get(node);
      if (set === undefined) out.set(node, new Set([c]));
      else set.add(c);
    };
    for (const n of index.model.nodes) for (const ip of n.internalIps) add(n.name, ip);
    for (const p of index.model.pods)
      if (p.hostNetwork && p.nodeName !== null) for (const ip of p.ips) add(p.nodeName, ip);
    index.nodeAddresses = out;
  }
  return index.nodeAddresses.get(nodeName);
}

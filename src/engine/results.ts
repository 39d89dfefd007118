// Output shapes of trace() and reachability(). Plain data, safe to serialise.
import type { LabelSelectorModel, NetworkPolicyPeerModel, NetworkPolicyPortModel, Protocol } from './model';
import type { PolicyReason } from './policy/types';
import type { Rule, RuleId } from './rules';

export type TraceVerdict = 'FORWARD' | 'REJECT' | 'DROP' | 'NOT_INTERCEPTED' | 'ACCEPT_LOCAL';

export type SourceIpReason =
  | 'NOT_MASQUERADED'
  | 'POD_SHORT_CIRCUIT'
  | 'PRESERVED_ETP_LOCAL'
  | 'SNAT_ETP_CLUSTER'
  | 'HAIRPIN_MASQUERADE'
  | 'MASQUERADE_ALL'
  | 'NODE_SOURCE_MASQUERADE'
  | 'NON_POD_SOURCE_MASQUERADE'
  | 'LB_PROXY'
  /** The cloud load balancer decides (known only by hostname, or delivering straight to pods): not modelled. */
  | 'LB_UNKNOWN'
  /** The packet is never forwarded (refused, dropped, not intercepted, or not answered). */
  | 'NOT_DELIVERED'
  /** Forwarded, but no connection completes: no backend sees any source address. */
  | 'NO_CONNECTION'
  /** To an address outside the cluster: whether the network plugin masquerades the pod's address on the way out is not modelled. */
  | 'LEAVES_CLUSTER';

export type SeenAsKind = 'CLIENT' | 'NODE' | 'LOAD_BALANCER';

/** The source-IP fate, judged on the connections that complete (all null when none does). */
export interface SourceIp {
  /** null when no connection completes (NOT_DELIVERED, NO_CONNECTION). */
  readonly preserved: boolean | null;
  /** The address the backend sees; null when no connection completes or when it depends on the receiving node. */
  readonly seenAs: string | null;
  readonly seenAsKind: SeenAsKind | null;
  readonly reason: SourceIpReason;
}

export interface PacketAddresses {
  readonly source: string;
  readonly destination: string;
}

export interface Step {
  /** Where it happened: `client`, `node/<name>`, `lb/<ip>`, `cloud/eip`. */
  readonly at: string;
  readonly rule: RuleId;
  readonly description: string;
  readonly before?: PacketAddresses;
  readonly after?: PacketAddresses;
}

/** One direction's NetworkPolicy verdict for a connection (policy/types.ts PolicyVerdict). */
export interface PolicyJudgement {
  readonly allowed: boolean;
  readonly reason: PolicyReason;
  readonly rule: RuleId;
  /** "namespace/name" of the policies that select the judged pod for this direction. */
  readonly policies: readonly string[];
  /** The rule that allowed it: the policy, the direction and the index in its ingress[] or egress[]. */
  readonly allowedBy: {
    readonly policy: string;
    readonly direction: 'Ingress' | 'Egress';
    readonly rule: number;
  } | null;
  /** Rules that make the verdict depend on the network plugin. */
  readonly caveats: readonly RuleId[];
}

/**
 * NetworkPolicy's view of one connection the data plane completes, judged after Service NAT:
 * the client pod's egress to the endpoint pod's IP and container port, and the endpoint pod's
 * ingress from the address it actually sees: the client's, or the load balancer's with ipMode
 * Proxy (`seenAs`), or, masqueraded (`seenAs` null), the address of the node that masqueraded
 * it (the path's last hop), where the node exception holds for endpoints on that node.
 */
export interface EndpointPolicy {
  readonly seenAs: string | null;
  readonly egress: PolicyJudgement;
  readonly ingress: PolicyJudgement;
}

export interface TraceEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly pod: string | null;
  readonly node: string | null;
  readonly masquerade: boolean;
  /** Whether the connection to this endpoint completes (DataPlane.connection(), as reachability asks it). */
  readonly outcome: EndpointOutcomeCode;
  /** The rule that decided the outcome (null: plain upstream forwarding). */
  readonly rule: RuleId | null;
  /**
   * Set when the cluster has NetworkPolicies and the data plane completes the connection (a
   * denial makes the outcome FAILS with its rule); absent otherwise.
   */
  readonly policy?: EndpointPolicy;
}

/** The ways of addressing a Service. */
export type ViaKind = 'CLUSTER_IP' | 'NODE_PORT' | 'LOAD_BALANCER' | 'EXTERNAL_IP';
/** How a result's client addresses its target: a Service's ways, or (pod and address targets) a pod's own IP or an outside address. */
export type AddressKind = ViaKind | 'POD_IP' | 'IP';

/**
 * A Service's session affinity (spec.sessionAffinity): with ClientIP, every connection from one
 * source address (as the node that load-balances sees it) goes to the endpoint chosen first,
 * until `timeoutSeconds` pass without one (IPVS: the virtual server's persistence timeout).
 */
export interface SessionAffinityInfo {
  readonly type: 'None' | 'ClientIP';
  /** null with None. */
  readonly timeoutSeconds: number | null;
}

export interface MatchedServicePort {
  readonly service: string;
  readonly portName: string | null;
  readonly port: number;
  readonly protocol: Protocol;
  readonly via: ViaKind;
  readonly sessionAffinity: SessionAffinityInfo;
}

export interface TraceResult {
  readonly verdict: TraceVerdict;
  /** The node where the packet was processed. */
  readonly node: string;
  readonly service: MatchedServicePort | null;
  /** Exact candidate set: no more, no fewer. Empty unless FORWARD. */
  readonly endpoints: readonly TraceEndpoint[];
  /** True when masqueraded towards at least one candidate endpoint; null unless FORWARD. */
  readonly masquerade: boolean | null;
  /**
   * The connection's fate, null unless FORWARD: COMPLETES when every candidate endpoint's
   * connection completes, PARTIAL when some do, FAILS when none does.
   */
  readonly connection: 'COMPLETES' | 'PARTIAL' | 'FAILS' | null;
  readonly sourceIp: SourceIp;
  readonly steps: readonly Step[];
  readonly rules: readonly RuleId[];
}

export type ReachVerdict = 'REACHABLE' | 'PARTIAL' | 'UNREACHABLE' | 'UNKNOWN';

export type MissingFact =
  | 'CLUSTER_INTERNET_EGRESS'
  | 'EXTERNAL_IP_ROUTING'
  | 'CLIENT_IP'
  | 'LB_NODE_PORT'
  | 'REDACTED_VALUE'
  | 'LB_TARGET'
  | 'LB_HOSTNAME_ADDRESS'
  | 'CLOUD_SOURCE_RANGES'
  | 'POLICY_CLIENT_IP'
  | 'POLICY_LB_SOURCE';

export interface Via {
  readonly kind: AddressKind;
  readonly address: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly portName: string | null;
  readonly node?: string;
  readonly network?: 'PUBLIC' | 'PRIVATE';
}

export type EndpointOutcomeCode = 'CONNECTS' | 'FAILS';

export interface EndpointOutcome extends TraceEndpoint {
  readonly outcome: EndpointOutcomeCode;
  readonly rule: RuleId | null;
}

/** One packet processing on one node, as trace() would report it. */
export interface Hop {
  readonly node: string;
  readonly verdict: TraceVerdict;
  /** Set when the packet's source differs from the client's own address (LB proxy). */
  readonly source?: string;
  /** Set when the destination differs from the address the client used. */
  readonly destination?: { readonly ip: string; readonly port: number };
}

/** Load-balancer deliveries grouped by identical outcome. */
export interface Delivery {
  readonly nodes: readonly string[];
  readonly verdict: TraceVerdict;
  readonly endpoints: readonly EndpointOutcome[];
}

export type SuggestionCode =
  | 'USE_CLUSTER_IP'
  | 'SET_ETP_CLUSTER'
  | 'SET_ETP_LOCAL'
  | 'SET_ITP_CLUSTER'
  | 'ADD_SOURCE_RANGE'
  | 'ADD_READY_ENDPOINTS'
  | 'ENABLE_ELB_PASS_THROUGH'
  /** Add the NetworkPolicy in `networkPolicy` (a new one: policies are additive). */
  | 'ADD_NETWORK_POLICY';

/** A NetworkPolicy as the API creates it (from[]/to[] peers, as in Kubernetes). */
export interface NetworkPolicyFragment {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelectorModel;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress: readonly {
    readonly from: readonly NetworkPolicyPeerModel[];
    readonly ports: readonly NetworkPolicyPortModel[];
  }[];
  readonly egress: readonly {
    readonly to: readonly NetworkPolicyPeerModel[];
    readonly ports: readonly NetworkPolicyPortModel[];
  }[];
}

export interface Suggestion {
  readonly code: SuggestionCode;
  readonly message: string;
  /** What the answer becomes with the change. */
  readonly expected: { readonly verdict: ReachVerdict; readonly sourceIpPreserved: boolean | null };
  /** ADD_NETWORK_POLICY: the policy to add, as POST /networkpolicies (or a what-if upsert) takes it. */
  readonly networkPolicy?: NetworkPolicyFragment;
}

export interface AddressResult {
  readonly via: Via;
  readonly verdict: ReachVerdict;
  readonly missingFact: MissingFact | null;
  readonly sourceIp: SourceIp;
  readonly endpoints: readonly EndpointOutcome[];
  readonly path: readonly Step[];
  /** The trace()s this answer is built from (client's node first). */
  readonly hops: readonly Hop[];
  /** Load-balancer paths, one per group of nodes with the same outcome. */
  readonly deliveries: readonly Delivery[] | null;
  readonly rules: readonly Rule[];
  /** The rule that decided it: the first failing connection's, else the last step's (decidingRule()). */
  readonly rule: RuleId | null;
  readonly suggestions: readonly Suggestion[];
}

/** Expected share of the load balancer's traffic landing on one backend pod. */
export interface PodShare {
  readonly pod: string | null;
  readonly ip: string;
  readonly node: string | null;
  /** Fraction of the traffic, 0..1. */
  readonly share: number;
}

/** Service affinity (externalTrafficPolicy) facts for a NodePort/LoadBalancer Service port (CCE Table 1). */
export interface ServiceAffinity {
  readonly policy: 'Cluster' | 'Local';
  /** The Service port the shares are for. */
  readonly port: number;
  readonly protocol: Protocol;
  readonly sourceIpPreserved: boolean;
  /** Whether a request may be redirected to another node (route redirection). */
  readonly extraHop: boolean;
  readonly balance: 'BALANCED' | 'RISK_OF_IMBALANCE';
  /** Nodes whose IP:NodePort reaches the workload from outside. */
  readonly servingNodes: readonly string[];
  /** Local: load balancer spreads evenly over nodes with ready backends, each node evenly over its own. Cluster: even over all. */
  readonly shares: readonly PodShare[];
  readonly rules: readonly Rule[];
}

export interface ReachabilityResult {
  readonly service: string;
  readonly results: readonly AddressResult[];
  /** Set when kube-proxy ignores the Service (headless, or delegated to another proxy): no results. */
  readonly ignoredBy: Rule | null;
  /** Profiles with affinity facts (CCE): set for NodePort/LoadBalancer Services. */
  readonly affinity?: ServiceAffinity;
  /** The Service's session affinity; with ClientIP each forwarding path says whose address keeps the pin (K8S-SESSION-AFFINITY-CLIENTIP). */
  readonly sessionAffinity: SessionAffinityInfo;
}

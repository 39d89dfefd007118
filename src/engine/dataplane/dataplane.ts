// The data-plane seam. A DataPlane decides what happens to one packet on one node, and
// whether a forwarded connection completes. The profile on the cluster picks the data plane
// (see select.ts); KUBERNETES is upstream kube-proxy. A CCE data plane wraps it and
// overrides decisions where the CCE tables say otherwise.
import type { CompiledCluster, CompiledEndpoint, CompiledNode, CompiledServicePort } from '../compiled';
import type { ParsedIp } from '../ip';
import type { Profile, Protocol, TrafficPolicy } from '../model';
import type { ServiceAffinity, SourceIpReason, Suggestion, TraceVerdict, ViaKind } from '../results';
import type { SuggestionInput } from '../reach/suggestions';
import type { RuleId } from '../rules';

/** What-if overrides used to verify suggestions without recompiling. */
export interface PolicyOverride {
  readonly externalTrafficPolicy?: TrafficPolicy;
  readonly internalTrafficPolicy?: TrafficPolicy;
  readonly allowSource?: boolean;
  /** CCE: ELB pass-through on (kubernetes.io/elb.pass-through) for the Service in question. */
  readonly passThrough?: boolean;
}

export interface PacketContext {
  readonly cc: CompiledCluster;
  /** Where the packet is processed. */
  readonly node: CompiledNode;
  readonly src: ParsedIp;
  readonly dst: ParsedIp;
  readonly port: number;
  readonly protocol: Protocol;
  readonly override?: PolicyOverride;
}

/** One rule acting, with a one-line note for the path. */
export interface Act {
  readonly rule: RuleId;
  readonly note: string;
}

/** The node-level decision: trace() renders it, reachability() composes several. */
export interface Decision {
  readonly verdict: TraceVerdict;
  readonly servicePort: CompiledServicePort | null;
  readonly via: ViaKind | null;
  readonly endpoints: readonly CompiledEndpoint[];
  /** Service-level masquerade (hairpin is added per endpoint). */
  readonly masquerade: boolean;
  readonly masqueradeReason: SourceIpReason;
  readonly masqueradeRule: RuleId | null;
  readonly acts: readonly Act[];
}

export interface ConnectionContext {
  readonly cc: CompiledCluster;
  readonly processingNode: number;
  /** Node of the client, -1 when it is outside the cluster. */
  readonly clientNode: number;
  readonly endpoint: CompiledEndpoint;
  readonly masquerade: boolean;
  /** The packet as processed at processingNode, and the decision taken there (profiles need the client and the address used). */
  readonly packet?: PacketContext;
  readonly decision?: Decision;
}

export interface ConnectionOutcome {
  readonly connects: boolean;
  readonly rule: RuleId | null;
}

/** A client's traffic to a Service port, processed on nodes other than the client's own. */
export interface PlacementQuery {
  readonly cc: CompiledCluster;
  readonly sp: CompiledServicePort;
  /** Node of the client, -1 outside the cluster (or for traffic a load balancer delivers). */
  readonly clientNode: number;
  /** Source of the packets reaching the nodes. */
  readonly clientIp: ParsedIp | null;
  /** A what-if override the answers are evaluated with (none: the Service as it is). */
  readonly override?: PolicyOverride;
}

export interface NodeClassQuery extends PlacementQuery {
  readonly node: CompiledNode;
  /** The node address the client used (NodePort), or null when the destination is not a node IP. */
  readonly address: ParsedIp | null;
  /**
   * Whether each node hosting endpoints needs a class of its own: endpointPlacementMatters()
   * of this query. Absent = true (load-balancer deliveries list such nodes as groups of their own).
   */
  readonly separateEndpointNodes?: boolean;
}

/** The node classes of one answer's traffic (see DataPlane.nodeClasses). */
export interface NodeClasses {
  /**
   * The nodes whose class key may differ from their ordinary key, in index order, without
   * repeats: every other node's key is ordinaryNodeClassKey(cc, node, address index).
   */
  readonly singled: readonly number[];
  /** nodeClassKey of node `node` reached at its parsedIps[address] (at no node address when negative). */
  key(node: number, address: number): number;
}

export interface DataPlane {
  readonly profile: Profile;
  /** What happens to one packet at ctx.node. */
  decide(ctx: PacketContext): Decision;
  /** Whether a connection forwarded to this endpoint completes (return path and profile facts). */
  connection(ctx: ConnectionContext): ConnectionOutcome;
  /**
   * A promise about connection(): it depends on which node processes the packet only through
   * whether the endpoint, or the client, is on that node (ctx.processingNode compared with
   * ctx.endpoint.nodeIndex and ctx.clientNode; packet.node, and packet.dst when it is that
   * node's own address, not otherwise read), and on the rest of packet and decision only
   * through src, dst, port, protocol, override, via and servicePort. Reachability then re-checks,
   * between two nodes' outcomes for the same candidates, only the endpoints on those two nodes.
   */
  readonly connectionNodeLocal?: boolean;
  /** Whether a load balancer sends this Service port's traffic to this node. */
  loadBalancerTargets(cc: CompiledCluster, sp: CompiledServicePort, override?: PolicyOverride): readonly number[];
  /** Equal keys = equal decisions for nodes processing this client's traffic (see node-classes.ts); an integer. */
  nodeClassKey(q: NodeClassQuery): number;
  /**
   * The node classes of this traffic, for answers that ask for many nodes (a NodePort answer
   * for every node address, a load balancer for every target node): which nodes it singles out,
   * and their keys. separateEndpointNodes is as in NodeClassQuery.
   */
  nodeClasses(q: PlacementQuery, separateEndpointNodes: boolean): NodeClasses;
  /** The class key of a node no traffic singles out, reached at its parsedIps[address] (none when negative). */
  ordinaryNodeClassKey(cc: CompiledCluster, node: number, address: number): number;
  /**
   * Whether the answer for this client's traffic on a node hosting endpoints (not the client's
   * node) can depend on which endpoints that node hosts, including in the what-if re-evaluations
   * behind suggestions. When it cannot, those nodes need no class each (separateEndpointNodes).
   * Depends on the Service port and the client only: asked once per answer, not per node.
   */
  endpointPlacementMatters(q: PlacementQuery): boolean;
  /**
   * Whether the decisions taken for this client's traffic on a node hosting endpoints (not the
   * client's node) can depend on which endpoints that node hosts, as opposed to whether its
   * connections complete. When they cannot, nodes whose class keys are equal once nodes hosting
   * endpoints get no classes of their own (separateEndpointNodes false) get equal decisions:
   * reachability then takes them once and checks only each node's connections.
   */
  decisionPlacementMatters(q: PlacementQuery): boolean;
  /** Rules appended to every answer of this profile (e.g. "fell back to upstream"). */
  readonly notes: readonly RuleId[];
  /** Whether an in-cluster client's traffic to a node EIP is answered like the node's private IP (else UNKNOWN: egress not modelled). */
  eipFromCluster?(cc: CompiledCluster, sp: CompiledServicePort): boolean;
  /** Service-affinity facts (e.g. CCE Table 1) for a Service port, added to the reachability answer. */
  affinity?(cc: CompiledCluster, sp: CompiledServicePort): ServiceAffinity | null;
  /** Profile remedies: rewrite or extend the verified upstream suggestions (each re-run with q.reevaluate). */
  refineSuggestions?(q: SuggestionInput, upstream: readonly Suggestion[]): Suggestion[];
}

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

export interface NodeClassQuery {
  readonly cc: CompiledCluster;
  readonly sp: CompiledServicePort;
  readonly node: CompiledNode;
  /** The node address the client used (NodePort), or null when the destination is not a node IP. */
  readonly address: ParsedIp | null;
  readonly clientNode: number;
  readonly clientIp: ParsedIp | null;
}

export interface DataPlane {
  readonly profile: Profile;
  /** What happens to one packet at ctx.node. */
  decide(ctx: PacketContext): Decision;
  /** Whether a connection forwarded to this endpoint completes (return path and profile facts). */
  connection(ctx: ConnectionContext): ConnectionOutcome;
  /** Whether a load balancer sends this Service port's traffic to this node. */
  loadBalancerTargets(cc: CompiledCluster, sp: CompiledServicePort, override?: PolicyOverride): readonly number[];
  /** Equal keys = equal decisions for nodes processing this client's traffic (see kubernetes.ts). */
  nodeClassKey(q: NodeClassQuery): string | number;
  /** Rules appended to every answer of this profile (e.g. "fell back to upstream"). */
  readonly notes: readonly RuleId[];
  /** Whether an in-cluster client's traffic to a node EIP is answered like the node's private IP (else UNKNOWN: egress not modelled). */
  eipFromCluster?(cc: CompiledCluster, sp: CompiledServicePort): boolean;
  /** Service-affinity facts (e.g. CCE Table 1) for a Service port, added to the reachability answer. */
  affinity?(cc: CompiledCluster, sp: CompiledServicePort): ServiceAffinity | null;
  /** Profile remedies: rewrite or extend the verified upstream suggestions (each re-run with q.reevaluate). */
  refineSuggestions?(q: SuggestionInput, upstream: readonly Suggestion[]): Suggestion[];
}

// The data-plane seam: packet semantics only. A DataPlane decides what happens to one packet on
// one node, and whether a forwarded connection completes. Each profile (src/engine/profiles)
// brings one; KUBERNETES is upstream kube-proxy, and the CCE data planes wrap it and override
// decisions where the CCE tables say otherwise. How reachability may share work between nodes
// is not the data plane's business: see src/engine/sharing.
import type { CompiledCluster, CompiledEndpoint, CompiledNode, CompiledServicePort } from '../compiled';
import type { ParsedIp } from '../ip';
import type { Profile, Protocol, TrafficPolicy } from '../model';
import type { SourceIpReason, TraceVerdict, ViaKind } from '../results';
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

export interface DataPlane {
  readonly profile: Profile;
  /** What happens to one packet at ctx.node. */
  decide(ctx: PacketContext): Decision;
  /** Whether a connection forwarded to this endpoint completes (return path and profile facts). */
  connection(ctx: ConnectionContext): ConnectionOutcome;
  /** The nodes a load balancer sends this Service port's traffic to, in index order. */
  loadBalancerTargets(cc: CompiledCluster, sp: CompiledServicePort, override?: PolicyOverride): readonly number[];
  /** Whether an in-cluster client's traffic to a node EIP is answered like the node's private IP (else UNKNOWN: egress not modelled). */
  eipFromCluster?(cc: CompiledCluster, sp: CompiledServicePort): boolean;
}

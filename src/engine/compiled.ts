// The compiled, indexed form of a cluster. Built once by compile(); read-only afterwards.
// Every hot-path question (which Service owns ip:port/proto, which endpoints are usable on
// node N, is this source a pod) is a map lookup or a precomputed array — no scans.
import type { Enforcement } from './policy/enforcement';
import type { PolicyIndex } from './policy/compile';
import type { Cidr, CidrSet, IpFamily, ParsedIp } from './ip';
import type { ClusterModel, LoadBalancerIpMode, LoadBalancerTarget, Protocol, ServiceModel } from './model';
import type { SessionAffinityInfo } from './results';
import type { RuleId } from './rules';

export type FrontendKind = 'CLUSTER_IP' | 'EXTERNAL_IP' | 'LOAD_BALANCER';

export interface CompiledNode {
  readonly index: number;
  readonly name: string;
  /** Canonical internal IPs, primary first. */
  readonly internalIps: readonly string[];
  /** The same addresses, parsed once. */
  readonly parsedIps: readonly ParsedIp[];
  readonly primaryIp: { readonly 4: string | null; readonly 6: string | null };
  readonly externalIp: string | null;
  readonly parsedExternalIp: ParsedIp | null;
  readonly parsedPrimary: { readonly 4: ParsedIp | null; readonly 6: ParsedIp | null };
  /** `node/<name>`, the `at` of steps on this node. */
  readonly at: string;
  readonly podCidrs: CidrSet;
  /** Addresses that are "local" to this node (fib saddr type local): its IPs and loopback. */
  readonly localAddresses: ReadonlySet<string>;
  readonly excludedFromLoadBalancers: boolean;
  /** Its topology.kubernetes.io/zone label, or null when it has none. */
  readonly zone: string | null;
}

export interface CompiledPod {
  readonly index: number;
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeIndex: number;
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
}

export interface CompiledEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly nodeIndex: number;
  readonly nodeName: string | null;
  readonly podKey: string | null;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** The zone of the endpoint's node (EndpointSlice `zone`), or null when not known. */
  readonly zone: string | null;
  /** hints.forZones / hints.forNodes names; null when the endpoint has none of the kind. */
  readonly zoneHints: readonly string[] | null;
  readonly nodeHints: readonly string[] | null;
  /** The hints are what the EndpointSlice controller would write (no slices here, see topology.ts inferredHints). */
  readonly hintsInferred: boolean;
}

/** The cluster endpoints one node uses (topology-aware routing, see topology.ts), and the rule that chose them. */
export interface ClusterChoice {
  readonly endpoints: readonly CompiledEndpoint[];
  /** The rule and note of the choice (PreferSameZone, PreferSameNode, a fallback), or null when topology says nothing. */
  readonly act: { readonly rule: RuleId; readonly note: string } | null;
}

/** A Service port's topology-aware choice per node (topology.ts Topology). */
export interface EndpointTopology {
  at(node: CompiledNode): ClusterChoice;
  /** Whether `endpoints` is a list at() gives every node of a zone (or every node), not one node's own. */
  sharedByNodes(endpoints: readonly CompiledEndpoint[]): boolean;
  /** Nodes that ready endpoints are hinted for by name, when this kube-proxy goes by node hints here (PreferSameNode); else empty. */
  readonly hintedNodes: ReadonlySet<string>;
  /** The hints are the EndpointSlice controller's, inferred (the Service has no slices here). */
  readonly inferred: boolean;
}

/** Which hints this cluster's kube-proxy reads for a Service (topology.ts topologyPolicy); null: none. */
export interface TopologyPolicy {
  /** Node hints (trafficDistribution PreferSameNode). */
  readonly nodes: boolean;
}

/** The local (this node) endpoint choice of a Local policy. */
export interface LocalChoice {
  readonly endpoints: readonly CompiledEndpoint[];
  /** True when the choice fell back to serving-and-terminating endpoints. */
  readonly terminatingFallback: boolean;
  /** Local ready endpoints: what the healthCheckNodePort reports. */
  readonly readyCount: number;
}

/** Output of categorizeEndpoints (cf. pkg/proxy/topology.go CategorizeEndpoints). */
export interface EndpointCategories {
  /** Endpoints for Cluster policies: ready ones, else serving-and-terminating ones. */
  readonly cluster: readonly CompiledEndpoint[];
  readonly clusterTerminatingFallback: boolean;
  /** Local choice per node index; a node absent from the map has no usable local endpoint. */
  readonly localByNode: ReadonlyMap<number, LocalChoice>;
  /** Whether any usable endpoint exists anywhere (else REJECT). */
  readonly hasAnyEndpoints: boolean;
  /** The hints this kube-proxy reads for the Service, kept for re-categorising (null: none). */
  readonly policy: TopologyPolicy | null;
  /** The cluster endpoints as one choice with nothing to say: what every node uses unless `topology` narrows them. */
  readonly all: ClusterChoice;
  /** Topology-aware routing of the cluster endpoints, when ready endpoints carry hints this kube-proxy reads; else null. */
  readonly topology: EndpointTopology | null;
  /** Ready endpoints carry hints, but this kube-proxy does not read them (version, annotations). */
  readonly hintsUnread: boolean;
}

export interface LoadBalancerTargetFact {
  readonly target: LoadBalancerTarget | null;
  /** SPEC: the Service says so; ANNOTATION: a cloud controller's annotation; NODE_PORT: inferred from an allocated NodePort. */
  readonly from: 'SPEC' | 'ANNOTATION' | 'NODE_PORT' | null;
}

export interface CompiledServicePort {
  readonly index: number;
  readonly serviceIndex: number;
  readonly serviceKey: string;
  readonly portName: string | null;
  readonly protocol: Protocol;
  readonly port: number;
  readonly nodePort: number | null;
  readonly family: IpFamily;
  readonly clusterIp: string;
  readonly externalIps: readonly string[];
  readonly loadBalancerVips: readonly string[];
  readonly loadBalancerProxyIps: readonly string[];
  /** Load balancers known only by hostname (kube-proxy programs nothing for them). */
  readonly loadBalancerHostnames: readonly string[];
  /** Ingress IPs with ipMode Proxy that get the VIP rules because this kube-proxy predates LoadBalancerIPMode (v1.30). */
  readonly loadBalancerIpModeIgnored: readonly string[];
  /** Where the cloud load balancer delivers, and why the engine thinks so; target null: not known. */
  readonly loadBalancerTarget: LoadBalancerTargetFact;
  readonly sourceRanges: CidrSet | null;
  /**
   * The cloud load balancer's own allowlist from the service.beta.kubernetes.io/load-balancer-source-ranges
   * annotation (kube-proxy never reads it), when spec.loadBalancerSourceRanges is empty; else null.
   */
  readonly cloudSourceRanges: CidrSet | null;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  readonly externallyAccessible: boolean;
  readonly healthCheckNodePort: number | null;
  /** spec.sessionAffinity, with the timeout kube-apiserver defaults (10800 s with ClientIP). */
  readonly sessionAffinity: SessionAffinityInfo;
  readonly endpoints: readonly CompiledEndpoint[];
  readonly categories: EndpointCategories;
}

export type IgnoredReason = 'HEADLESS' | 'PROXY_LABEL';

export interface CompiledService {
  readonly index: number;
  readonly key: string;
  readonly model: ServiceModel;
  readonly ignored: IgnoredReason | null;
  /** Indices into CompiledCluster.servicePorts, one per (port, family). */
  readonly ports: readonly number[];
}

export interface FrontendRef {
  readonly servicePort: number;
  readonly kind: FrontendKind;
}

export interface ProxyIngressRef {
  readonly servicePort: number;
  readonly ipMode: LoadBalancerIpMode;
}

export interface NodePortRef {
  readonly 4: number;
  readonly 6: number;
}

/**
 * What the engine reads of its large lookup tables (get and has only): compile() gives Maps,
 * patchCompiled() layered versions sharing one base Map between versions (see patch/layered-map.ts).
 */
export interface KeyLookup<K, V> {
  get(key: K): V | undefined;
  has(key: K): boolean;
}

/** What the engine reads of the compiled pods: how many, and the pod at an index (see KeyLookup). */
export interface ListLookup<T> {
  readonly length: number;
  get(index: number): T;
}

export interface CompiledCluster {
  readonly model: ClusterModel;
  readonly clusterCidrs: CidrSet;
  /**
   * The ClusterCIDR local-traffic detector's range per IP family: the first CIDR of the family in
   * kube-proxy's clusterCIDR (the pod ranges when the model gives none); null where kube-proxy
   * has none, so its detector for that family is a no-op (cmd/kube-proxy/app/server_linux.go getLocalDetectors).
   */
  readonly detectorCidrs: { readonly 4: Cidr | null; readonly 6: Cidr | null };
  readonly serviceCidrs: CidrSet;
  readonly nodePortAddresses: CidrSet;
  readonly nodePortPrimaryOnly: boolean;
  /**
   * Sorted by name. patchCompiled() shares this array between versions only while the nodes and
   * the settings (every ClusterModel field but the four lists) are unchanged: caches of what
   * depends on nodes and settings only key on it, and stay warm across pod and Service writes.
   */
  readonly nodes: readonly CompiledNode[];
  readonly nodeByName: ReadonlyMap<string, number>;
  /** Same order as model.pods (pod i is model.pods[i]). */
  readonly pods: ListLookup<CompiledPod>;
  readonly podByKey: KeyLookup<string, number>;
  /** Canonical IP -> owner. Node IPs (incl. hostNetwork pods) belong to the node. */
  readonly ipOwner: KeyLookup<string, IpOwner>;
  /** EIP -> node index. */
  readonly eipOwner: ReadonlyMap<string, number>;
  readonly services: readonly CompiledService[];
  readonly serviceByKey: ReadonlyMap<string, number>;
  readonly servicePorts: readonly CompiledServicePort[];
  /** `ip|port|protocol` -> ClusterIP / externalIP / LB VIP frontend. */
  readonly frontends: ReadonlyMap<string, FrontendRef>;
  /** `ip|port|protocol` of LB ingresses in Proxy mode (no in-cluster rule). */
  readonly proxyIngress: ReadonlyMap<string, ProxyIngressRef>;
  /** The IPs of proxyIngress: a packet to any other address is no Proxy-mode ingress (no key to build). */
  readonly proxyIngressIps: ReadonlySet<string>;
  /** `port|protocol` -> service port per family (-1 when none). */
  readonly nodePorts: ReadonlyMap<string, NodePortRef>;
  /** healthCheckNodePort -> service ports. */
  readonly healthCheckNodePorts: ReadonlyMap<number, readonly number[]>;
  /** ClusterIPs in use by proxied Services. */
  readonly allocatedClusterIps: ReadonlySet<string>;
  /** Every Service IP an IPVS node binds to kube-ipvs0: the IPs of all frontends (and of claims that lost). */
  readonly boundServiceIps: ReadonlySet<string>;
  /** ClusterIPs of ignored Services, to explain why they are not intercepted. */
  readonly ignoredServiceIps: ReadonlyMap<string, number>;
  readonly warnings: readonly string[];
  /** The cluster's NetworkPolicies, compiled (null when it has none). */
  readonly policies: PolicyIndex | null;
  /** Whether they are enforced, and why. */
  readonly policyEnforcement: Enforcement;
}

export type IpOwner =
  { readonly kind: 'POD'; readonly index: number } | { readonly kind: 'NODE'; readonly index: number };

export function frontendKey(ip: string, port: number, protocol: Protocol): string {
  return `${ip}|${port}|${protocol}`;
}

/** nodePortKey() strings by protocol and port, made once each: decide() asks one per packet. */
const NODE_PORT_KEYS: Record<Protocol, string[]> = { TCP: [], UDP: [], SCTP: [] };

export function nodePortKey(port: number, protocol: Protocol): string {
  const keys = NODE_PORT_KEYS[protocol];
  if (!Number.isInteger(port) || port < 0 || port > 65535 || keys === undefined) return `${port}|${protocol}`;
  return (keys[port] ??= `${port}|${protocol}`);
}

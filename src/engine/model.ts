// Input model of the engine: plain readonly data. The API layer maps database rows onto it.

export type Profile = 'KUBERNETES' | 'CCE' | 'CCE_TURBO';
export type NetworkModel = 'TUNNEL' | 'VPC' | 'CLOUD_NATIVE_2';
export type ProxyMode = 'IPTABLES' | 'IPVS' | 'NFTABLES';
/** kube-proxy detectLocalMode (bridge/interface modes may be added later). */
export type LocalDetector = 'CLUSTER_CIDR' | 'NODE_CIDR' | 'NONE';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export type TrafficPolicy = 'Cluster' | 'Local';
export type LoadBalancerIpMode = 'VIP' | 'Proxy';
/** Where a cloud load balancer sends traffic: the nodes (NodePort, or the LB IP kept) or straight to pod IPs (container-native). */
export type LoadBalancerTarget = 'NODES' | 'PODS';
/** spec.sessionAffinity. */
export type SessionAffinity = 'None' | 'ClientIP';
/**
 * spec.trafficDistribution values the API accepts (PreferClose is the deprecated name of
 * PreferSameZone, KEP-3015). A string: an imported cluster may hold a value a later Kubernetes added.
 */
export type TrafficDistribution = 'PreferClose' | 'PreferSameZone' | 'PreferSameNode';

export interface KubeProxyOptions {
  readonly masqueradeAll: boolean;
  readonly localDetector: LocalDetector;
  /** CIDRs, or ["primary"]; [] = all node IPs. */
  readonly nodePortAddresses: readonly string[];
  readonly localhostNodePorts: boolean;
  /**
   * kube-proxy's own clusterCIDR (its local-traffic detector's ranges, one per IP family at
   * most), which may differ from the cluster's pod ranges: [] when kube-proxy has none (then the
   * ClusterCIDR detector recognises no pod). Absent or null: the same as the cluster's clusterCidrs.
   */
  readonly clusterCidrs?: readonly string[] | null;
}

export interface ClusterModel {
  readonly name: string;
  readonly profile: Profile;
  readonly kubernetesVersion: string;
  readonly networkModel: NetworkModel;
  readonly proxyMode: ProxyMode;
  readonly clusterCidrs: readonly string[];
  readonly serviceCidrs: readonly string[];
  readonly nodePortRange: { readonly min: number; readonly max: number };
  readonly kubeProxy: KubeProxyOptions;
  readonly nodes: readonly NodeModel[];
  readonly pods: readonly PodModel[];
  readonly services: readonly ServiceModel[];
  readonly endpointSlices: readonly EndpointSliceModel[];
  /** Namespaces with their labels; absent = none stored (a namespace then has only its name label). */
  readonly namespaces?: readonly NamespaceModel[];
  /** networking.k8s.io/v1 NetworkPolicies; absent = none. */
  readonly networkPolicies?: readonly NetworkPolicyModel[];
  /**
   * Whether the network plugin enforces NetworkPolicy: absent or null = the profile's default
   * (on for KUBERNETES; per network model for CCE and CCE Turbo).
   */
  readonly networkPolicyEnforced?: boolean | null;
}

export interface NodeModel {
  readonly name: string;
  /** Primary first, IPv4 and/or IPv6. */
  readonly internalIps: readonly string[];
  /** Public EIP, 1:1 NAT to the primary internal IP. */
  readonly externalIp: string | null;
  readonly podCidrs: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Fields whose value is not known (redacted in an imported dump): absent when every field is known. */
  readonly unknown?: readonly string[];
}

export interface ContainerPortModel {
  readonly name: string | null;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface PodModel {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeName: string | null;
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  readonly phase: PodPhase;
  readonly ready: boolean;
  readonly terminating: boolean;
  readonly containerPorts: readonly ContainerPortModel[];
  /** Fields whose value is not known (redacted in an imported dump), e.g. `ips`: absent when every field is known. */
  readonly unknown?: readonly string[];
}

export interface ServicePortModel {
  readonly name: string | null;
  readonly protocol: Protocol;
  readonly port: number;
  /** Number, or the name of a container port. */
  readonly targetPort: number | string;
  readonly nodePort: number | null;
}

export interface LoadBalancerIngressModel {
  readonly ip: string;
  readonly ipMode: LoadBalancerIpMode;
}

export interface ServiceModel {
  readonly namespace: string;
  readonly name: string;
  readonly type: ServiceType;
  /** null = no selector (endpoints come from EndpointSlices). */
  readonly selector: Readonly<Record<string, string>> | null;
  readonly ports: readonly ServicePortModel[];
  /** [] = headless ("None"). */
  readonly clusterIps: readonly string[];
  readonly externalIps: readonly string[];
  readonly loadBalancerIngress: readonly LoadBalancerIngressModel[];
  readonly loadBalancerSourceRanges: readonly string[];
  /** status.loadBalancer.ingress entries known only by hostname (the EKS default); absent = none. */
  readonly loadBalancerHostnames?: readonly string[];
  /**
   * How the cloud load balancer delivers: absent or null = not stated (then read from a known
   * annotation, else nodes when the port has a NodePort, else not known).
   */
  readonly loadBalancerTarget?: LoadBalancerTarget | null;
  readonly externalTrafficPolicy: TrafficPolicy;
  readonly internalTrafficPolicy: TrafficPolicy;
  readonly healthCheckNodePort: number | null;
  readonly publishNotReadyAddresses: boolean;
  /** spec.sessionAffinity; absent = None. */
  readonly sessionAffinity?: SessionAffinity;
  /**
   * spec.sessionAffinityConfig.clientIP.timeoutSeconds: 1-86400 with ClientIP, null with None;
   * absent = null (None), or 10800 (DefaultClientIPServiceAffinitySeconds) when sessionAffinity is ClientIP.
   */
  readonly sessionAffinityTimeoutSeconds?: number | null;
  /**
   * spec.trafficDistribution; absent = null (no preference). Usually a TrafficDistribution, but an
   * imported cluster may hold a value this version does not know (kept, with a warning).
   */
  readonly trafficDistribution?: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Fields whose value is not known (redacted in an imported dump), e.g. `externalIps`: absent when every field is known. */
  readonly unknown?: readonly string[];
}

export interface EndpointSlicePortModel {
  readonly name: string | null;
  readonly port: number;
  readonly protocol: Protocol;
}

/** endpoints[].hints: where the EndpointSlice controller meant the endpoint to be consumed (topology-aware routing). */
export interface EndpointHintsModel {
  /** hints.forZones[].name: zones whose clients should use this endpoint. */
  readonly forZones: readonly string[];
  /** hints.forNodes[].name: nodes whose clients should use this endpoint (trafficDistribution PreferSameNode). */
  readonly forNodes: readonly string[];
}

export interface EndpointModel {
  readonly addresses: readonly string[];
  readonly nodeName: string | null;
  readonly ready: boolean | null;
  readonly serving: boolean | null;
  readonly terminating: boolean | null;
  readonly podName?: string | null;
  /** endpoints[].zone (the zone of the endpoint's node); absent = null (not known). */
  readonly zone?: string | null;
  /** endpoints[].hints; absent = null (no hints). */
  readonly hints?: EndpointHintsModel | null;
}

export interface EndpointSliceModel {
  readonly namespace: string;
  readonly name: string;
  readonly serviceName: string;
  readonly addressType: 'IPv4' | 'IPv6';
  readonly ports: readonly EndpointSlicePortModel[];
  readonly endpoints: readonly EndpointModel[];
  /** `endpoints` when some endpoint's address was redacted in an imported dump: absent when every field is known. */
  readonly unknown?: readonly string[];
}

/** A namespace: its labels always include kubernetes.io/metadata.name = name (the API server sets it). */
export interface NamespaceModel {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirementModel {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  /** Non-empty for In/NotIn, empty for Exists/DoesNotExist. */
  readonly values: readonly string[];
}

/** metav1.LabelSelector: every matchLabels pair and every expression must hold; {} selects everything. */
export interface LabelSelectorModel {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirementModel[];
}

export interface IpBlockModel {
  /** Canonical (masked) CIDR. */
  readonly cidr: string;
  /** Canonical CIDRs inside cidr. */
  readonly except: readonly string[];
}

/** One of from[]/to[]: ipBlock alone, or podSelector and/or namespaceSelector (both = AND). */
export interface NetworkPolicyPeerModel {
  readonly podSelector: LabelSelectorModel | null;
  readonly namespaceSelector: LabelSelectorModel | null;
  readonly ipBlock: IpBlockModel | null;
}

export interface NetworkPolicyPortModel {
  /** Defaulted to TCP as the API server does. */
  readonly protocol: Protocol;
  /** A number, a container port name, or null = every port of the protocol. */
  readonly port: number | string | null;
  /** Inclusive end of a numeric port range; null = the single port. */
  readonly endPort: number | null;
}

/** One ingress or egress rule: peers [] = every peer; ports [] = every port. */
export interface NetworkPolicyRuleModel {
  readonly peers: readonly NetworkPolicyPeerModel[];
  readonly ports: readonly NetworkPolicyPortModel[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicyModel {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelectorModel;
  /**
   * spec.policyTypes as stored: the API server defaults it (Ingress, plus Egress when egress rules
   * exist) when the object is created without it; [] here means "defaulted the same way".
   */
  readonly policyTypes: readonly PolicyType[];
  readonly ingress: readonly NetworkPolicyRuleModel[];
  readonly egress: readonly NetworkPolicyRuleModel[];
}

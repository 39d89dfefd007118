import { registerEnumType } from '@nestjs/graphql';

/** The domain's enumerations (same spellings as the database and the engine). */
export const Profile = { KUBERNETES: 'KUBERNETES', CCE: 'CCE', CCE_TURBO: 'CCE_TURBO' } as const;
export type Profile = (typeof Profile)[keyof typeof Profile];
export const NetworkModel = { TUNNEL: 'TUNNEL', VPC: 'VPC', CLOUD_NATIVE_2: 'CLOUD_NATIVE_2' } as const;
export type NetworkModel = (typeof NetworkModel)[keyof typeof NetworkModel];
export const ProxyMode = { IPTABLES: 'IPTABLES', IPVS: 'IPVS', NFTABLES: 'NFTABLES' } as const;
export type ProxyMode = (typeof ProxyMode)[keyof typeof ProxyMode];
export const LocalDetector = { CLUSTER_CIDR: 'CLUSTER_CIDR', NODE_CIDR: 'NODE_CIDR', NONE: 'NONE' } as const;
export type LocalDetector = (typeof LocalDetector)[keyof typeof LocalDetector];
export const ServiceType = { ClusterIP: 'ClusterIP', NodePort: 'NodePort', LoadBalancer: 'LoadBalancer' } as const;
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];
export const TrafficPolicy = { Cluster: 'Cluster', Local: 'Local' } as const;
export type TrafficPolicy = (typeof TrafficPolicy)[keyof typeof TrafficPolicy];
export const Protocol = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];
export const PodPhase = {
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Unknown: 'Unknown',
} as const;
export type PodPhase = (typeof PodPhase)[keyof typeof PodPhase];
export const IpMode = { VIP: 'VIP', Proxy: 'Proxy' } as const;
export type IpMode = (typeof IpMode)[keyof typeof IpMode];
export const SessionAffinity = { None: 'None', ClientIP: 'ClientIP' } as const;
export type SessionAffinity = (typeof SessionAffinity)[keyof typeof SessionAffinity];
export const LoadBalancerTarget = { NODES: 'NODES', PODS: 'PODS' } as const;
export type LoadBalancerTarget = (typeof LoadBalancerTarget)[keyof typeof LoadBalancerTarget];
/**
 * spec.trafficDistribution values the API accepts: those kube-apiserver accepts since KEP-3015
 * (PreferSameTrafficDistribution, GA in 1.35). Not a GraphQL enum: an import keeps a value it does
 * not know (a later Kubernetes may add one), and a stored Service must always be readable.
 */
export const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameZone', 'PreferSameNode'] as const;
export const ApiKeyScope = { read: 'read', write: 'write' } as const;
export type ApiKeyScope = (typeof ApiKeyScope)[keyof typeof ApiKeyScope];

registerEnumType(Profile, {
  name: 'Profile',
  description: 'KUBERNETES = upstream kube-proxy; CCE = CCE standard cluster; CCE_TURBO = CCE Turbo (Cloud Native 2.0)',
});
registerEnumType(NetworkModel, {
  name: 'NetworkModel',
  description: 'TUNNEL = overlay (VXLAN); VPC = routed; CLOUD_NATIVE_2 = ENI (CCE Turbo)',
});
registerEnumType(ProxyMode, { name: 'ProxyMode' });
registerEnumType(LocalDetector, {
  name: 'LocalDetector',
  description: 'kube-proxy detectLocalMode: how it tells pod traffic from other traffic',
});
registerEnumType(ServiceType, { name: 'ServiceType' });
registerEnumType(TrafficPolicy, { name: 'TrafficPolicy' });
registerEnumType(Protocol, { name: 'Protocol' });
registerEnumType(PodPhase, { name: 'PodPhase' });
registerEnumType(IpMode, {
  name: 'IpMode',
  description: 'VIP = kube-proxy short-circuits the LB IP in-cluster; Proxy = traffic goes to the load balancer',
});
registerEnumType(SessionAffinity, {
  name: 'SessionAffinity',
  description:
    'spec.sessionAffinity: None, or ClientIP (connections from one client IP go to one endpoint, for sessionAffinityTimeoutSeconds)',
});
registerEnumType(LoadBalancerTarget, {
  name: 'LoadBalancerTarget',
  description:
    'Where the cloud load balancer delivers: NODES (NodePort, or the LB IP kept) or PODS (straight to pod IPs, container-native)',
});
registerEnumType(ApiKeyScope, { name: 'ApiKeyScope' });

export const E = {
  Profile: { enum: Profile, name: 'Profile' },
  NetworkModel: { enum: NetworkModel, name: 'NetworkModel' },
  ProxyMode: { enum: ProxyMode, name: 'ProxyMode' },
  LocalDetector: { enum: LocalDetector, name: 'LocalDetector' },
  ServiceType: { enum: ServiceType, name: 'ServiceType' },
  TrafficPolicy: { enum: TrafficPolicy, name: 'TrafficPolicy' },
  Protocol: { enum: Protocol, name: 'Protocol' },
  PodPhase: { enum: PodPhase, name: 'PodPhase' },
  IpMode: { enum: IpMode, name: 'IpMode' },
  SessionAffinity: { enum: SessionAffinity, name: 'SessionAffinity' },
  LoadBalancerTarget: { enum: LoadBalancerTarget, name: 'LoadBalancerTarget' },
  ApiKeyScope: { enum: ApiKeyScope, name: 'ApiKeyScope' },
} as const;

// Small CCE clusters for the CCE profile tests. Three nodes: `server` runs the backend pod web-0,
// `other` and `third` run none (unless `multiPod` puts web-1 on `other`). Client containers sit on
// `server` and `other`. Addresses: nodes 192.168.0.{10,20,30} with EIPs 121.36.0.{10,20,30}; pods
// 172.16.{0,1,2}.x; Services 10.247.0.0/16; the web Service's ELB private IP 192.168.0.200.
import type {
  ClusterModel,
  NetworkModel,
  NodeModel,
  PodModel,
  Profile,
  ProxyMode,
  ServiceModel,
  ServiceType,
  TrafficPolicy,
} from '../model';

export const NODE_IP = { server: '192.168.0.10', other: '192.168.0.20', third: '192.168.0.30' } as const;
export const NODE_EIP = { server: '121.36.0.10', other: '121.36.0.20', third: '121.36.0.30' } as const;
export const ELB_PRIVATE_IP = '192.168.0.200';
export const ELB_PUBLIC_IP = '121.36.9.9';
export const CLUSTER_IP = '10.247.0.10';
export const NODE_PORT = 30080;
export const WEB = 'default/web';

export interface CceOptions {
  readonly profile?: Profile;
  readonly network?: NetworkModel;
  readonly proxy?: ProxyMode;
  readonly version?: string;
  readonly type?: ServiceType;
  readonly etp?: TrafficPolicy;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Also run web-1 on `other` (a second backend node). */
  readonly multiPod?: boolean;
  /** web-0 (and web-1) is a HostNetwork pod. */
  readonly hostNetworkBackends?: boolean;
  /** A second web-0 on `server` (web-2): two pods on one node. */
  readonly twoOnServer?: boolean;
  readonly extraServices?: readonly ServiceModel[];
}

function node(name: keyof typeof NODE_IP, i: number): NodeModel {
  return { name, internalIps: [NODE_IP[name]], externalIp: NODE_EIP[name], podCidrs: [`172.16.${i}.0/24`], labels: {} };
}

export function pod(
  name: string,
  nodeName: keyof typeof NODE_IP,
  ip: string,
  labels: Record<string, string> = {},
  hostNetwork = false,
): PodModel {
  return {
    namespace: 'default',
    name,
    labels,
    nodeName,
    ips: [hostNetwork ? NODE_IP[nodeName] : ip],
    hostNetwork,
    phase: 'Running',
    ready: true,
    terminating: false,
    containerPorts: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
  };
}

export function webService(o: CceOptions = {}, edit: Partial<ServiceModel> = {}): ServiceModel {
  const type = o.type ?? 'NodePort';
  return {
    namespace: 'default',
    name: 'web',
    type,
    selector: { app: 'web' },
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, nodePort: NODE_PORT }],
    clusterIps: [CLUSTER_IP],
    externalIps: [],
    loadBalancerIngress:
      type === 'LoadBalancer'
        ? [
            { ip: ELB_PRIVATE_IP, ipMode: 'VIP' },
            { ip: ELB_PUBLIC_IP, ipMode: 'VIP' },
          ]
        : [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: o.etp ?? 'Local',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: (o.etp ?? 'Local') === 'Local' && type === 'LoadBalancer' ? 32000 : null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: o.annotations ?? (type === 'LoadBalancer' ? { 'kubernetes.io/elb.class': 'performance' } : {}),
    ...edit,
  };
}

export function cceCluster(o: CceOptions = {}): ClusterModel {
  const profile = o.profile ?? 'CCE';
  const hn = o.hostNetworkBackends ?? false;
  const pods: PodModel[] = [
    pod('web-0', 'server', '172.16.0.5', { app: 'web' }, hn),
    pod('client-s', 'server', '172.16.0.9'),
    pod('client-o', 'other', '172.16.1.9'),
  ];
  if (o.multiPod === true) pods.push(pod('web-1', 'other', '172.16.1.5', { app: 'web' }, hn));
  if (o.twoOnServer === true) pods.push(pod('web-2', 'server', '172.16.0.6', { app: 'web' }, hn));
  return {
    name: 'cce',
    profile,
    kubernetesVersion: o.version ?? 'v1.28.3-r0',
    networkModel: o.network ?? (profile === 'CCE_TURBO' ? 'CLOUD_NATIVE_2' : 'TUNNEL'),
    proxyMode: o.proxy ?? 'IPTABLES',
    clusterCidrs: ['172.16.0.0/16'],
    serviceCidrs: ['10.247.0.0/16'],
    nodePortRange: { min: 30000, max: 32767 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes: [node('server', 0), node('other', 1), node('third', 2)],
    pods,
    services: [webService(o), ...(o.extraServices ?? [])],
    endpointSlices: [],
  };
}

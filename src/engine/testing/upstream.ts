// Factories that rebuild kube-proxy's test fixtures (NewFakeProxier, makeTestService,
// makeTestEndpointSlice) as ClusterModels. Conventions from pkg/proxy/nftables/proxier_test.go:
// pod IPs 10.0.0.0/8, ClusterIPs 172.30.0.0/16, node IP 192.168.0.2, external client 203.0.113.2.
import type {
  ClusterModel,
  EndpointModel,
  EndpointSliceModel,
  LocalDetector,
  NodeModel,
  Protocol,
  ProxyMode,
  ServiceModel,
  ServicePortModel,
} from '../model';

export const TEST_NODE = 'test-node';
export const TEST_NODE_IP = '192.168.0.2';
export const TEST_NODE_IP_ALT = '192.168.1.2';
export const TEST_NODE_IPV6 = '2001:db8::1';
export const TEST_NODE_IPV6_ALT = '2001:db8:1::2';
export const TEST_EXTERNAL_CLIENT = '203.0.113.2';
export const TEST_EXTERNAL_CLIENT_BLOCKED = '203.0.113.130';

export interface FakeProxierOptions {
  readonly mode: ProxyMode;
  readonly masqueradeAll?: boolean;
  readonly localDetector?: LocalDetector;
  /** Defaults: nftables [nodeIP/32, nodeIPv6/128]; iptables/IPVS [] (all local IPs). */
  readonly nodePortAddresses?: readonly string[];
  readonly localhostNodePorts?: boolean;
}

export function testNode(): NodeModel {
  return {
    name: TEST_NODE,
    internalIps: [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_NODE_IPV6, TEST_NODE_IPV6_ALT],
    externalIp: null,
    podCidrs: ['10.0.0.0/24', 'fd00:10::/80'],
    labels: {},
  };
}

/** Other nodes named by EndpointSlices get addresses of their own, away from the test node's. */
function otherNodes(slices: readonly EndpointSliceModel[]): NodeModel[] {
  const names = new Set<string>();
  for (const s of slices)
    for (const e of s.endpoints) if (e.nodeName !== null && e.nodeName !== TEST_NODE) names.add(e.nodeName);
  return [...names].sort().map((name, i) => ({
    name,
    internalIps: [`192.168.50.${i + 1}`, `2001:db8:50::${i + 1}`],
    externalIp: null,
    podCidrs: [`10.1.${i}.0/24`],
    labels: {},
  }));
}

export function fakeCluster(
  opts: FakeProxierOptions,
  services: readonly ServiceModel[],
  slices: readonly EndpointSliceModel[],
): ClusterModel {
  const nft = opts.mode === 'NFTABLES';
  return {
    name: 'upstream-fixture',
    profile: 'KUBERNETES',
    kubernetesVersion: '1.31',
    networkModel: 'VPC',
    proxyMode: opts.mode,
    clusterCidrs: ['10.0.0.0/8', 'fd00:10::/64'],
    serviceCidrs: ['172.30.0.0/16', 'fd00:10:96::/112'],
    nodePortRange: { min: 1, max: 65535 },
    kubeProxy: {
      masqueradeAll: opts.masqueradeAll ?? false,
      localDetector: opts.localDetector ?? 'CLUSTER_CIDR',
      nodePortAddresses: opts.nodePortAddresses ?? (nft ? [`${TEST_NODE_IP}/32`, `${TEST_NODE_IPV6}/128`] : []),
      localhostNodePorts: opts.localhostNodePorts ?? true,
    },
    nodes: [testNode(), ...otherNodes(slices)],
    pods: [],
    services,
    endpointSlices: slices,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ServiceDraft = Mutable<ServiceModel>;

/** makeTestService: a ClusterIP Service with no selector; `edit` fills in the rest. */
export function makeService(namespace: string, name: string, edit: (svc: ServiceDraft) => void): ServiceModel {
  const svc: ServiceDraft = {
    namespace,
    name,
    type: 'ClusterIP',
    selector: null,
    ports: [],
    clusterIps: [],
    externalIps: [],
    loadBalancerIngress: [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: {},
  };
  edit(svc);
  return svc;
}

export function port(name: string | null, p: number, extra: Partial<ServicePortModel> = {}): ServicePortModel {
  return { name, protocol: 'TCP', port: p, targetPort: p, nodePort: null, ...extra };
}

export interface EndpointDraft {
  readonly ip: string;
  readonly node?: string | null;
  readonly ready?: boolean | null;
  readonly serving?: boolean | null;
  readonly terminating?: boolean | null;
}

export function endpoint(
  ip: string,
  node: string | null = null,
  conditions: Omit<EndpointDraft, 'ip' | 'node'> = {},
): EndpointDraft {
  return { ip, node, ...conditions };
}

/** makeTestEndpointSlice: one slice named `<svc>-<n>`. */
export function makeSlice(
  namespace: string,
  service: string,
  n: number,
  addressType: 'IPv4' | 'IPv6',
  endpoints: readonly EndpointDraft[],
  ports: readonly { name: string | null; port: number; protocol?: Protocol }[],
): EndpointSliceModel {
  return {
    namespace,
    name: `${service}-${n}`,
    serviceName: service,
    addressType,
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: endpoints.map((e): EndpointModel => ({
      addresses: [e.ip],
      nodeName: e.node ?? null,
      ready: e.ready ?? null,
      serving: e.serving ?? null,
      terminating: e.terminating ?? null,
    })),
  };
}

// Clusters for the one-truth property test (truth.spec.ts): every profile with every network
// model and proxy mode it allows, each with NodePort and LoadBalancer Services of both external
// traffic policies over multi-pod backends placed at random (some HostNetwork, some not ready,
// two on a node), built on cce.ts's three nodes and addresses. A spec is a small record, so a
// failing case prints briefly and replays.
import fc from 'fast-check';
import type {
  ClusterModel,
  LabelSelectorModel,
  LocalDetector,
  NetworkModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  NetworkPolicyRuleModel,
  PodModel,
  PolicyType,
  Profile,
  ProxyMode,
  ServiceModel,
  TrafficPolicy,
} from '../model';
import { cceCluster, pod, webService } from './cce';

export interface Setup {
  readonly profile: Profile;
  readonly network: NetworkModel;
  readonly proxy: ProxyMode;
}

/** Every profile × network model × proxy mode the profile allows (the API's cluster settings rules). */
export const SETUPS: readonly Setup[] = [
  ...(['TUNNEL', 'VPC'] as const).flatMap((network) =>
    (['IPTABLES', 'IPVS', 'NFTABLES'] as const).map((proxy) => ({ profile: 'KUBERNETES' as const, network, proxy })),
  ),
  ...(['TUNNEL', 'VPC'] as const).flatMap((network) =>
    (['IPTABLES', 'IPVS'] as const).map((proxy) => ({ profile: 'CCE' as const, network, proxy })),
  ),
  ...(['IPTABLES', 'IPVS'] as const).map((proxy) => ({
    profile: 'CCE_TURBO' as const,
    network: 'CLOUD_NATIVE_2' as const,
    proxy,
  })),
];

type NodeName = 'server' | 'other' | 'third';
const NODES: readonly NodeName[] = ['server', 'other', 'third'];

export interface Backend {
  readonly node: NodeName;
  /** A HostNetwork pod (its node's address): at most one per node. */
  readonly hostNetwork: boolean;
  readonly ready: boolean;
}

export interface TruthSpec {
  readonly setup: Setup;
  readonly backends: readonly Backend[];
  readonly detector: LocalDetector;
  /** The load balancers' ingress mode. */
  readonly ipMode: 'VIP' | 'Proxy';
  /** ELB pass-through requested on the LoadBalancer Services. */
  readonly passThrough: boolean;
  /** A dedicated ELB (kubernetes.io/elb.class: performance), else a shared one. */
  readonly dedicated: boolean;
}

const backend: fc.Arbitrary<Backend> = fc.record({
  node: fc.constantFrom(...NODES),
  hostNetwork: fc.boolean(),
  ready: fc.constantFrom(true, true, true, false),
});

/** Specs for one setup: one to four backends, the first always ready (so most answers forward). */
export function truthSpec(setup: Setup): fc.Arbitrary<TruthSpec> {
  return fc.record({
    setup: fc.constant(setup),
    backends: fc
      .array(backend, { minLength: 1, maxLength: 4 })
      .map((bs) => bs.map((b, i) => (i === 0 ? { ...b, ready: true } : b))),
    detector: fc.constantFrom<LocalDetector>('CLUSTER_CIDR', 'CLUSTER_CIDR', 'NODE_CIDR', 'NONE'),
    ipMode: fc.constantFrom('VIP' as const, 'VIP' as const, 'Proxy' as const),
    passThrough: fc.boolean(),
    dedicated: fc.constantFrom(true, true, false),
  });
}

const NODE_INDEX: Readonly<Record<NodeName, number>> = { server: 0, other: 1, third: 2 };

function backendPods(backends: readonly Backend[]): PodModel[] {
  const hostTaken = new Set<NodeName>();
  return backends.map((b, k) => {
    // A second HostNetwork backend on a node would be the same endpoint: make it a container.
    const hostNetwork = b.hostNetwork && !hostTaken.has(b.node);
    if (hostNetwork) hostTaken.add(b.node);
    const p = pod(`web-${k}`, b.node, `172.16.${NODE_INDEX[b.node]}.${20 + k}`, { app: 'web' }, hostNetwork);
    return { ...p, ready: b.ready };
  });
}

/** A Service over the web pods: NodePort or LoadBalancer, eTP Local or Cluster; `i` keeps its ports and addresses apart. */
function service(spec: TruthSpec, type: 'NodePort' | 'LoadBalancer', etp: TrafficPolicy, i: number): ServiceModel {
  const lb = type === 'LoadBalancer';
  const annotations: Record<string, string> = lb
    ? { 'kubernetes.io/elb.class': spec.dedicated ? 'performance' : 'union' }
    : {};
  if (lb && spec.passThrough) annotations['kubernetes.io/elb.pass-through'] = 'true';
  return webService(
    { type, etp, annotations },
    {
      name: `${type === 'NodePort' ? 'np' : 'lb'}-${etp.toLowerCase()}`,
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30080 + i }],
      clusterIps: [`10.247.0.${10 + i}`],
      loadBalancerIngress: lb
        ? [
            { ip: `192.168.0.${200 + i}`, ipMode: spec.ipMode },
            { ip: `121.36.9.${10 + i}`, ipMode: spec.ipMode },
          ]
        : [],
      healthCheckNodePort: lb && etp === 'Local' ? 32000 + i : null,
    },
  );
}

/**
 * cceCluster()'s nodes and client pods (client-s on server, client-o on other), plus client-t on
 * third, the backends and four Services. With `zones`, topology-aware routing too: server and
 * other in zone-a, third in zone-b, the Services PreferClose and PreferSameNode in turn (hints inferred for the
 * backends' zones and nodes), on a kube-proxy that reads both.
 */
export function truthCluster(spec: TruthSpec, zones = false): ClusterModel {
  const { profile, network, proxy } = spec.setup;
  // v1.30: the first kube-proxy that honours ipMode Proxy by default (LoadBalancerIPMode).
  const base = cceCluster({
    profile: profile === 'KUBERNETES' ? 'CCE' : profile,
    network,
    proxy,
    version: 'v1.30.1-r0',
  });
  const clients = base.pods.filter((p) => p.name.startsWith('client-'));
  const services = [
    service(spec, 'NodePort', 'Local', 0),
    service(spec, 'NodePort', 'Cluster', 1),
    service(spec, 'LoadBalancer', 'Local', 2),
    service(spec, 'LoadBalancer', 'Cluster', 3),
  ];
  const model: ClusterModel = {
    ...base,
    profile,
    name: `truth-${profile.toLowerCase()}`,
    kubeProxy: { ...base.kubeProxy, localDetector: spec.detector },
    pods: [...clients, pod('client-t', 'third', '172.16.2.9'), ...backendPods(spec.backends)],
    services,
  };
  if (!zones) return model;
  return {
    ...model,
    kubernetesVersion: 'v1.34.1',
    nodes: model.nodes.map((n) => ({
      ...n,
      labels: { ...n.labels, 'topology.kubernetes.io/zone': n.name === 'third' ? 'zone-b' : 'zone-a' },
    })),
    // PreferClose (zone hints) and PreferSameNode (node hints too) in turn.
    services: services.map((s, i) => ({ ...s, trafficDistribution: i % 2 === 0 ? 'PreferClose' : 'PreferSameNode' })),
  };
}

// ---- NetworkPolicies over the truth clusters (the policy join, policy/join.ts) ----

const ALL_PODS: LabelSelectorModel = { matchLabels: {}, matchExpressions: [] };
const WEB: LabelSelectorModel = { matchLabels: { app: 'web' }, matchExpressions: [] };
const TCP80: NetworkPolicyPortModel = { protocol: 'TCP', port: 80, endPort: null };
const block = (cidr: string, except: string[] = []): NetworkPolicyPeerModel => ({
  podSelector: null,
  namespaceSelector: null,
  ipBlock: { cidr, except },
});
const policy = (
  name: string,
  podSelector: LabelSelectorModel,
  types: PolicyType[],
  ingress: NetworkPolicyRuleModel[] = [],
  egress: NetworkPolicyRuleModel[] = [],
): NetworkPolicyModel => ({ namespace: 'default', name, podSelector, policyTypes: types, ingress, egress });
const DENY_WEB = policy('deny-web', WEB, ['Ingress']);

/**
 * Policy setups for the property tests: each isolates the web backends or the clients in a way
 * that makes the source address the backend sees (after masquerade, or the load balancer's with
 * ipMode Proxy) or the node exception decide.
 */
export const POLICY_SETS = [
  'deny-web',
  'from-client-pods',
  'from-server-node',
  'from-private-range',
  'client-egress',
  'not-enforced',
] as const;
export type PolicySet = (typeof POLICY_SETS)[number];

export function withPolicies(model: ClusterModel, set: PolicySet): ClusterModel {
  const allow = (...peers: NetworkPolicyPeerModel[]) =>
    policy('allow-web', WEB, ['Ingress'], [{ peers, ports: [TCP80] }]);
  const serverIp = model.nodes[0].internalIps[0];
  const policies: Record<PolicySet, NetworkPolicyModel[]> = {
    'deny-web': [DENY_WEB],
    // Pods without an app label (the clients), in any namespace: never a node or an outside client.
    'from-client-pods': [
      DENY_WEB,
      allow({
        podSelector: { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: [] }] },
        namespaceSelector: ALL_PODS,
        ipBlock: null,
      }),
    ],
    // One node's address: answers differ from node to node (no sharing between nodes).
    'from-server-node': [DENY_WEB, allow(block(`${serverIp}/32`))],
    // The private outside client's range and the client pods' 172.16.0.0/16 but client-s's pod.
    'from-private-range': [DENY_WEB, allow(block('172.31.0.0/16'), block('172.16.0.0/16', ['172.16.0.9/32']))],
    // Every pod isolated for egress: only the web pods' port 80 (after DNAT) may be reached.
    'client-egress': [
      policy(
        'egress',
        ALL_PODS,
        ['Egress'],
        [],
        [{ peers: [{ podSelector: WEB, namespaceSelector: null, ipBlock: null }], ports: [TCP80] }],
      ),
    ],
    'not-enforced': [DENY_WEB],
  };
  return { ...model, networkPolicies: policies[set], networkPolicyEnforced: set !== 'not-enforced' };
}

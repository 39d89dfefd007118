// Deterministic synthetic cluster for benchmarks (engine and API). Same seed, same cluster.
import type {
  ClusterModel,
  LabelSelectorModel,
  NamespaceModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  NetworkPolicyRuleModel,
  NodeModel,
  PodModel,
  ProxyMode,
  ServiceModel,
  ServiceType,
} from '../../src/engine';

export interface GenerateOptions {
  readonly nodes?: number;
  readonly pods?: number;
  readonly services?: number;
  /** Upper bound of endpoints (backing pods) per Service. */
  readonly maxEndpointsPerService?: number;
  readonly seed?: number;
  readonly proxyMode?: ProxyMode;
  /** Share of nodes with a public EIP. */
  readonly eipShare?: number;
  /**
   * Topology-aware routing and session affinity, as real clusters use them: every Service gets
   * trafficDistribution PreferClose (so every ready endpoint is hinted for its node's zone; nodes
   * are in three zones), and every fourth Service sessionAffinity ClientIP. Set by index, so the
   * rest of the cluster is the one the same seed gives without it.
   */
  readonly topology?: boolean;
  /**
   * Namespaces and NetworkPolicies (issue 14), added by withPolicies() to the cluster the same
   * options give without them: true = its defaults (200 namespaces, 2,000 policies).
   */
  readonly policies?: boolean | PolicyOptions;
}

/** mulberry32: small, fast, reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const octets = (i: number): string => `${(i >> 8) & 255}.${i & 255}`;

function makeNodes(count: number, eipShare: number, rand: () => number): NodeModel[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `node-${String(i).padStart(5, '0')}`,
    internalIps: [`172.16.${octets(i + 1)}`],
    externalIp: rand() < eipShare ? `49.${(i >> 8) & 255}.${i & 255}.10` : null,
    podCidrs: [`10.${octets(i)}.0/24`],
    labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` },
  }));
}

function serviceSizes(count: number, max: number, rand: () => number): number[] {
  // Heavy-tailed: most Services have a handful of pods, a few have up to `max`.
  return Array.from({ length: count }, () => 1 + Math.floor((max - 1) * rand() ** 16));
}

function serviceType(rand: () => number): ServiceType {
  const u = rand();
  return u < 0.6 ? 'ClusterIP' : u < 0.85 ? 'NodePort' : 'LoadBalancer';
}

function makeService(i: number, type: ServiceType, rand: () => number): ServiceModel {
  const external = type !== 'ClusterIP';
  const twoPorts = rand() < 0.3;
  const named = rand() < 0.2;
  const ports = [
    {
      name: 'http',
      protocol: 'TCP' as const,
      port: 80,
      targetPort: named ? 'http' : 8080,
      nodePort: external ? 20000 + i * 2 : null,
    },
  ];
  if (twoPorts)
    ports.push({
      name: 'https',
      protocol: 'TCP' as const,
      port: 443,
      targetPort: 8443,
      nodePort: external ? 20001 + i * 2 : null,
    });
  return {
    namespace: `ns-${i % 50}`,
    name: `svc-${i}`,
    type,
    selector: { app: `app-${i}` },
    ports,
    clusterIps: [`172.20.${octets(i)}`],
    externalIps: [],
    loadBalancerIngress:
      type === 'LoadBalancer' ? [{ ip: `8.${octets(i)}.1`, ipMode: rand() < 0.1 ? 'Proxy' : 'VIP' }] : [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: external && rand() < 0.3 ? 'Local' : 'Cluster',
    internalTrafficPolicy: rand() < 0.05 ? 'Local' : 'Cluster',
    healthCheckNodePort: null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: {},
  };
}

function makePods(
  services: readonly ServiceModel[],
  sizes: readonly number[],
  nodes: readonly NodeModel[],
  total: number,
  rand: () => number,
): PodModel[] {
  const pods: PodModel[] = [];
  const perNode = new Array<number>(nodes.length).fill(0);
  for (let s = 0; s < services.length && pods.length < total; s++) {
    for (let k = 0; k < sizes[s] && pods.length < total; k++) {
      const n = Math.floor(rand() * nodes.length);
      const host = (perNode[n]++ % 250) + 2;
      const terminating = rand() < 0.02;
      pods.push({
        namespace: services[s].namespace,
        name: `svc-${s}-pod-${k}`,
        labels: { app: `app-${s}` },
        nodeName: nodes[n].name,
        ips: [`10.${octets(n)}.${host}`],
        hostNetwork: false,
        phase: 'Running',
        ready: rand() < 0.95,
        terminating,
        containerPorts: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'https', containerPort: 8443, protocol: 'TCP' },
        ],
      });
    }
  }
  return pods;
}

export function generateCluster(opts: GenerateOptions = {}): ClusterModel {
  const rand = rng(opts.seed ?? 42);
  const nodes = makeNodes(opts.nodes ?? 5000, opts.eipShare ?? 1, rand);
  const serviceCount = opts.services ?? 10000;
  const services = Array.from({ length: serviceCount }, (_, i) => makeService(i, serviceType(rand), rand));
  const sizes = serviceSizes(serviceCount, opts.maxEndpointsPerService ?? 250, rand);
  const pods = makePods(services, sizes, nodes, opts.pods ?? 150000, rand);
  if (opts.topology === true) {
    services.forEach((svc, i) => {
      services[i] =
        i % 4 === 0
          ? {
              ...svc,
              trafficDistribution: 'PreferClose',
              sessionAffinity: 'ClientIP',
              sessionAffinityTimeoutSeconds: 10800,
            }
          : { ...svc, trafficDistribution: 'PreferClose' };
    });
  }
  const model: ClusterModel = {
    name: 'generated',
    profile: 'KUBERNETES',
    kubernetesVersion: '1.31',
    networkModel: 'VPC',
    proxyMode: opts.proxyMode ?? 'IPTABLES',
    clusterCidrs: ['10.0.0.0/8'],
    serviceCidrs: ['172.20.0.0/16'],
    nodePortRange: { min: 20000, max: 59999 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes,
    pods,
    services,
    endpointSlices: [],
  };
  if (opts.policies === undefined || opts.policies === false) return model;
  return withPolicies(model, {
    seed: (opts.seed ?? 42) + POLICY_SEED_OFFSET,
    ...(opts.policies === true ? {} : opts.policies),
  });
}

// ---------------------------------------------------------------------------------------------
// Namespaces and NetworkPolicies (issue 14). A separate pass over a generated cluster, with its own
// random stream, so the cluster without policies stays exactly what the same seed gives (the
// golden record and the benchmark's numbers depend on it).

export interface PolicyOptions {
  /**
   * Namespaces the Services, with their pods, are spread over: Service i (the i-th of
   * model.services) and the pods it selects go to ns-(i mod namespaces). The generator puts
   * Service i in ns-(i mod 50), so with a multiple of 50 each new namespace is a part of an old one
   * (and ns-0..ns-49 keep their names); nothing else about a pod or a Service changes, except that
   * pods get a `tier` label their Services do not select on. Default 200.
   */
  readonly namespaces?: number;
  /** NetworkPolicies in all. Default 2,000. */
  readonly policies?: number;
  /** Seed of the policy pass's own random stream. */
  readonly seed?: number;
}

const POLICY_SEED_OFFSET = 0x5eed;
const TIERS = ['frontend', 'backend', 'data'] as const;
const ENVS = ['prod', 'staging', 'dev'] as const;
const TEAMS = 25;
const NAME_LABEL = 'kubernetes.io/metadata.name';
/** The address the engine benchmark's external clients use (198.51.100.7) is in here. */
const EXTERNAL_CLIENTS = '198.51.100.0/24';
/** Every node's internal IP (172.16.0.1 up) is in here. */
const NODE_RANGE = '172.16.0.0/16';

const nsName = (k: number): string => `ns-${k}`;
const teamOf = (k: number): string => `team-${k % TEAMS}`;
const envOf = (k: number): string => ENVS[k % ENVS.length];
const tierOf = (serviceIndex: number): string => TIERS[serviceIndex % TIERS.length];

const selector = (
  matchLabels: Record<string, string> = {},
  matchExpressions: LabelSelectorModel['matchExpressions'] = [],
): LabelSelectorModel => ({ matchLabels, matchExpressions });
const pods = (
  podSelector: LabelSelectorModel | null,
  namespaceSelector: LabelSelectorModel | null = null,
): NetworkPolicyPeerModel => ({ podSelector, namespaceSelector, ipBlock: null });
const ipBlock = (cidr: string, except: readonly string[] = []): NetworkPolicyPeerModel => ({
  podSelector: null,
  namespaceSelector: null,
  ipBlock: { cidr, except },
});
const tcp = (port: number | string | null, endPort: number | null = null): NetworkPolicyPortModel => ({
  protocol: 'TCP',
  port,
  endPort,
});
const rule = (
  peers: readonly NetworkPolicyPeerModel[],
  ports: readonly NetworkPolicyPortModel[],
): NetworkPolicyRuleModel => ({ peers, ports });

/**
 * The cluster spread over `namespaces` labelled namespaces (team, env), with `policies`
 * NetworkPolicies, in this order until the count is reached:
 *  - per namespace, default-deny (podSelector {}): Ingress; Ingress and Egress in every fourth;
 *  - in those egress-deny namespaces, allow-dns (egress to kube-dns in kube-system, UDP/TCP 53) and
 *    allow-egress (to the namespaces of the same team on 8080, https, 8000-8999; to the Service
 *    CIDR; to everything outside private ranges, ipBlock with except, on 80/443);
 *  - in every other namespace, allow-same-namespace (ingress from every pod of the namespace);
 *  - the rest, round-robin over the namespaces: allow-lists for a Service's backends (podSelector
 *    on its app label), from client pods by label (app In [...] in the namespace; tier frontend in
 *    a team's namespaces; every pod of prod/staging namespaces; matchExpressions NotIn/Exists), on
 *    numeric ports (8080), named ones (http, https: the pods' container port names) or a range
 *    (8000-8999, endPort); about a third with an ipBlock rule too, either the nodes' range with a
 *    /24 excepted or external ranges (0.0.0.0/0 except private ranges, the benchmark's external
 *    clients, the nodes' EIP range except a /16).
 */
export function withPolicies(model: ClusterModel, opts: PolicyOptions = {}): ClusterModel {
  const rand = rng(opts.seed ?? 42 + POLICY_SEED_OFFSET);
  const count = opts.namespaces ?? 200;
  const total = opts.policies ?? 2000;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

  // Service i -> ns-(i mod count); each pod follows the Service selecting it (same namespace, same app label).
  const serviceAt = new Map<string, number>();
  model.services.forEach((s, i) => {
    if (s.selector?.app !== undefined) serviceAt.set(`${s.namespace}\u0000${s.selector.app}`, i);
  });
  const services = model.services.map((s, i): ServiceModel => ({ ...s, namespace: nsName(i % count) }));
  const podsOut = model.pods.map((p): PodModel => {
    const i = serviceAt.get(`${p.namespace}\u0000${p.labels.app}`);
    return i === undefined ? p : { ...p, namespace: services[i].namespace, labels: { ...p.labels, tier: tierOf(i) } };
  });
  const namespaces: NamespaceModel[] = Array.from({ length: count }, (_, k) => ({
    name: nsName(k),
    labels: { [NAME_LABEL]: nsName(k), team: teamOf(k), env: envOf(k) },
  }));
  const servicesIn: number[][] = Array.from({ length: count }, () => []);
  services.forEach((_, i) => servicesIn[i % count].push(i));
  const appOf = (i: number): string => services[i].selector?.app ?? `app-${i}`;

  const out: NetworkPolicyModel[] = [];
  const add = (p: NetworkPolicyModel): void => {
    if (out.length < total) out.push(p);
  };
  const policy = (
    namespace: string,
    name: string,
    podSelector: LabelSelectorModel,
    ingress: readonly NetworkPolicyRuleModel[] | null,
    egress: readonly NetworkPolicyRuleModel[] | null,
  ): NetworkPolicyModel => ({
    namespace,
    name,
    podSelector,
    policyTypes: [...(ingress !== null ? ['Ingress' as const] : []), ...(egress !== null ? ['Egress' as const] : [])],
    ingress: ingress ?? [],
    egress: egress ?? [],
  });
  const egressDenied = (k: number): boolean => k % 4 === 0;

  for (let k = 0; k < count; k++) add(policy(nsName(k), 'default-deny', selector(), [], egressDenied(k) ? [] : null));
  for (let k = 0; k < count; k++) {
    if (!egressDenied(k)) continue;
    add(
      policy(nsName(k), 'allow-dns', selector(), null, [
        rule(
          [pods(selector({ 'k8s-app': 'kube-dns' }), selector({ [NAME_LABEL]: 'kube-system' }))],
          [{ protocol: 'UDP', port: 53, endPort: null }, tcp(53)],
        ),
      ]),
    );
    add(
      policy(nsName(k), 'allow-egress', selector(), null, [
        rule([pods(null, selector({ team: teamOf(k) }))], [tcp(8080), tcp('https'), tcp(8000, 8999)]),
        rule([ipBlock('172.20.0.0/16')], []),
        rule(
          [ipBlock('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.169.254/32'])],
          [tcp(80), tcp(443)],
        ),
      ]),
    );
  }
  for (let k = 0; k < count; k++)
    if (k % 2 === 1) add(policy(nsName(k), 'allow-same-namespace', selector(), [rule([pods(selector())], [])], null));

  for (let j = 0; out.length < total; j++) {
    const k = j % count;
    const candidates = servicesIn[k].length > 0 ? servicesIn[k] : (servicesIn.find((l) => l.length > 0) ?? []);
    if (candidates.length === 0) break; // a cluster without Services: no allow-lists to write
    const i = pick(candidates);
    const ns = services[i].namespace;
    const home = i % count;
    const app = appOf(i);
    const target = rand() < 0.8 ? selector({ app }) : selector({}, [{ key: 'app', operator: 'In', values: [app] }]);
    const rules: NetworkPolicyRuleModel[] = [];
    const u = rand();
    if (u < 0.35) {
      const clients = [pick(servicesIn[home]), pick(servicesIn[home]), pick(servicesIn[home])].map(appOf);
      rules.push(
        rule(
          [pods(selector({}, [{ key: 'app', operator: 'In', values: [...new Set(clients)].sort() }]))],
          [rand() < 0.5 ? tcp(8080) : tcp('http')],
        ),
      );
    } else if (u < 0.6) {
      rules.push(
        rule(
          [pods(selector({ tier: 'frontend' }), selector({ team: teamOf(Math.floor(rand() * TEAMS)) }))],
          [tcp('http'), tcp('https')],
        ),
      );
    } else if (u < 0.8) {
      rules.push(
        rule(
          [pods(null, selector({}, [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }]))],
          [tcp(8000, 8999)],
        ),
      );
    } else {
      rules.push(
        rule(
          [
            pods(
              selector({}, [
                { key: 'tier', operator: 'NotIn', values: ['data'] },
                { key: 'app', operator: 'Exists', values: [] },
              ]),
              selector({}, [{ key: 'env', operator: 'NotIn', values: ['dev'] }]),
            ),
            pods(selector({ tier: 'backend' })),
          ],
          [tcp('http'), tcp(8443)],
        ),
      );
    }
    const v = rand();
    if (v < 0.15)
      rules.push(
        rule([ipBlock(NODE_RANGE, [`172.16.${Math.floor(rand() * 20)}.0/24`])], rand() < 0.5 ? [] : [tcp(8080)]),
      );
    else if (v < 0.35) {
      rules.push(
        rule(
          [
            ipBlock('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
            ipBlock(EXTERNAL_CLIENTS),
            ipBlock('49.0.0.0/8', [`49.${Math.floor(rand() * 20)}.0.0/16`]),
          ],
          [tcp(null)],
        ),
      );
    }
    add(policy(ns, `allow-${services[i].name}-${j}`, target, rules, null));
  }
  return { ...model, services, pods: podsOut, namespaces, networkPolicies: out, networkPolicyEnforced: true };
}

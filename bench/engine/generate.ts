// Deterministic synthetic cluster for benchmarks (engine and API). Same seed, same cluster.
import type { ClusterModel, NodeModel, PodModel, ProxyMode, ServiceModel, ServiceType } from '../../src/engine';

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
  const ports = [{ name: 'http', protocol: 'TCP' as const, port: 80, targetPort: named ? 'http' : 8080, nodePort: external ? 20000 + i * 2 : null }];
  if (twoPorts) ports.push({ name: 'https', protocol: 'TCP' as const, port: 443, targetPort: 8443, nodePort: external ? 20001 + i * 2 : null });
  return {
    namespace: `ns-${i % 50}`, name: `svc-${i}`, type, selector: { app: `app-${i}` }, ports,
    clusterIps: [`172.20.${octets(i)}`], externalIps: [],
    loadBalancerIngress: type === 'LoadBalancer' ? [{ ip: `8.${octets(i)}.1`, ipMode: rand() < 0.1 ? 'Proxy' : 'VIP' }] : [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: external && rand() < 0.3 ? 'Local' : 'Cluster',
    internalTrafficPolicy: rand() < 0.05 ? 'Local' : 'Cluster',
    healthCheckNodePort: null, publishNotReadyAddresses: false, labels: {}, annotations: {},
  };
}

function makePods(services: readonly ServiceModel[], sizes: readonly number[], nodes: readonly NodeModel[], total: number, rand: () => number): PodModel[] {
  const pods: PodModel[] = [];
  const perNode = new Array<number>(nodes.length).fill(0);
  for (let s = 0; s < services.length && pods.length < total; s++) {
    for (let k = 0; k < sizes[s] && pods.length < total; k++) {
      const n = Math.floor(rand() * nodes.length);
      const host = (perNode[n]++ % 250) + 2;
      const terminating = rand() < 0.02;
      pods.push({
        namespace: services[s].namespace, name: `svc-${s}-pod-${k}`, labels: { app: `app-${s}` }, nodeName: nodes[n].name,
        ips: [`10.${octets(n)}.${host}`], hostNetwork: false, phase: 'Running', ready: rand() < 0.95, terminating,
        containerPorts: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'https', containerPort: 8443, protocol: 'TCP' }],
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
      services[i] = i % 4 === 0
        ? { ...svc, trafficDistribution: 'PreferClose', sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 10800 }
        : { ...svc, trafficDistribution: 'PreferClose' };
    });
  }
  return {
    name: 'generated', profile: 'KUBERNETES', kubernetesVersion: '1.31', networkModel: 'VPC', proxyMode: opts.proxyMode ?? 'IPTABLES',
    clusterCidrs: ['10.0.0.0/8'], serviceCidrs: ['172.20.0.0/16'], nodePortRange: { min: 20000, max: 59999 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes, pods, services, endpointSlices: [],
  };
}

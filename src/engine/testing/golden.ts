// The golden record of the engine: every reachability() and trace() answer of a fixed set of
// generated clusters, as a digest of its JSON. `golden.spec.ts` checks the engine against the
// committed record (`golden-record.json`), so a change proves it alters no answer it did not mean
// to; `npx tsx bench/engine/golden.ts --write` records again after a deliberate change (the
// commit says which answers changed and why).
//
// Clusters: the benchmark's seed-42 cluster (5,000 nodes) and small generated ones, each edited
// to cover what the generator does not set: other proxy modes, local-traffic detectors,
// nodePortAddresses, masqueradeAll, secondary node IPs, dual stack, loadBalancerSourceRanges,
// externalIPs, excluded nodes, HostNetwork pods, the CCE / CCE Turbo profiles, and topology-aware
// routing with session affinity (k8s-topology-zones).
import { createHash } from 'node:crypto';
import {
  compile,
  reachability,
  trace,
  type ClusterModel,
  type CompiledCluster,
  type NodeModel,
  type PodModel,
  type ReachabilityRequest,
  type ServiceModel,
  type TraceRequest,
} from '../index';
import { generateCluster, rng, type GenerateOptions } from '../../../bench/engine/generate';

export interface Variant {
  readonly name: string;
  readonly model: () => ClusterModel;
  readonly reaches: number;
  readonly traces: number;
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const SMALL: GenerateOptions = { nodes: 120, pods: 4000, services: 300, maxEndpointsPerService: 90, eipShare: 0.7 };

/** Service edits the generator never makes: source ranges, externalIPs, health-check ports, CCE annotations. */
function editServices(m: ClusterModel, rand: Rand, cce: boolean): ServiceModel[] {
  return m.services.map((s, i): ServiceModel => {
    let out: ServiceModel = s;
    const u = rand();
    if (s.type === 'LoadBalancer' && u < 0.25)
      out = { ...out, loadBalancerSourceRanges: rand() < 0.5 ? ['198.51.100.0/24'] : ['10.0.0.0/8', '172.16.0.0/16'] };
    if (s.type === 'LoadBalancer' && rand() < 0.3)
      out = {
        ...out,
        loadBalancerIngress: [
          ...out.loadBalancerIngress,
          { ip: `192.168.${i & 255}.200`, ipMode: rand() < 0.2 ? 'Proxy' : 'VIP' },
        ],
      };
    if (s.type === 'LoadBalancer' && out.externalTrafficPolicy === 'Local' && rand() < 0.5)
      out = { ...out, healthCheckNodePort: 60000 + i };
    if (rand() < 0.05)
      out = {
        ...out,
        externalIps: rand() < 0.5 ? [`203.0.113.${i & 255}`] : [m.nodes[i % m.nodes.length].internalIps[0]],
      };
    if (rand() < 0.02) out = { ...out, clusterIps: [] };
    if (rand() < 0.02) out = { ...out, labels: { 'service.kubernetes.io/service-proxy-name': 'other' } };
    if (rand() < 0.03) out = { ...out, publishNotReadyAddresses: true };
    if (cce && out.type === 'LoadBalancer') {
      const cls = rand();
      const annotations: Record<string, string> = {};
      if (cls < 0.4) annotations['kubernetes.io/elb.class'] = 'performance';
      else if (cls < 0.7) annotations['kubernetes.io/elb.class'] = 'union';
      if (rand() < 0.3)
        annotations['kubernetes.io/elb.pass-through'] = out.externalTrafficPolicy === 'Local' ? 'onlyLocal' : 'true';
      if (rand() < 0.2) annotations['kubernetes.io/elb.id'] = `elb-${i % 7}`;
      out = { ...out, annotations };
    }
    return out;
  });
}

function editNodes(m: ClusterModel, rand: Rand, o: { secondary?: boolean; v6?: boolean }): NodeModel[] {
  return m.nodes.map((n, i): NodeModel => {
    let out: NodeModel = n;
    if (rand() < 0.05)
      out = { ...out, labels: { ...out.labels, 'node.kubernetes.io/exclude-from-external-load-balancers': '' } };
    if (o.secondary === true && rand() < 0.4)
      out = { ...out, internalIps: [...out.internalIps, `172.30.${(i >> 8) & 255}.${i & 255}`] };
    if (o.v6 === true)
      out = {
        ...out,
        internalIps: [...out.internalIps, `fd00::${(i + 1).toString(16)}`],
        podCidrs: [...out.podCidrs, `fd10:${i.toString(16)}::/64`],
      };
    return out;
  });
}

function editPods(
  m: ClusterModel,
  rand: Rand,
  nodes: readonly NodeModel[],
  o: { hostNetwork?: number; v6?: boolean },
): PodModel[] {
  const nodeIndex = new Map(nodes.map((n, i) => [n.name, i]));
  return m.pods.map((p, k): PodModel => {
    let out: PodModel = p;
    const n = p.nodeName === null ? -1 : (nodeIndex.get(p.nodeName) ?? -1);
    if (n >= 0 && rand() < (o.hostNetwork ?? 0)) out = { ...out, hostNetwork: true, ips: [nodes[n].internalIps[0]] };
    else if (o.v6 === true && n >= 0)
      out = { ...out, ips: [...out.ips, `fd10:${n.toString(16)}::${(k + 2).toString(16)}`] };
    if (rand() < 0.01) out = { ...out, phase: 'Pending' };
    return out;
  });
}

function variantModel(
  seed: number,
  edits: (m: ClusterModel, rand: Rand) => ClusterModel,
  gen: GenerateOptions = SMALL,
): () => ClusterModel {
  return () => edits(generateCluster({ ...gen, seed }), rng(seed * 7919));
}

export const VARIANTS: readonly Variant[] = [
  // The 5,000-node cluster's largest NodePort answers are tens of MB each: 40 of them keep the
  // check under a minute.
  { name: 'big-seed42', model: () => generateCluster({ seed: 42 }), reaches: 40, traces: 3000 },
  {
    name: 'k8s-iptables-edits',
    reaches: 1200,
    traces: 2000,
    model: variantModel(1, (m, rand) => {
      const nodes = editNodes(m, rand, { secondary: true });
      return {
        ...m,
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.02 }),
        services: editServices(m, rand, false),
      };
    }),
  },
  {
    name: 'k8s-ipvs-nodecidr-npaddr',
    reaches: 1000,
    traces: 2000,
    model: variantModel(2, (m, rand) => {
      const nodes = editNodes(m, rand, { secondary: true });
      return {
        ...m,
        proxyMode: 'IPVS',
        kubeProxy: { ...m.kubeProxy, localDetector: 'NODE_CIDR', nodePortAddresses: ['172.16.0.0/26'] },
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.02 }),
        services: editServices(m, rand, false),
      };
    }),
  },
  {
    name: 'k8s-iptables-nodecidr',
    reaches: 1000,
    traces: 1500,
    model: variantModel(3, (m, rand) => {
      const nodes = editNodes(m, rand, {});
      return {
        ...m,
        kubeProxy: { ...m.kubeProxy, localDetector: 'NODE_CIDR' },
        nodes,
        pods: editPods(m, rand, nodes, {}),
        services: editServices(m, rand, false),
      };
    }),
  },
  {
    name: 'k8s-nftables-none-primary-masqall',
    reaches: 1000,
    traces: 1500,
    model: variantModel(4, (m, rand) => {
      const nodes = editNodes(m, rand, { secondary: true });
      return {
        ...m,
        proxyMode: 'NFTABLES',
        kubeProxy: {
          masqueradeAll: true,
          localDetector: 'NONE',
          nodePortAddresses: ['primary'],
          localhostNodePorts: false,
        },
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.02 }),
        services: editServices(m, rand, false),
      };
    }),
  },
  {
    name: 'k8s-nftables-clustercidr-bignodes',
    reaches: 1000,
    traces: 1000,
    model: variantModel(
      10,
      (m, rand) => {
        const nodes = editNodes(m, rand, { secondary: true });
        return {
          ...m,
          proxyMode: 'NFTABLES',
          nodes,
          pods: editPods(m, rand, nodes, { hostNetwork: 0.02 }),
          services: editServices(m, rand, false),
        };
      },
      { nodes: 300, pods: 9000, services: 200, maxEndpointsPerService: 200, eipShare: 0.8 },
    ),
  },
  {
    name: 'k8s-dualstack',
    reaches: 1000,
    traces: 1500,
    model: variantModel(5, (m, rand) => {
      const nodes = editNodes(m, rand, { v6: true });
      const services = editServices(m, rand, false).map((s, i): ServiceModel =>
        rand() < 0.5 && s.clusterIps.length > 0
          ? {
              ...s,
              clusterIps: [...s.clusterIps, `fd20::${(i + 1).toString(16)}`],
              loadBalancerIngress:
                s.type === 'LoadBalancer'
                  ? [...s.loadBalancerIngress, { ip: `2001:db8:5::${(i + 1).toString(16)}`, ipMode: 'VIP' }]
                  : s.loadBalancerIngress,
            }
          : s,
      );
      return {
        ...m,
        clusterCidrs: [...m.clusterCidrs, 'fd10::/16'],
        serviceCidrs: [...m.serviceCidrs, 'fd20::/108'],
        kubeProxy: { ...m.kubeProxy, localDetector: 'NODE_CIDR' },
        nodes,
        pods: editPods(m, rand, nodes, { v6: true }),
        services,
      };
    }),
  },
  {
    // Topology-aware routing: every Service PreferClose (hints inferred for each ready endpoint's
    // zone, nodes in three zones; PreferClose writes no node hints), on kube-proxy v1.34; a quarter of the
    // Services with session affinity.
    name: 'k8s-topology-zones',
    reaches: 1000,
    traces: 1500,
    model: variantModel(
      11,
      (m, rand) => {
        const nodes = editNodes(m, rand, { secondary: true });
        return {
          ...m,
          kubernetesVersion: 'v1.34.1',
          nodes,
          pods: editPods(m, rand, nodes, { hostNetwork: 0.02 }),
          services: editServices(m, rand, false),
        };
      },
      { ...SMALL, topology: true },
    ),
  },
  {
    name: 'cce-vpc-iptables',
    reaches: 1000,
    traces: 1500,
    model: variantModel(6, (m, rand) => {
      const nodes = editNodes(m, rand, {});
      return {
        ...m,
        profile: 'CCE',
        networkModel: 'VPC',
        kubernetesVersion: 'v1.28.3-r0',
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.03 }),
        services: editServices(m, rand, true),
      };
    }),
  },
  {
    name: 'cce-tunnel-ipvs-v115',
    reaches: 800,
    traces: 1500,
    model: variantModel(7, (m, rand) => {
      const nodes = editNodes(m, rand, {});
      return {
        ...m,
        profile: 'CCE',
        networkModel: 'TUNNEL',
        proxyMode: 'IPVS',
        kubernetesVersion: 'v1.15.11-r0',
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.03 }),
        services: editServices(m, rand, true),
      };
    }),
  },
  {
    name: 'cce-tunnel-iptables-nodecidr',
    reaches: 800,
    traces: 1500,
    model: variantModel(8, (m, rand) => {
      const nodes = editNodes(m, rand, {});
      return {
        ...m,
        profile: 'CCE',
        networkModel: 'TUNNEL',
        kubeProxy: { ...m.kubeProxy, localDetector: 'NODE_CIDR' },
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.03 }),
        services: editServices(m, rand, true),
      };
    }),
  },
  {
    name: 'cce-turbo',
    reaches: 800,
    traces: 1500,
    model: variantModel(9, (m, rand) => {
      const nodes = editNodes(m, rand, {});
      return {
        ...m,
        profile: 'CCE_TURBO',
        networkModel: 'CLOUD_NATIVE_2',
        nodes,
        pods: editPods(m, rand, nodes, { hostNetwork: 0.3 }),
        services: editServices(m, rand, true),
      };
    }),
  },
];

/** The compiled pods as an array (CompiledCluster.pods is a lookup), made once per cluster. */
const POD_ARRAYS = new WeakMap<CompiledCluster, readonly CompiledPodOf[]>();
type CompiledPodOf = ReturnType<CompiledCluster['pods']['get']>;

function podsOf(cc: CompiledCluster): readonly CompiledPodOf[] {
  let pods = POD_ARRAYS.get(cc);
  if (pods === undefined) POD_ARRAYS.set(cc, (pods = Array.from({ length: cc.pods.length }, (_, i) => cc.pods.get(i))));
  return pods;
}

/** A pod on the Service's endpoints (hairpin, same-node cases), or any pod. */
function clientPod(cc: CompiledCluster, rand: Rand, svcIndex: number): string {
  const svc = cc.services[svcIndex];
  const sp = svc.ports.length > 0 ? cc.servicePorts[svc.ports[0]] : undefined;
  const u = rand();
  if (sp !== undefined && sp.endpoints.length > 0 && u < 0.25) {
    const ep = pick(rand, sp.endpoints);
    if (
      ep.podKey !== null &&
      cc.podByKey.has(ep.podKey) &&
      cc.pods.get(cc.podByKey.get(ep.podKey) as number).nodeIndex >= 0
    )
      return ep.podKey;
  }
  if (sp !== undefined && sp.endpoints.length > 0 && u < 0.5) {
    // A pod on a node hosting an endpoint.
    const node = pick(rand, sp.endpoints).nodeIndex;
    const onNode = podsOf(cc).filter((p) => p.nodeIndex === node && p.nodeIndex >= 0);
    if (onNode.length > 0) return pick(rand, onNode).key;
  }
  for (;;) {
    const p = pick(rand, podsOf(cc));
    if (p.nodeIndex >= 0) return p.key;
  }
}

export function reachInputs(cc: CompiledCluster, count: number, rand: Rand): ReachabilityRequest[] {
  const out: ReachabilityRequest[] = [];
  const external = cc.services.filter((s) => s.model.type !== 'ClusterIP');
  // The largest external Services first: the slow shapes (many endpoint-hosting nodes).
  const largest = [...external]
    .sort((a, b) => {
      const size = (s: typeof a): number => (s.ports.length === 0 ? 0 : cc.servicePorts[s.ports[0]].endpoints.length);
      return size(b) - size(a) || a.index - b.index;
    })
    .slice(0, Math.ceil(count / 10));
  for (let i = 0; out.length < count; i++) {
    const svc =
      i < largest.length * 4 ? largest[i >> 2] : rand() < 0.8 ? pick(rand, external) : pick(rand, cc.services);
    const kind = i < largest.length * 4 ? i & 3 : Math.floor(rand() * 9);
    const anyPod = cc.pods.get(Math.floor(rand() * cc.pods.length));
    const ports = svc.model.ports.map((p) => p.port);
    const u = rand();
    const port = u < 0.15 ? undefined : u < 0.17 ? 9999 : pick(rand, ports);
    let client: ReachabilityRequest['client'];
    switch (kind) {
      case 0:
        client = { external: { network: 'PUBLIC' } };
        break;
      case 1:
        client = { pod: clientPod(cc, rand, svc.index) };
        break;
      case 2:
        client = { external: { network: 'PRIVATE' } };
        break;
      case 3:
        client = { node: pick(rand, cc.nodes).name };
        break;
      case 4:
        client = { external: { network: 'PUBLIC', ip: rand() < 0.5 ? '198.51.100.7' : '203.0.113.9' } };
        break;
      case 5:
        client = {
          external: {
            network: 'PRIVATE',
            ip: rand() < 0.5 ? (anyPod.ips[0] ?? '10.9.9.9') : pick(rand, cc.nodes).internalIps[0],
          },
        };
        break;
      case 6: {
        const sp = svc.ports.length > 0 ? cc.servicePorts[svc.ports[0]] : undefined;
        client = {
          external: {
            network: 'PRIVATE',
            ip: sp !== undefined && sp.endpoints.length > 0 ? pick(rand, sp.endpoints).ip : '192.168.7.7',
          },
        };
        break;
      }
      case 7:
        client = { pod: clientPod(cc, rand, svc.index) };
        break;
      default:
        client = { external: { network: 'PRIVATE', ip: '172.31.9.9' } };
        break;
    }
    out.push(port === undefined ? { client, service: svc.key } : { client, service: svc.key, port });
  }
  // A few errors: their messages are answers too.
  out.push({ client: { pod: 'nope/nope' }, service: cc.services[0].key });
  out.push({ client: { external: { network: 'PRIVATE' } }, service: 'nope/nope' });
  return out;
}

function traceInputs(cc: CompiledCluster, count: number, rand: Rand): TraceRequest[] {
  const out: TraceRequest[] = [];
  const ext = { external: { ip: '198.51.100.7' } };
  while (out.length < count) {
    const sp = pick(rand, cc.servicePorts);
    const pod = pick(rand, podsOf(cc));
    const node = pick(rand, cc.nodes);
    const podSrc = pod.nodeIndex >= 0 ? { pod: pod.key } : { node: node.name };
    const nodePort = sp.nodePort ?? sp.port;
    const u = rand();
    if (u < 0.25) out.push({ source: podSrc, destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol } });
    else if (u < 0.35)
      out.push({
        source: { node: node.name },
        destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol },
      });
    else if (u < 0.5)
      out.push({
        source: ext,
        destination: { ip: pick(rand, node.internalIps), port: nodePort, protocol: sp.protocol },
      });
    else if (u < 0.58)
      out.push({ source: podSrc, destination: { ip: node.internalIps[0], port: nodePort, protocol: sp.protocol } });
    else if (u < 0.63 && node.externalIp !== null)
      out.push({ source: ext, destination: { ip: node.externalIp, port: nodePort, protocol: sp.protocol } });
    else if (u < 0.73 && sp.loadBalancerVips.length > 0)
      out.push({
        source: rand() < 0.5 ? ext : podSrc,
        destination: { ip: sp.loadBalancerVips[0], port: sp.port, protocol: sp.protocol },
        node: node.name,
      });
    else if (u < 0.76 && sp.loadBalancerProxyIps.length > 0)
      out.push({
        source: podSrc,
        destination: { ip: sp.loadBalancerProxyIps[0], port: sp.port, protocol: sp.protocol },
      });
    else if (u < 0.79 && sp.externalIps.length > 0)
      out.push({
        source: ext,
        destination: { ip: sp.externalIps[0], port: sp.port, protocol: sp.protocol },
        node: node.name,
      });
    else if (u < 0.82)
      out.push({
        source: { node: node.name },
        destination: { ip: '127.0.0.1', port: nodePort, protocol: sp.protocol },
      });
    else if (u < 0.85)
      out.push({ source: podSrc, destination: { ip: sp.clusterIp, port: sp.port + 1, protocol: sp.protocol } });
    else if (u < 0.87) out.push({ source: podSrc, destination: { ip: '172.20.255.254', port: 80, protocol: 'TCP' } });
    else if (u < 0.9 && sp.healthCheckNodePort !== null)
      out.push({
        source: ext,
        destination: { ip: node.internalIps[0], port: sp.healthCheckNodePort, protocol: 'TCP' },
      });
    else if (u < 0.93)
      out.push({
        source: { node: node.name, ip: node.internalIps[node.internalIps.length - 1] },
        destination: { ip: node.internalIps[0], port: nodePort, protocol: sp.protocol },
      });
    else if (u < 0.95)
      out.push({ source: ext, destination: { ip: sp.clusterIp, port: sp.port, protocol: sp.protocol } });
    else
      out.push({
        source: podSrc,
        destination: {
          ip: pick(rand, sp.endpoints.length > 0 ? sp.endpoints.map((e) => e.ip) : ['10.1.1.1']),
          port: 8080,
          protocol: sp.protocol,
        },
      });
  }
  out.push({ source: { pod: 'nope/nope' }, destination: { ip: '1.2.3.4', port: 80, protocol: 'TCP' } });
  return out;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * SHA-256 of JSON.stringify(value), fed piece by piece: the same bytes, but a NodePort answer's
 * `results` (up to 10,000 rendered results, tens of MB) never becomes one string.
 */
function jsonSha(value: unknown): string {
  const h = createHash('sha256');
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return h.update(JSON.stringify(value)).digest('hex');
  }
  h.update('{');
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    h.update(`${first ? '' : ','}${JSON.stringify(k)}:`);
    first = false;
    if (!Array.isArray(v)) {
      h.update(JSON.stringify(v));
      continue;
    }
    h.update('[');
    for (let i = 0; i < v.length; i++) h.update(`${i === 0 ? '' : ','}${JSON.stringify(v[i]) ?? 'null'}`);
    h.update(']');
  }
  return h.update('}').digest('hex');
}

function answer(run: () => unknown, verify: boolean): string {
  try {
    const value = run();
    const hash = jsonSha(value);
    if (verify && hash !== sha(JSON.stringify(value)))
      throw new Error('golden.ts: streamed hash differs from JSON.stringify');
    return hash;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('golden.ts')) throw e;
    return sha(`error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

/** Digest length kept per answer (hex): 48 bits, ample to tell a changed answer from the recorded one. */
const DIGEST = 12;

export interface VariantAnswers {
  readonly nodes: number;
  readonly reachInputs: readonly ReachabilityRequest[];
  readonly traceInputs: readonly TraceRequest[];
  readonly reach: readonly string[];
  readonly trace: readonly string[];
}

/** Every answer of one variant, as digests, with the questions asked. */
export function variantAnswers(v: Variant): VariantAnswers {
  const cc = compile(v.model());
  const rand = rng(1234);
  const reaches = reachInputs(cc, v.reaches, rand);
  const traces = traceInputs(cc, v.traces, rand);
  // Every 50th answer is also hashed whole, to keep the streamed hash honest.
  const reach = reaches.map((r, i) => answer(() => reachability(cc, r), i % 50 === 0).slice(0, DIGEST));
  const trace_ = traces.map((r, i) => answer(() => trace(cc, r), i % 50 === 0).slice(0, DIGEST));
  return { nodes: cc.nodes.length, reachInputs: reaches, traceInputs: traces, reach, trace: trace_ };
}

/** The committed record: per variant, the reachability and trace digests in question order. */
export type GoldenRecord = Readonly<
  Record<string, { readonly reach: readonly string[]; readonly trace: readonly string[] }>
>;

/** Where the answers of `got` differ from `want` (index, kind and question), the first `limit` of them. */
export function mismatches(
  got: VariantAnswers,
  want: GoldenRecord[string],
  limit = 10,
): { count: number; shown: string[] } {
  const shown: string[] = [];
  let count = 0;
  const check = (
    kind: 'reachability' | 'trace',
    g: readonly string[],
    w: readonly string[],
    inputs: readonly unknown[],
  ): void => {
    if (g.length !== w.length) {
      count++;
      shown.push(`${kind}: ${g.length} answers, the record has ${w.length}`);
    }
    for (let i = 0; i < Math.min(g.length, w.length); i++) {
      if (g[i] === w[i]) continue;
      count++;
      if (shown.length < limit) shown.push(`${kind} #${i}: ${JSON.stringify(inputs[i])}`);
    }
  };
  check('reachability', got.reach, want.reach, got.reachInputs);
  check('trace', got.trace, want.trace, got.traceInputs);
  return { count, shown };
}

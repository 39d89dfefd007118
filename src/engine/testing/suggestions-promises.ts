// Whether suggestions keep their word (suggestions-keep-word.spec.ts): each suggestion's change is
// applied to the model the way what-if applies it (the API's what-if.ts: the Service or pods
// written again, CCE annotations normalised, CCE write rules held), the cluster compiled from
// scratch, and the same question asked again. The same way of addressing must then answer
// exactly what the suggestion promised (verdict and source-IP fate). USE_CLUSTER_IP changes no
// object: it promises the ClusterIP answer of the same Service port.
import fc from 'fast-check';
import { normaliseCceAnnotations, servicesSharingLoadBalancer } from '../profiles/cce/annotations';
import { checkCceServiceConstraints, selectedPods } from '../profiles/cce/constraints';
import { compile } from '../compile';
import type { CompiledCluster } from '../compiled';
import type { ClusterModel, NetworkPolicyModel, NodeModel, PodModel, ServiceModel } from '../model';
import { policyModelOf } from '../policy/suggest';
import { reachability, type ReachabilityClient } from '../reachability';
import type { AddressResult, ReachabilityResult, Suggestion, Via } from '../results';
import { cceCluster, type CceOptions } from './cce';
import { baseModelOf, baseSpec, type BaseSpec } from './patch-bases';
import { podKey } from './model-writes';
import { clientsOf } from './patch-check';

const PASS_THROUGH = 'kubernetes.io/elb.pass-through';

/** The CCE page's example as the demo seeds it (src/demo/seed.ts): three backends behind a NodePort and a dedicated ELB, both eTP Local. */
export function demoCluster(): ClusterModel {
  const nodes: NodeModel[] = ['node-1', 'node-2', 'node-3'].map((name, i) => ({
    name,
    internalIps: [`192.168.0.${10 + i}`],
    externalIp: `203.0.113.${10 + i}`,
    podCidrs: [`172.16.${i}.0/24`],
    labels: { 'kubernetes.io/hostname': name },
  }));
  const pod = (name: string, nodeName: string, ip: string, app: string): PodModel => ({
    namespace: 'default',
    name,
    labels: { app },
    nodeName,
    ips: [ip],
    hostNetwork: false,
    phase: 'Running',
    ready: true,
    terminating: false,
    containerPorts: app === 'backend' ? [{ name: 'http', containerPort: 80, protocol: 'TCP' }] : [],
  });
  const service = (name: string, edit: Partial<ServiceModel>): ServiceModel => ({
    namespace: 'default',
    name,
    type: 'NodePort',
    selector: { app: 'backend' },
    ports: [],
    clusterIps: [],
    externalIps: [],
    loadBalancerIngress: [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: 'Local',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: {},
    ...edit,
  });
  return {
    name: 'cce-demo',
    profile: 'CCE',
    kubernetesVersion: '1.31',
    networkModel: 'TUNNEL',
    proxyMode: 'IPTABLES',
    clusterCidrs: ['172.16.0.0/16'],
    serviceCidrs: ['10.247.0.0/16'],
    nodePortRange: { min: 30000, max: 32767 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes,
    pods: [
      pod('backend-1', 'node-1', '172.16.0.11', 'backend'),
      pod('backend-2', 'node-1', '172.16.0.12', 'backend'),
      pod('backend-3', 'node-2', '172.16.1.11', 'backend'),
      pod('frontend-1', 'node-3', '172.16.2.11', 'frontend'),
    ],
    services: [
      service('backend-nodeport', {
        ports: [{ name: 'service', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30000 }],
        clusterIps: ['10.247.12.7'],
      }),
      service('backend-elb', {
        type: 'LoadBalancer',
        ports: [{ name: 'service0', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 31234 }],
        clusterIps: ['10.247.40.2'],
        loadBalancerIngress: [
          { ip: '192.168.0.133', ipMode: 'VIP' },
          { ip: '203.0.113.133', ipMode: 'VIP' },
        ],
        healthCheckNodePort: 32100,
        annotations: { 'kubernetes.io/elb.class': 'performance' },
      }),
    ],
    endpointSlices: [],
  };
}

/** One object rewritten by a suggestion's change (what-if's `change.services[]` / `change.pods[]`). */
export interface ServiceEdit {
  readonly service: string;
  readonly set: Partial<ServiceModel>;
}
export interface PodEdit {
  readonly pod: string;
  readonly set: Partial<PodModel>;
}
export interface Change {
  readonly services: readonly ServiceEdit[];
  readonly pods: readonly PodEdit[];
  readonly policies?: readonly NetworkPolicyModel[];
}

/** The client's own address of the family of `via` (the source its packets carry), or null. */
function clientAddress(model: ClusterModel, client: ReachabilityClient, via: Via): string | null {
  const v6 = via.address.includes(':');
  const ofFamily = (ips: readonly string[]) => ips.find((ip) => ip.includes(':') === v6) ?? null;
  if ('pod' in client) return ofFamily(model.pods.find((p) => podKey(p) === client.pod)?.ips ?? []);
  if ('node' in client) return ofFamily(model.nodes.find((n) => n.name === client.node)?.internalIps ?? []);
  return client.external.ip ?? null;
}

const serviceKey = (s: ServiceModel): string => `${s.namespace}/${s.name}`;

/** The pods whose readiness ADD_READY_ENDPOINTS fixes: selected, running with an address, not ready. */
export function notReadyBackends(model: ClusterModel, svc: ServiceModel): PodModel[] {
  return selectedPods(model.pods, svc).filter((p) => p.phase === 'Running' && p.ips.length > 0 && !p.ready);
}

/**
 * The model change a suggestion stands for, as a what-if request would carry it; 'CLUSTER_IP'
 * for USE_CLUSTER_IP (no change: ask the ClusterIP instead).
 */
export function changeFor(
  model: ClusterModel,
  service: string,
  client: ReachabilityClient,
  r: AddressResult,
  s: Suggestion,
): Change | 'CLUSTER_IP' {
  const svc = model.services.find((x) => serviceKey(x) === service);
  if (svc === undefined) throw new Error(`no Service ${service}`);
  const one = (set: Partial<ServiceModel>): Change => ({ services: [{ service, set }], pods: [] });
  switch (s.code) {
    case 'USE_CLUSTER_IP':
      return 'CLUSTER_IP';
    case 'SET_ETP_CLUSTER':
      return one({ externalTrafficPolicy: 'Cluster' });
    case 'SET_ETP_LOCAL':
      return one({ externalTrafficPolicy: 'Local' });
    case 'SET_ITP_CLUSTER':
      return one({ internalTrafficPolicy: 'Cluster' });
    case 'ADD_SOURCE_RANGE': {
      const ip = clientAddress(model, client, r.via);
      if (ip === null)
        throw new Error(`ADD_SOURCE_RANGE offered to a client without an address (${JSON.stringify(client)})`);
      return one({
        loadBalancerSourceRanges: [...svc.loadBalancerSourceRanges, `${ip}/${ip.includes(':') ? 128 : 32}`],
      });
    }
    case 'ADD_NETWORK_POLICY': {
      if (s.networkPolicy === undefined) throw new Error('ADD_NETWORK_POLICY without its policy');
      return { services: [], pods: [], policies: [policyModelOf(s.networkPolicy)] };
    }
    case 'ADD_READY_ENDPOINTS':
      return {
        services: [],
        pods: notReadyBackends(model, svc).map((p) => ({ pod: podKey(p), set: { ready: true } })),
      };
    case 'ENABLE_ELB_PASS_THROUGH': {
      // In IPVS mode every Service on the same load balancer changes with it (the message says so; a write of one alone is refused).
      const together =
        model.proxyMode === 'IPVS' ? servicesSharingLoadBalancer(model.services, svc).map(serviceKey) : [];
      return {
        services: [service, ...together].map((key) => {
          const annotations = model.services.find((x) => serviceKey(x) === key)?.annotations ?? {};
          return { service: key, set: { annotations: { ...annotations, [PASS_THROUGH]: 'true' } } };
        }),
        pods: [],
      };
    }
    default: {
      const unknown: never = s.code;
      throw new Error(`no change for suggestion ${String(unknown)}`);
    }
  }
}

/**
 * The model with `change` applied as what-if applies it: each Service rewritten (a health-check
 * NodePort dropped when the policy leaves Local, CCE annotations normalised), pods rewritten,
 * and the CCE write rules checked on each changed Service. A string: the change is refused.
 */
export function applied(model: ClusterModel, change: Change): ClusterModel | string {
  let services = [...model.services];
  for (const e of change.services) {
    const i = services.findIndex((x) => serviceKey(x) === e.service);
    const next: ServiceModel = { ...services[i], ...e.set };
    services[i] =
      next.type === 'LoadBalancer' && next.externalTrafficPolicy === 'Local'
        ? next
        : { ...next, healthCheckNodePort: null };
  }
  if (model.profile !== 'KUBERNETES')
    services = services.map((x) =>
      change.services.some((e) => e.service === serviceKey(x)) ? normaliseCceAnnotations(x) : x,
    );
  const pods = model.pods.map((p) => {
    const e = change.pods.find((x) => x.pod === podKey(p));
    return e === undefined ? p : { ...p, ...e.set };
  });
  const added = change.policies ?? [];
  const networkPolicies = added.length === 0 ? model.networkPolicies : [...(model.networkPolicies ?? []), ...added];
  const after: ClusterModel = {
    ...model,
    services,
    pods,
    ...(networkPolicies === undefined ? {} : { networkPolicies }),
  };
  for (const e of change.services) {
    const svc = services.find((x) => serviceKey(x) === e.service) as ServiceModel;
    const others = services.filter((x) => x !== svc);
    const violations = checkCceServiceConstraints({ ...after, services: others }, svc);
    if (violations.length > 0) return `refused: ${violations.map((v) => v.ruleId).join(', ')}`;
  }
  return after;
}

/** The way of addressing, as a key: the same address in two answers has the same key. */
export function viaKey(v: Via): string {
  return `${v.kind} ${v.address}:${v.port}/${v.protocol} ${v.network ?? ''} ${v.node ?? ''}`;
}

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/** The ClusterIP answer of the Service port `r` belongs to (same port name, protocol and family). */
export function clusterIpResultOf(answer: ReachabilityResult, r: AddressResult): AddressResult | undefined {
  return answer.results.find(
    (x) =>
      x.via.kind === 'CLUSTER_IP' &&
      x.via.portName === r.via.portName &&
      x.via.protocol === r.via.protocol &&
      familyOf(x.via.address) === familyOf(r.via.address),
  );
}

const RANK = { UNKNOWN: 0, UNREACHABLE: 1, PARTIAL: 2, REACHABLE: 3 } as const;

/** Compiled models with a suggestion's change applied, by change (a string: the change is refused). */
export type Variants = Map<string, CompiledCluster | string>;

/**
 * Whether suggestion `s` of result `r` (of `answer`: `client` asking `service` on `model`) keeps
 * its word: null when applying it answers exactly the promise and improves on `r`, else why not.
 */
export function brokenPromise(
  model: ClusterModel,
  variants: Variants,
  service: string,
  client: ReachabilityClient,
  answer: ReachabilityResult,
  r: AddressResult,
  s: Suggestion,
): string | null {
  const where = `${service} from ${JSON.stringify(client)} at ${viaKey(r.via)} (${r.verdict}, preserved ${String(r.sourceIp.preserved)}): ${s.code} promises ${s.expected.verdict}/${String(s.expected.sourceIpPreserved)}`;
  const after = afterResult(model, variants, service, client, answer, r, s);
  if (typeof after === 'string') return `${where}, but ${after}`;
  if (after.verdict !== s.expected.verdict || after.sourceIp.preserved !== s.expected.sourceIpPreserved) {
    return `${where}, but applying it answers ${after.verdict}/${String(after.sourceIp.preserved)} (${after.sourceIp.reason})`;
  }
  const improves =
    RANK[after.verdict] > RANK[r.verdict] ||
    (after.verdict === r.verdict && after.sourceIp.preserved === true && r.sourceIp.preserved === false);
  return improves ? null : `${where}, which does not improve the answer`;
}

/**
 * Every suggestion that breaks its word on `model` for these clients (all Services), described;
 * empty when all keep it. Also counts the suggestions checked, by code.
 */
export function brokenPromises(
  model: ClusterModel,
  clients: readonly ReachabilityClient[],
  checked?: Map<string, number>,
): string[] {
  const cc = compile(model);
  const variants: Variants = new Map();
  const out: string[] = [];
  for (const svc of model.services) {
    const service = serviceKey(svc);
    for (const client of clients) {
      let answer: ReachabilityResult;
      try {
        answer = reachability(cc, { client, service });
      } catch {
        continue; // a client the cluster cannot place (e.g. an unscheduled pod): no answer, no suggestion
      }
      for (const r of answer.results) {
        for (const s of r.suggestions) {
          checked?.set(s.code, (checked.get(s.code) ?? 0) + 1);
          const broken = brokenPromise(model, variants, service, client, answer, r, s);
          if (broken !== null) out.push(broken);
        }
      }
    }
  }
  return out;
}

/** The answer for r's way of addressing once suggestion s is applied (a string when there is none). */
function afterResult(
  model: ClusterModel,
  variants: Variants,
  service: string,
  client: ReachabilityClient,
  answer: ReachabilityResult,
  r: AddressResult,
  s: Suggestion,
): AddressResult | string {
  const change = changeFor(model, service, client, r, s);
  if (change === 'CLUSTER_IP')
    return clusterIpResultOf(answer, r) ?? 'the answer has no ClusterIP result for that port';
  const key = JSON.stringify(change);
  let variant = variants.get(key);
  if (variant === undefined) {
    const m = applied(model, change);
    variant = typeof m === 'string' ? m : compile(m);
    variants.set(key, variant);
  }
  if (typeof variant === 'string') return `its change is ${variant}`;
  const again = reachability(variant, { client, service });
  return again.results.find((x) => viaKey(x.via) === viaKey(r.via)) ?? 'that address is gone after the change';
}

/**
 * Generated clusters for the property: patch-bases' models (every profile, proxy mode, detector;
 * the CCE clusters with ELBs, pass-through, HostNetwork backends) with Services tweaked so that
 * every suggestion comes up: policies flipped, iTP Local, source ranges, backends not ready, a
 * shared ELB.
 */
export interface SuggestionSpec {
  readonly base: BaseSpec;
  readonly flipEtp: number;
  readonly itpLocal: number;
  readonly sourceRanges: number;
  readonly notReady: number;
  readonly sharedElb: boolean;
  readonly masqueradeAll: boolean;
}

export const suggestionSpec: fc.Arbitrary<SuggestionSpec> = fc.record({
  base: baseSpec,
  flipEtp: fc.nat(20),
  itpLocal: fc.nat(20),
  sourceRanges: fc.nat(20),
  notReady: fc.nat(20),
  sharedElb: fc.boolean(),
  masqueradeAll: fc.boolean(),
});

export function suggestionModelOf(spec: SuggestionSpec): ClusterModel {
  const m = baseModelOf(spec.base);
  const n = m.services.length;
  const services = m.services.map((s, i): ServiceModel => {
    let out = s;
    const external = s.type !== 'ClusterIP';
    if (external && i === spec.flipEtp % n)
      out = { ...out, externalTrafficPolicy: out.externalTrafficPolicy === 'Local' ? 'Cluster' : 'Local' };
    if (i === spec.itpLocal % n) out = { ...out, internalTrafficPolicy: 'Local' };
    if (s.type === 'LoadBalancer' && i === spec.sourceRanges % n)
      out = { ...out, loadBalancerSourceRanges: ['198.51.100.0/24'] };
    if (s.type === 'LoadBalancer' && spec.sharedElb && m.profile !== 'KUBERNETES')
      out = { ...out, annotations: { ...out.annotations, 'kubernetes.io/elb.class': 'union' } };
    return out.type === 'LoadBalancer' && out.externalTrafficPolicy === 'Local'
      ? out
      : { ...out, healthCheckNodePort: null };
  });
  // Every backend of one Service not ready, every other one of them also terminating when notReady is odd.
  const tired = services[spec.notReady % n];
  const notReady = new Map(
    selectedPods(m.pods, tired).map((p, i) => [podKey(p), spec.notReady % 2 === 1 && i % 2 === 1]),
  );
  const pods = m.pods.map((p) => {
    const terminating = notReady.get(podKey(p));
    return terminating === undefined ? p : { ...p, ready: false, terminating: terminating || p.terminating };
  });
  return {
    ...m,
    services,
    pods,
    kubeProxy: { ...m.kubeProxy, masqueradeAll: spec.masqueradeAll && spec.flipEtp % 3 === 0 },
  };
}

/** The clients asked on a generated model: patch-check's (pods, nodes, outside clients with and without an address) plus one inside the source ranges. */
export function suggestionClientsOf(m: ClusterModel): ReachabilityClient[] {
  return [
    ...clientsOf(m),
    { external: { network: 'PUBLIC', ip: '198.51.100.77' } },
    { external: { network: 'PUBLIC', ip: '203.0.113.99' } },
  ];
}

/** The CCE clusters of cce.ts in each option that brings a remedy up. */
export const CCE_CASES: readonly CceOptions[] = [
  {},
  { multiPod: true },
  { type: 'LoadBalancer' },
  { type: 'LoadBalancer', annotations: { 'kubernetes.io/elb.class': 'union' } },
  { type: 'LoadBalancer', multiPod: true, proxy: 'IPVS' },
  { network: 'VPC', proxy: 'IPVS' },
  { profile: 'CCE_TURBO' },
  { profile: 'CCE_TURBO', hostNetworkBackends: true },
  { etp: 'Cluster' },
  { etp: 'Cluster', type: 'LoadBalancer' },
];

export { cceCluster };

// The Service side of compile(): each Service's ports (one per ClusterIP family and port) and
// the frontend tables over them. patchCompiled() reuses these to rebuild only what a write touches.
import type {
  TopologyPolicy,
  CompiledEndpoint,
  CompiledService,
  CompiledServicePort,
  FrontendRef,
  IgnoredReason,
  LoadBalancerTargetFact,
  NodePortRef,
  ProxyIngressRef,
} from './compiled';
import { frontendKey, nodePortKey } from './compiled';
import { categorizeEndpoints, deriveEndpoints, type EndpointSources } from './endpoints';
import { canonicalIp, CidrSet, ipFamilyOf, parseCidr, type IpFamily } from './ip';
import { minorVersion, topologyPolicy } from './topology';
import type { ServiceModel, ServicePortModel } from './model';
import type { SessionAffinityInfo } from './results';
import {
  externallyAccessible,
  externalPolicyLocal,
  ignoredByLabel,
  internalPolicyLocal,
  isHeadless,
} from './predicates';

/** Canonical forms of the valid addresses, each once, in order. */
export function canonicalList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const c = canonicalIp(v);
    if (c !== null && !out.includes(c)) out.push(c);
  }
  return out;
}

/** Endpoint order of every Service port: by address, then port (stable: ties keep derivation order). */
export function compareEndpoints(a: { ip: string; port: number }, b: { ip: string; port: number }): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port;
}

/** What every port of a Service shares, worked out once per Service. */
interface ServiceFacts {
  readonly externalIps: readonly string[];
  readonly ingress: readonly { readonly ip: string | null; readonly ipMode: 'VIP' | 'Proxy' }[];
  /** loadBalancerSourceRanges of each family; null for a family with none (kube-proxy then installs no firewall for it). */
  readonly ranges: { readonly 4: CidrSet | null; readonly 6: CidrSet | null };
  readonly sessionAffinity: SessionAffinityInfo;
  readonly cloudRanges: CidrSet | null;
  /** Ingress IPs whose ipMode Proxy this kube-proxy does not honour (before v1.30): they get the VIP rules. */
  readonly ipModeIgnored: readonly string[];
  /** The family of the first ClusterIP: load balancers known only by hostname are answered on its ports. */
  readonly primaryFamily: IpFamily | null;
}

/**
 * Whether kube-proxy honours status.loadBalancer.ingress[].ipMode: the LoadBalancerIPMode feature
 * gate is alpha (off) in v1.29 and on by default from v1.30 (pkg/features/kube_features.go);
 * before, every ingress IP gets the VIP rules. An unreadable version is taken as current.
 */
export function ipModeHonoured(version: string): boolean {
  return (minorVersion(version) ?? Number.MAX_SAFE_INTEGER) >= 30;
}

function serviceFacts(svc: ServiceModel, version: string): ServiceFacts {
  const honoured = ipModeHonoured(version);
  return {
    externalIps: canonicalList(svc.externalIps),
    ingress: svc.loadBalancerIngress.map((i) => ({ ip: canonicalIp(i.ip), ipMode: honoured ? i.ipMode : 'VIP' })),
    ranges: { 4: rangesOf(svc, 4), 6: rangesOf(svc, 6) },
    sessionAffinity: sessionAffinityOf(svc),
    cloudRanges: cloudRangesOf(svc),
    ipModeIgnored: honoured
      ? []
      : canonicalList(svc.loadBalancerIngress.filter((i) => i.ipMode === 'Proxy').map((i) => i.ip)),
    primaryFamily:
      svc.clusterIps.length > 0 && canonicalIp(svc.clusterIps[0]) !== null
        ? ipFamilyOf(canonicalIp(svc.clusterIps[0]) as string)
        : null,
  };
}

export const CLOUD_SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
export const AWS_TARGET_TYPE_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type';

/**
 * The cloud load balancer's allowlist: the annotation, read by cloud providers (k8s.io/cloud-provider
 * service helpers GetLoadBalancerSourceRanges) only when spec.loadBalancerSourceRanges is empty, and
 * never by kube-proxy. Entries that are not CIDRs are left out; none left: null.
 */
function cloudRangesOf(svc: ServiceModel): CidrSet | null {
  const text = svc.annotations[CLOUD_SOURCE_RANGES_ANNOTATION];
  if (svc.type !== 'LoadBalancer' || svc.loadBalancerSourceRanges.length > 0 || text === undefined) return null;
  const cidrs = text
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && parseCidr(c) !== null);
  return cidrs.length > 0 ? new CidrSet(cidrs) : null;
}

/** Where the load balancer delivers: the Service's own field, else the AWS controller's target-type annotation, else nodes when there is a NodePort. */
function loadBalancerTargetOf(svc: ServiceModel, nodePort: number | null): LoadBalancerTargetFact {
  if (svc.loadBalancerTarget != null) return { target: svc.loadBalancerTarget, from: 'SPEC' };
  const aws = svc.annotations[AWS_TARGET_TYPE_ANNOTATION];
  if (aws === 'ip') return { target: 'PODS', from: 'ANNOTATION' };
  if (aws === 'instance') return { target: 'NODES', from: 'ANNOTATION' };
  return nodePort !== null ? { target: 'NODES', from: 'NODE_PORT' } : { target: null, from: null };
}

/**
 * A Service's loadBalancerSourceRanges of one IP family, as kube-proxy keeps them per family
 * (pkg/proxy/serviceport.go: MapCIDRsByIPFamily): a family with none gets no firewall.
 */
function rangesOf(svc: ServiceModel, family: IpFamily): CidrSet | null {
  const of = svc.loadBalancerSourceRanges.filter((c) => ipFamilyOf(c.split('/')[0]) === family);
  return of.length > 0 ? new CidrSet(of) : null;
}

const NO_AFFINITY: SessionAffinityInfo = Object.freeze({ type: 'None', timeoutSeconds: null });

/** spec.sessionAffinity with the timeout kube-apiserver defaults (DefaultClientIPServiceAffinitySeconds). */
export function sessionAffinityOf(svc: ServiceModel): SessionAffinityInfo {
  if (svc.sessionAffinity !== 'ClientIP') return NO_AFFINITY;
  return { type: 'ClientIP', timeoutSeconds: svc.sessionAffinityTimeoutSeconds ?? 10800 };
}

/** One (ClusterIP family, port) of a Service: a CompiledServicePort each, laid out family by family. */
export interface PortSlot {
  readonly clusterIp: string;
  readonly family: IpFamily;
  readonly port: ServicePortModel;
}

export function portSlots(svc: ServiceModel): PortSlot[] {
  const out: PortSlot[] = [];
  const seenFamilies = new Set<IpFamily>();
  for (const clusterIp of canonicalList(svc.clusterIps)) {
    const family = ipFamilyOf(clusterIp);
    if (seenFamilies.has(family)) continue;
    seenFamilies.add(family);
    for (const port of svc.ports) out.push({ clusterIp, family, port });
  }
  return out;
}

/** A slot's endpoints, in the order every Service port keeps them. */
export function slotEndpoints(
  src: EndpointSources,
  svc: ServiceModel,
  key: string,
  slot: PortSlot,
): CompiledEndpoint[] {
  return deriveEndpoints(src, svc, key, slot.port, slot.family).sort(compareEndpoints);
}

/** The Service port of `slot`, at `index` of servicePorts, with these endpoints. */
function compileServicePort(
  svc: ServiceModel,
  key: string,
  serviceIndex: number,
  index: number,
  slot: PortSlot,
  facts: ServiceFacts,
  endpoints: readonly CompiledEndpoint[],
  policy: TopologyPolicy | null,
): CompiledServicePort {
  const { family, port } = slot;
  const ofFamily = (ip: string | null): ip is string => ip !== null && ipFamilyOf(ip) === family;
  const base = {
    nodePort: svc.type === 'ClusterIP' ? null : port.nodePort,
    externalIps: facts.externalIps.filter(ofFamily),
    loadBalancerVips:
      svc.type === 'LoadBalancer'
        ? facts.ingress
            .filter((i) => i.ipMode === 'VIP')
            .map((i) => i.ip)
            .filter(ofFamily)
        : [],
  };
  return {
    index,
    serviceIndex,
    serviceKey: key,
    portName: port.name,
    protocol: port.protocol,
    port: port.port,
    family,
    clusterIp: slot.clusterIp,
    ...base,
    loadBalancerProxyIps:
      svc.type === 'LoadBalancer'
        ? facts.ingress
            .filter((i) => i.ipMode === 'Proxy')
            .map((i) => i.ip)
            .filter(ofFamily)
        : [],
    loadBalancerHostnames:
      svc.type === 'LoadBalancer' && family === facts.primaryFamily ? (svc.loadBalancerHostnames ?? []) : [],
    loadBalancerIpModeIgnored: svc.type === 'LoadBalancer' ? facts.ipModeIgnored.filter(ofFamily) : [],
    loadBalancerTarget: loadBalancerTargetOf(svc, base.nodePort),
    sourceRanges: facts.ranges[family],
    cloudSourceRanges: facts.cloudRanges,
    externalPolicyLocal: externalPolicyLocal(svc),
    internalPolicyLocal: internalPolicyLocal(svc),
    sessionAffinity: facts.sessionAffinity,
    externallyAccessible: externallyAccessible(base),
    healthCheckNodePort: svc.type === 'LoadBalancer' && externalPolicyLocal(svc) ? svc.healthCheckNodePort : null,
    endpoints,
    categories: categorizeEndpoints(endpoints, policy),
  };
}

/**
 * The ports of a Service at `serviceIndex`, the first at `firstIndex` of servicePorts.
 * `endpointsOf` gives each slot's endpoints (derived, or reused by a patch); `policy`: the
 * `version`: the cluster's kubernetesVersion (the topology hints its kube-proxy reads, whether it honours ipMode).
 */
export function compileServicePorts(
  svc: ServiceModel,
  key: string,
  serviceIndex: number,
  firstIndex: number,
  endpointsOf: (slot: PortSlot, k: number) => readonly CompiledEndpoint[],
  version: string,
): CompiledServicePort[] {
  const facts = serviceFacts(svc, version);
  const policy = topologyPolicy(version, svc);
  return portSlots(svc).map((slot, k) =>
    compileServicePort(svc, key, serviceIndex, firstIndex + k, slot, facts, endpointsOf(slot, k), policy),
  );
}

/** Append `ports` to `out`; their indices. */
export function appendPorts(out: CompiledServicePort[], ports: readonly CompiledServicePort[]): number[] {
  for (const sp of ports) out.push(sp);
  return ports.map((sp) => sp.index);
}

/** Why kube-proxy ignores a Service, or null when it proxies it. */
export function ignoredReason(svc: ServiceModel): IgnoredReason | null {
  return isHeadless(svc) ? 'HEADLESS' : ignoredByLabel(svc) ? 'PROXY_LABEL' : null;
}

export interface FrontendTables {
  readonly frontends: Map<string, FrontendRef>;
  readonly proxyIngress: Map<string, ProxyIngressRef>;
  readonly proxyIngressIps: Set<string>;
  readonly nodePorts: Map<string, NodePortRef>;
  readonly healthCheckNodePorts: Map<number, number[]>;
  readonly allocatedClusterIps: Set<string>;
  readonly boundServiceIps: Set<string>;
}

function addFrontend(
  t: FrontendTables,
  ip: string,
  sp: CompiledServicePort,
  kind: FrontendRef['kind'],
  warnings: string[],
): void {
  const key = frontendKey(ip, sp.port, sp.protocol);
  const prev = t.frontends.get(key);
  // Services are visited in key order, so the first claim is the deterministic winner.
  if (prev !== undefined) warnings.push(`${key} claimed by several Service ports; ${kind} of ${sp.serviceKey} ignored`);
  else t.frontends.set(key, { servicePort: sp.index, kind });
  t.boundServiceIps.add(ip);
}

function indexServicePort(t: FrontendTables, sp: CompiledServicePort, warnings: string[]): void {
  t.allocatedClusterIps.add(sp.clusterIp);
  addFrontend(t, sp.clusterIp, sp, 'CLUSTER_IP', warnings);
  for (const ip of sp.externalIps) addFrontend(t, ip, sp, 'EXTERNAL_IP', warnings);
  for (const ip of sp.loadBalancerVips) addFrontend(t, ip, sp, 'LOAD_BALANCER', warnings);
  for (const ip of sp.loadBalancerProxyIps) {
    const key = frontendKey(ip, sp.port, sp.protocol);
    if (!t.proxyIngress.has(key)) t.proxyIngress.set(key, { servicePort: sp.index, ipMode: 'Proxy' });
    t.proxyIngressIps.add(ip);
  }
  if (sp.nodePort !== null) {
    const key = nodePortKey(sp.nodePort, sp.protocol);
    const prev = t.nodePorts.get(key) ?? { 4: -1, 6: -1 };
    if (prev[sp.family] >= 0) warnings.push(`NodePort ${key} claimed by several Service ports`);
    else t.nodePorts.set(key, sp.family === 4 ? { 4: sp.index, 6: prev[6] } : { 4: prev[4], 6: sp.index });
  }
  if (sp.healthCheckNodePort !== null) {
    const list = t.healthCheckNodePorts.get(sp.healthCheckNodePort);
    if (list === undefined) t.healthCheckNodePorts.set(sp.healthCheckNodePort, [sp.index]);
    else list.push(sp.index);
  }
}

export function buildFrontends(servicePorts: readonly CompiledServicePort[], warnings: string[]): FrontendTables {
  const t: FrontendTables = {
    frontends: new Map(),
    proxyIngress: new Map(),
    proxyIngressIps: new Set(),
    nodePorts: new Map(),
    healthCheckNodePorts: new Map(),
    allocatedClusterIps: new Set(),
    boundServiceIps: new Set(),
  };
  for (const sp of servicePorts) indexServicePort(t, sp, warnings);
  return t;
}

export function ignoredIps(services: readonly CompiledService[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of services) {
    if (s.ignored === null) continue;
    for (const ip of canonicalList(s.model.clusterIps)) if (!out.has(ip)) out.set(ip, s.index);
  }
  return out;
}

// The Service side of compile(): each Service's ports (one per ClusterIP family and port) and
// the frontend tables over them. patchCompiled() reuses these to rebuild only what a write touches.
import type {
  TopologyPolicy,
  CompiledEndpoint, CompiledService, CompiledServicePort, FrontendRef, IgnoredReason, NodePortRef, ProxyIngressRef,
} from './compiled';
import { frontendKey, nodePortKey } from './compiled';
import { categorizeEndpoints, deriveEndpoints, type EndpointSources } from './endpoints';
import { canonicalIp, CidrSet, ipFamilyOf, type IpFamily } from './ip';
import type { ServiceModel, ServicePortModel } from './model';
import type { SessionAffinityInfo } from './results';
import { externallyAccessible, externalPolicyLocal, ignoredByLabel, internalPolicyLocal, isHeadless } from './predicates';

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
}

function serviceFacts(svc: ServiceModel): ServiceFacts {
  return {
    externalIps: canonicalList(svc.externalIps),
    ingress: svc.loadBalancerIngress.map((i) => ({ ip: canonicalIp(i.ip), ipMode: i.ipMode })),
    ranges: { 4: rangesOf(svc, 4), 6: rangesOf(svc, 6) },
    sessionAffinity: sessionAffinityOf(svc),
  };
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
export function slotEndpoints(src: EndpointSources, svc: ServiceModel, key: string, slot: PortSlot): CompiledEndpoint[] {
  return deriveEndpoints(src, svc, key, slot.port, slot.family).sort(compareEndpoints);
}

/** The Service port of `slot`, at `index` of servicePorts, with these endpoints. */
function compileServicePort(svc: ServiceModel, key: string, serviceIndex: number, index: number, slot: PortSlot, facts: ServiceFacts,
  endpoints: readonly CompiledEndpoint[], policy: TopologyPolicy | null): CompiledServicePort {
  const { family, port } = slot;
  const ofFamily = (ip: string | null): ip is string => ip !== null && ipFamilyOf(ip) === family;
  const base = {
    nodePort: svc.type === 'ClusterIP' ? null : port.nodePort,
    externalIps: facts.externalIps.filter(ofFamily),
    loadBalancerVips: svc.type === 'LoadBalancer' ? facts.ingress.filter((i) => i.ipMode === 'VIP').map((i) => i.ip).filter(ofFamily) : [],
  };
  return {
    index, serviceIndex, serviceKey: key, portName: port.name, protocol: port.protocol, port: port.port,
    family, clusterIp: slot.clusterIp, ...base,
    loadBalancerProxyIps: svc.type === 'LoadBalancer' ? facts.ingress.filter((i) => i.ipMode === 'Proxy').map((i) => i.ip).filter(ofFamily) : [],
    sourceRanges: facts.ranges[family], externalPolicyLocal: externalPolicyLocal(svc), internalPolicyLocal: internalPolicyLocal(svc),
    sessionAffinity: facts.sessionAffinity,
    externallyAccessible: externallyAccessible(base),
    healthCheckNodePort: svc.type === 'LoadBalancer' && externalPolicyLocal(svc) ? svc.healthCheckNodePort : null,
    endpoints, categories: categorizeEndpoints(endpoints, policy),
  };
}

/**
 * The ports of a Service at `serviceIndex`, the first at `firstIndex` of servicePorts.
 * `endpointsOf` gives each slot's endpoints (derived, or reused by a patch); `policy`: the
 * topology hints this cluster's kube-proxy reads for the Service (topology.ts topologyPolicy).
 */
export function compileServicePorts(svc: ServiceModel, key: string, serviceIndex: number, firstIndex: number,
  endpointsOf: (slot: PortSlot, k: number) => readonly CompiledEndpoint[], policy: TopologyPolicy | null): CompiledServicePort[] {
  const facts = serviceFacts(svc);
  return portSlots(svc).map((slot, k) => compileServicePort(svc, key, serviceIndex, firstIndex + k, slot, facts, endpointsOf(slot, k), policy));
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

function addFrontend(t: FrontendTables, ip: string, sp: CompiledServicePort, kind: FrontendRef['kind'], warnings: string[]): void {
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
    frontends: new Map(), proxyIngress: new Map(), proxyIngressIps: new Set(), nodePorts: new Map(), healthCheckNodePorts: new Map(),
    allocatedClusterIps: new Set(), boundServiceIps: new Set(),
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


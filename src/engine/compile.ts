// compile(): ClusterModel -> CompiledCluster. Runs once per topology change; everything the
// hot path needs is indexed here. Input order never matters: conflicts resolve by name.
import type {
  CompiledCluster, CompiledNode, CompiledPod, CompiledService, CompiledServicePort, FrontendRef, IpOwner,
  NodePortRef, ProxyIngressRef,
} from './compiled';
import { frontendKey, nodePortKey } from './compiled';
import { categorizeEndpoints, deriveEndpoints, podCanBackService, SelectorIndex, type EndpointSources } from './endpoints';
import { canonicalIp, CidrSet, ipFamilyOf, parseIp, type IpFamily, type ParsedIp } from './ip';
import type { ClusterModel, EndpointSliceModel, ServiceModel } from './model';
import {
  excludedFromLoadBalancers, externallyAccessible, externalPolicyLocal, ignoredByLabel, internalPolicyLocal, isHeadless,
} from './predicates';

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function canonicalList(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const c = canonicalIp(v);
    if (c !== null && !out.includes(c)) out.push(c);
  }
  return out;
}

/** canonicalList(values), but the input array itself when it is canonical already (no copy per pod). */
function canonicalIps(values: readonly string[]): readonly string[] {
  if (values.length === 1 && canonicalIp(values[0]) === values[0]) return values;
  return canonicalList(values);
}

function compileNodes(model: ClusterModel): CompiledNode[] {
  return [...model.nodes].sort(byName).map((n, index) => {
    const internalIps = canonicalList(n.internalIps);
    const parsedIps = internalIps.map((ip) => parseIp(ip)).filter((ip): ip is ParsedIp => ip !== null);
    const local = new Set<string>([...internalIps, '127.0.0.1', '::1']);
    const eip = n.externalIp === null ? null : parseIp(n.externalIp);
    return {
      index, name: n.name, at: `node/${n.name}`, internalIps, parsedIps,
      primaryIp: { 4: internalIps.find((ip) => ipFamilyOf(ip) === 4) ?? null, 6: internalIps.find((ip) => ipFamilyOf(ip) === 6) ?? null },
      parsedPrimary: { 4: parsedIps.find((ip) => ip.family === 4) ?? null, 6: parsedIps.find((ip) => ip.family === 6) ?? null },
      externalIp: eip === null ? null : eip.text, parsedExternalIp: eip,
      podCidrs: new CidrSet(n.podCidrs),
      localAddresses: local,
      excludedFromLoadBalancers: excludedFromLoadBalancers(n.labels),
    };
  });
}

/** A compiled pod that is also its own IpOwner entry: one object per pod, not two. */
type OwningPod = CompiledPod & { readonly kind: 'POD' };

function compilePods(model: ClusterModel, nodeByName: ReadonlyMap<string, number>): OwningPod[] {
  const pods: OwningPod[] = [];
  for (let index = 0; index < model.pods.length; index++) {
    const p = model.pods[index];
    const nodeIndex = p.nodeName === null ? -1 : nodeByName.get(p.nodeName) ?? -1;
    pods.push({ kind: 'POD', index, key: `${p.namespace}/${p.name}`, namespace: p.namespace, name: p.name, nodeIndex, ips: canonicalIps(p.ips), hostNetwork: p.hostNetwork });
  }
  return pods;
}

function ownerMaps(nodes: readonly CompiledNode[], pods: readonly OwningPod[]) {
  const ipOwner = new Map<string, IpOwner>();
  const eipOwner = new Map<string, number>();
  for (const n of nodes) {
    for (const ip of n.internalIps) if (!ipOwner.has(ip)) ipOwner.set(ip, { kind: 'NODE', index: n.index });
    if (n.externalIp !== null && !eipOwner.has(n.externalIp)) eipOwner.set(n.externalIp, n.index);
  }
  for (const p of pods) {
    if (p.hostNetwork) continue;
    for (const ip of p.ips) {
      const prev = ipOwner.get(ip);
      // Two pods claiming one IP: the smaller key wins, whatever the input order.
      if (prev === undefined || (prev.kind === 'POD' && pods[prev.index].key > p.key)) ipOwner.set(ip, p);
    }
  }
  return { ipOwner, eipOwner };
}

function buildSelectorIndex(model: ClusterModel): SelectorIndex {
  const index = new SelectorIndex();
  for (let i = 0; i < model.pods.length; i++) {
    const p = model.pods[i];
    if (!podCanBackService(p)) continue;
    for (const k of Object.keys(p.labels)) index.add(p.namespace, k, p.labels[k], i);
  }
  return index;
}

function groupSlices(model: ClusterModel): Map<string, EndpointSliceModel[]> {
  const out = new Map<string, EndpointSliceModel[]>();
  for (const s of model.endpointSlices) {
    const key = `${s.namespace}/${s.serviceName}`;
    const list = out.get(key);
    if (list === undefined) out.set(key, [s]);
    else list.push(s);
  }
  for (const list of out.values()) list.sort(byName);
  return out;
}

function compareEndpoints(a: { ip: string; port: number }, b: { ip: string; port: number }): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.port - b.port;
}

function compileServicePorts(svc: ServiceModel, key: string, serviceIndex: number, src: EndpointSources, out: CompiledServicePort[]): number[] {
  const indices: number[] = [];
  const externalIps = canonicalList(svc.externalIps);
  const ingress = svc.loadBalancerIngress.map((i) => ({ ip: canonicalIp(i.ip), ipMode: i.ipMode }));
  const ranges = svc.loadBalancerSourceRanges.length > 0 ? new CidrSet(svc.loadBalancerSourceRanges) : null;
  const seenFamilies = new Set<IpFamily>();
  for (const clusterIp of canonicalList(svc.clusterIps)) {
    const family = ipFamilyOf(clusterIp);
    if (seenFamilies.has(family)) continue;
    seenFamilies.add(family);
    const ofFamily = (ip: string | null): ip is string => ip !== null && ipFamilyOf(ip) === family;
    for (const port of svc.ports) {
      const endpoints = deriveEndpoints(src, svc, key, port, family).sort(compareEndpoints);
      const base = {
        nodePort: svc.type === 'ClusterIP' ? null : port.nodePort,
        externalIps: externalIps.filter(ofFamily),
        loadBalancerVips: svc.type === 'LoadBalancer' ? ingress.filter((i) => i.ipMode === 'VIP').map((i) => i.ip).filter(ofFamily) : [],
      };
      indices.push(out.length);
      out.push({
        index: out.length, serviceIndex, serviceKey: key, portName: port.name, protocol: port.protocol, port: port.port,
        family, clusterIp, ...base,
        loadBalancerProxyIps: svc.type === 'LoadBalancer' ? ingress.filter((i) => i.ipMode === 'Proxy').map((i) => i.ip).filter(ofFamily) : [],
        sourceRanges: ranges, externalPolicyLocal: externalPolicyLocal(svc), internalPolicyLocal: internalPolicyLocal(svc),
        externallyAccessible: externallyAccessible(base),
        healthCheckNodePort: svc.type === 'LoadBalancer' && externalPolicyLocal(svc) ? svc.healthCheckNodePort : null,
        endpoints, categories: categorizeEndpoints(endpoints),
      });
    }
  }
  return indices;
}

function compileServices(model: ClusterModel, src: EndpointSources) {
  const services: CompiledService[] = [];
  const servicePorts: CompiledServicePort[] = [];
  // Keys built once, not twice per comparison.
  const keys = model.services.map((svc) => `${svc.namespace}/${svc.name}`);
  const order = keys.map((_, i) => i).sort((a, b) => byKey(keys[a], keys[b]));
  order.forEach((i, index) => {
    const svc = model.services[i];
    const key = keys[i];
    const ignored = isHeadless(svc) ? 'HEADLESS' : ignoredByLabel(svc) ? 'PROXY_LABEL' : null;
    const ports = ignored === null ? compileServicePorts(svc, key, index, src, servicePorts) : [];
    services.push({ index, key, model: svc, ignored, ports });
  });
  return { services, servicePorts };
}

interface FrontendTables {
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

function buildFrontends(servicePorts: readonly CompiledServicePort[], warnings: string[]): FrontendTables {
  const t: FrontendTables = {
    frontends: new Map(), proxyIngress: new Map(), proxyIngressIps: new Set(), nodePorts: new Map(), healthCheckNodePorts: new Map(),
    allocatedClusterIps: new Set(), boundServiceIps: new Set(),
  };
  for (const sp of servicePorts) indexServicePort(t, sp, warnings);
  return t;
}

function ignoredIps(services: readonly CompiledService[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of services) {
    if (s.ignored === null) continue;
    for (const ip of canonicalList(s.model.clusterIps)) if (!out.has(ip)) out.set(ip, s.index);
  }
  return out;
}

/** Compile a cluster model into an immutable, indexed structure for trace() and reachability(). */
export function compile(model: ClusterModel): CompiledCluster {
  const warnings: string[] = [];
  const nodes = compileNodes(model);
  const nodeByName = new Map<string, number>();
  for (const n of nodes) if (!nodeByName.has(n.name)) nodeByName.set(n.name, n.index);
  const pods = compilePods(model, nodeByName);
  const podByKey = new Map<string, number>();
  for (const p of pods) if (!podByKey.has(p.key)) podByKey.set(p.key, p.index);
  const { ipOwner, eipOwner } = ownerMaps(nodes, pods);
  const sources: EndpointSources = {
    slicesByService: groupSlices(model), pods: model.pods, compiledPods: pods,
    selectorIndex: buildSelectorIndex(model), nodeByName,
    podKeyOfIp: (ip) => {
      const owner = ipOwner.get(ip);
      return owner?.kind === 'POD' ? pods[owner.index].key : null;
    },
  };
  const { services, servicePorts } = compileServices(model, sources);
  const tables = buildFrontends(servicePorts, warnings);
  const primary = model.kubeProxy.nodePortAddresses.includes('primary');
  return Object.freeze({
    model, clusterCidrs: new CidrSet(model.clusterCidrs), serviceCidrs: new CidrSet(model.serviceCidrs),
    nodePortAddresses: new CidrSet(model.kubeProxy.nodePortAddresses.filter((a) => a !== 'primary')),
    nodePortPrimaryOnly: primary, nodes, nodeByName, pods, podByKey, ipOwner, eipOwner, services,
    serviceByKey: new Map(services.map((s) => [s.key, s.index])), servicePorts, ...tables,
    ignoredServiceIps: ignoredIps(services), warnings,
  });
}

// compile(): ClusterModel -> CompiledCluster. Runs once per topology change; everything the
// hot path needs is indexed here. Input order never matters: conflicts resolve by name.
import { compilePolicies } from './policy/compile';
import { enforcementOf } from './policy/enforcement';
import type {
  CompiledCluster,
  CompiledNode,
  CompiledPod,
  CompiledService,
  CompiledServicePort,
  IpOwner,
  KeyLookup,
} from './compiled';
import {
  appendPorts,
  buildFrontends,
  canonicalList,
  compileServicePorts,
  ignoredIps,
  ignoredReason,
  slotEndpoints,
} from './compile-services';
import { podCanBackService, SelectorIndex, type EndpointSources } from './endpoints';
import { canonicalIp, CidrSet, ipFamilyOf, parseIp, type ParsedIp } from './ip';
import type { ClusterModel, EndpointSliceModel, NodeModel, PodModel } from './model';
import { LayeredList } from './patch/layered-map';
import { rememberClaims, rememberLabels, rememberSlices } from './patch/state';
import { excludedFromLoadBalancers } from './predicates';
import { ZONE_LABEL } from './topology';

export const byName = <T extends { readonly name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** canonicalList(values), but the input array itself when it is canonical already (no copy per pod). */
function canonicalIps(values: readonly string[]): readonly string[] {
  if (values.length === 1 && canonicalIp(values[0]) === values[0]) return values;
  return canonicalList(values);
}

/** One node, at its index in name order. */
export function compileNode(n: NodeModel, index: number): CompiledNode {
  const internalIps = canonicalList(n.internalIps);
  const parsedIps = internalIps.map((ip) => parseIp(ip)).filter((ip): ip is ParsedIp => ip !== null);
  const local = new Set<string>([...internalIps, '127.0.0.1', '::1']);
  const eip = n.externalIp === null ? null : parseIp(n.externalIp);
  return {
    index,
    name: n.name,
    at: `node/${n.name}`,
    internalIps,
    parsedIps,
    primaryIp: {
      4: internalIps.find((ip) => ipFamilyOf(ip) === 4) ?? null,
      6: internalIps.find((ip) => ipFamilyOf(ip) === 6) ?? null,
    },
    parsedPrimary: {
      4: parsedIps.find((ip) => ip.family === 4) ?? null,
      6: parsedIps.find((ip) => ip.family === 6) ?? null,
    },
    externalIp: eip === null ? null : eip.text,
    parsedExternalIp: eip,
    podCidrs: new CidrSet(n.podCidrs),
    localAddresses: local,
    excludedFromLoadBalancers: excludedFromLoadBalancers(n.labels),
    zone: n.labels[ZONE_LABEL] ?? null,
  };
}

function compileNodes(model: ClusterModel): CompiledNode[] {
  return [...model.nodes].sort(byName).map((n, index) => compileNode(n, index));
}

/** A compiled pod that is also its own IpOwner entry: one object per pod, not two. */
export type OwningPod = CompiledPod & { readonly kind: 'POD' };

/** One pod, at its index in model.pods. */
export function compilePod(p: PodModel, index: number, nodeByName: ReadonlyMap<string, number>): OwningPod {
  const nodeIndex = p.nodeName === null ? -1 : (nodeByName.get(p.nodeName) ?? -1);
  return {
    kind: 'POD',
    index,
    key: `${p.namespace}/${p.name}`,
    namespace: p.namespace,
    name: p.name,
    nodeIndex,
    ips: canonicalIps(p.ips),
    hostNetwork: p.hostNetwork,
  };
}

function compilePods(model: ClusterModel, nodeByName: ReadonlyMap<string, number>): OwningPod[] {
  const pods: OwningPod[] = [];
  for (let index = 0; index < model.pods.length; index++) pods.push(compilePod(model.pods[index], index, nodeByName));
  return pods;
}

/** Record that `pod` claims `ip` too (already owned by `prev`): see patch/state.ts CLAIMS. */
function addClaim(claims: Map<string, number[]>, ip: string, prev: IpOwner, pod: number): void {
  let list = claims.get(ip);
  if (list === undefined) claims.set(ip, (list = prev.kind === 'POD' ? [prev.index] : []));
  list.push(pod);
}

function ownerMaps(nodes: readonly CompiledNode[], pods: readonly OwningPod[]) {
  const ipOwner = new Map<string, IpOwner>();
  const claims = new Map<string, number[]>();
  for (const n of nodes) {
    for (const ip of n.internalIps) if (!ipOwner.has(ip)) ipOwner.set(ip, { kind: 'NODE', index: n.index });
  }
  for (const p of pods) {
    if (p.hostNetwork) continue;
    for (const ip of p.ips) {
      const prev = ipOwner.get(ip);
      if (prev !== undefined) addClaim(claims, ip, prev, p.index);
      // Two pods claiming one IP: the smaller key wins, whatever the input order.
      if (prev === undefined || (prev.kind === 'POD' && pods[prev.index].key > p.key)) ipOwner.set(ip, p);
    }
  }
  return { ipOwner, eipOwner: eipOwners(nodes), claims };
}

/** EIP -> node index (the first node in name order wins). */
export function eipOwners(nodes: readonly CompiledNode[]): Map<string, number> {
  const eipOwner = new Map<string, number>();
  for (const n of nodes) if (n.externalIp !== null && !eipOwner.has(n.externalIp)) eipOwner.set(n.externalIp, n.index);
  return eipOwner;
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

export function groupSlices(model: ClusterModel): Map<string, EndpointSliceModel[]> {
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
function compileServices(model: ClusterModel, src: EndpointSources) {
  const services: CompiledService[] = [];
  const servicePorts: CompiledServicePort[] = [];
  // Keys built once, not twice per comparison.
  const keys = model.services.map((svc) => `${svc.namespace}/${svc.name}`);
  const order = keys.map((_, i) => i).sort((a, b) => byKey(keys[a], keys[b]));
  order.forEach((i, index) => {
    const svc = model.services[i];
    const key = keys[i];
    const ignored = ignoredReason(svc);
    const ports =
      ignored === null
        ? appendPorts(
            servicePorts,
            compileServicePorts(
              svc,
              key,
              index,
              servicePorts.length,
              (slot) => slotEndpoints(src, svc, key, slot),
              model.kubernetesVersion,
            ),
          )
        : [];
    services.push({ index, key, model: svc, ignored, ports });
  });
  return { services, servicePorts };
}
/** The ClusterCIDR detector's range per family: the first CIDR of each family in kube-proxy's clusterCIDR (else the pod ranges). */
function detectorCidrs(model: ClusterModel): CompiledCluster['detectorCidrs'] {
  const cidrs = new CidrSet(model.kubeProxy.clusterCidrs ?? model.clusterCidrs).cidrs;
  return { 4: cidrs.find((c) => c.family === 4) ?? null, 6: cidrs.find((c) => c.family === 6) ?? null };
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
  const { ipOwner, eipOwner, claims } = ownerMaps(nodes, pods);
  const sources: EndpointSources = {
    slicesByService: groupSlices(model),
    pods: model.pods,
    compiledPods: new LayeredList(pods),
    selectorIndex: buildSelectorIndex(model),
    nodeByName,
    nodes,
    kubernetesVersion: model.kubernetesVersion,
    podKeyOfIp: podKeyOfIp(ipOwner),
  };
  const { services, servicePorts } = compileServices(model, sources);
  const tables = buildFrontends(servicePorts, warnings);
  // nftables kube-proxy takes an empty nodePortAddresses as ["primary"] (cmd/kube-proxy/app/server_linux.go
  // platformApplyDefaults); iptables and IPVS as every node address.
  const addresses = model.kubeProxy.nodePortAddresses;
  const primary = addresses.includes('primary') || (addresses.length === 0 && model.proxyMode === 'NFTABLES');
  const cc: CompiledCluster = Object.freeze({
    model,
    clusterCidrs: new CidrSet(model.clusterCidrs),
    detectorCidrs: detectorCidrs(model),
    serviceCidrs: new CidrSet(model.serviceCidrs),
    nodePortAddresses: new CidrSet(model.kubeProxy.nodePortAddresses.filter((a) => a !== 'primary')),
    nodePortPrimaryOnly: primary,
    nodes,
    nodeByName,
    pods: sources.compiledPods,
    podByKey,
    ipOwner,
    eipOwner,
    services,
    serviceByKey: new Map(services.map((s) => [s.key, s.index])),
    servicePorts,
    ...tables,
    ignoredServiceIps: ignoredIps(services),
    warnings,
    ...policiesOf(model),
  });
  // Kept for patchCompiled() (patch.ts): built here anyway, and costly to rebuild.
  rememberLabels(model.pods, sources.selectorIndex);
  rememberSlices(model.endpointSlices, sources.slicesByService);
  // A model with duplicate keys (compile() tolerates them) is not patched: patch.ts recompiles it.
  if (uniqueKeys(model, nodeByName, podByKey, cc.serviceByKey)) rememberClaims(cc, claims);
  return cc;
}

/** The model's NetworkPolicies compiled (none: null) and whether they are enforced. */
function policiesOf(model: ClusterModel): Pick<CompiledCluster, 'policies' | 'policyEnforcement'> {
  const policyEnforcement = enforcementOf(model);
  const policies =
    (model.networkPolicies?.length ?? 0) === 0
      ? null
      : compilePolicies(model, { enforced: policyEnforcement.enforced });
  return { policies, policyEnforcement };
}

/** Whether every node name, pod, Service and EndpointSlice key occurs once. */
function uniqueKeys(
  model: ClusterModel,
  nodeByName: ReadonlyMap<string, number>,
  podByKey: ReadonlyMap<string, number>,
  serviceByKey: ReadonlyMap<string, number>,
): boolean {
  const slices = new Set(model.endpointSlices.map((s) => `${s.namespace}/${s.name}`));
  return (
    nodeByName.size === model.nodes.length &&
    podByKey.size === model.pods.length &&
    serviceByKey.size === model.services.length &&
    slices.size === model.endpointSlices.length
  );
}

/** EndpointSources.podKeyOfIp over an ipOwner table: the key of the pod owning the IP. */
export function podKeyOfIp(ipOwner: KeyLookup<string, IpOwner>): (ip: string) => string | null {
  return (ip) => {
    const owner = ipOwner.get(ip);
    return owner?.kind === 'POD' ? (owner as OwningPod).key : null;
  };
}

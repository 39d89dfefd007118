// Endpoints of a Service port, and their categorisation for traffic policies.
import type { CompiledEndpoint, EndpointCategories, LocalChoice } from './compiled';
import { canonicalIp, type IpFamily } from './ip';
import type { EndpointSliceModel, PodModel, ServiceModel, ServicePortModel } from './model';

/** What endpoint derivation needs from the compiler's indexes. */
export interface EndpointSources {
  readonly slicesByService: ReadonlyMap<string, readonly EndpointSliceModel[]>;
  readonly pods: readonly PodModel[];
  /** Canonical IPs per pod (same order as pods). */
  readonly podIps: readonly (readonly string[])[];
  readonly podNodeIndex: readonly number[];
  /** `namespace\0key=value` -> indices of pods that can back a Service. */
  readonly selectorIndex: ReadonlyMap<string, readonly number[]>;
  readonly nodeByName: ReadonlyMap<string, number>;
  readonly podKeyByIp: ReadonlyMap<string, string>;
}

export function selectorIndexKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}=${value}`;
}

/** Pods that can be endpoints: Running with an IP (terminating ones included, flagged). */
export function podCanBackService(pod: PodModel): boolean {
  return pod.phase === 'Running' && pod.ips.length > 0;
}

function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '') === (b ?? '');
}

function fromSlices(src: EndpointSources, svc: ServiceModel, sp: ServicePortModel, family: IpFamily,
  slices: readonly EndpointSliceModel[]): CompiledEndpoint[] {
  const out: CompiledEndpoint[] = [];
  const seen = new Set<string>();
  const addressType = family === 4 ? 'IPv4' : 'IPv6';
  for (const slice of slices) {
    if (slice.addressType !== addressType) continue;
    // Service port -> slice port by name (and protocol), as kube-proxy's endpointslice cache does.
    const slicePort = slice.ports.find((p) => sameName(p.name, sp.name) && p.protocol === sp.protocol);
    if (slicePort === undefined) continue;
    for (const ep of slice.endpoints) {
      const ip = ep.addresses.length > 0 ? canonicalIp(ep.addresses[0]) : null;
      if (ip === null || seen.has(`${ip}|${slicePort.port}`)) continue;
      seen.add(`${ip}|${slicePort.port}`);
      const podKey = ep.podName ? `${svc.namespace}/${ep.podName}` : src.podKeyByIp.get(ip) ?? null;
      out.push({
        ip, port: slicePort.port, nodeName: ep.nodeName,
        nodeIndex: ep.nodeName === null ? -1 : src.nodeByName.get(ep.nodeName) ?? -1,
        podKey,
        ready: ep.ready ?? true, serving: ep.serving ?? true, terminating: ep.terminating ?? false,
      });
    }
  }
  return out;
}

function matchSelector(src: EndpointSources, namespace: string, selector: Readonly<Record<string, string>>): readonly number[] {
  const pairs = Object.entries(selector);
  let smallest: readonly number[] | undefined;
  for (const [k, v] of pairs) {
    const list = src.selectorIndex.get(selectorIndexKey(namespace, k, v)) ?? [];
    if (smallest === undefined || list.length < smallest.length) smallest = list;
  }
  if (smallest === undefined || smallest.length === 0) return [];
  return smallest.filter((i) => pairs.every(([k, v]) => src.pods[i].labels[k] === v));
}

/** targetPort as a number for this pod, or null when a named port does not resolve. */
export function resolveTargetPort(pod: PodModel, sp: ServicePortModel): number | null {
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  const found = pod.containerPorts.find((c) => c.name === sp.targetPort && c.protocol === sp.protocol);
  return found === undefined ? null : found.containerPort;
}

function fromSelector(src: EndpointSources, svc: ServiceModel, sp: ServicePortModel, family: IpFamily,
  selector: Readonly<Record<string, string>>): CompiledEndpoint[] {
  const out: CompiledEndpoint[] = [];
  for (const i of matchSelector(src, svc.namespace, selector)) {
    const pod = src.pods[i];
    const ip = src.podIps[i].find((a) => (a.includes(':') ? 6 : 4) === family);
    const port = resolveTargetPort(pod, sp);
    if (ip === undefined || port === null) continue;
    // As the EndpointSlice controller: serving = pod ready; ready = serving && !terminating,
    // or true when publishNotReadyAddresses.
    const serving = pod.ready;
    out.push({
      ip, port, nodeName: pod.nodeName, nodeIndex: src.podNodeIndex[i], podKey: `${pod.namespace}/${pod.name}`,
      ready: svc.publishNotReadyAddresses || (serving && !pod.terminating),
      serving: svc.publishNotReadyAddresses || serving,
      terminating: pod.terminating,
    });
  }
  return out;
}

/** Endpoints of one Service port and family: from EndpointSlices when the Service has any, else from its selector. */
export function deriveEndpoints(src: EndpointSources, svc: ServiceModel, sp: ServicePortModel, family: IpFamily): CompiledEndpoint[] {
  const slices = src.slicesByService.get(`${svc.namespace}/${svc.name}`);
  if (slices !== undefined && slices.length > 0) return fromSlices(src, svc, sp, family, slices);
  const selector = svc.selector;
  if (selector === null || Object.keys(selector).length === 0) return [];
  return fromSelector(src, svc, sp, family, selector);
}

/** Ready endpoint: what every policy prefers. */
function isReady(ep: CompiledEndpoint): boolean {
  return ep.ready;
}
/** Serving and terminating: the fallback when nothing is ready (never non-serving ones). */
function isServingTerminating(ep: CompiledEndpoint): boolean {
  return !ep.ready && ep.serving && ep.terminating;
}

function localChoices(endpoints: readonly CompiledEndpoint[]): Map<number, LocalChoice> {
  const byNode = new Map<number, CompiledEndpoint[]>();
  for (const ep of endpoints) {
    if (ep.nodeIndex < 0) continue;
    const list = byNode.get(ep.nodeIndex);
    if (list === undefined) byNode.set(ep.nodeIndex, [ep]);
    else list.push(ep);
  }
  const out = new Map<number, LocalChoice>();
  for (const [node, eps] of byNode) {
    const ready = eps.filter(isReady);
    if (ready.length > 0) {
      out.set(node, { endpoints: ready, terminatingFallback: false, readyCount: ready.length });
      continue;
    }
    const terminating = eps.filter(isServingTerminating);
    if (terminating.length > 0) out.set(node, { endpoints: terminating, terminatingFallback: true, readyCount: 0 });
  }
  return out;
}

/**
 * Categorise a Service port's endpoints, as kube-proxy's CategorizeEndpoints does
 * (pkg/proxy/topology.go), but for every node at once:
 *  - cluster: ready endpoints; if none, serving-and-terminating ones (never non-serving);
 *  - local (per node): the same choice made among that node's endpoints only, separately;
 *  - hasAnyEndpoints: some usable endpoint exists anywhere (otherwise traffic is REJECTed;
 *    with endpoints elsewhere but none local, a Local policy DROPs instead).
 * Topology-aware hints are not modelled.
 */
export function categorizeEndpoints(endpoints: readonly CompiledEndpoint[]): EndpointCategories {
  const ready = endpoints.filter(isReady);
  const cluster = ready.length > 0 ? ready : endpoints.filter(isServingTerminating);
  return {
    cluster,
    clusterTerminatingFallback: ready.length === 0 && cluster.length > 0,
    localByNode: localChoices(endpoints),
    hasAnyEndpoints: cluster.length > 0,
  };
}

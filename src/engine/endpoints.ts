// Endpoints of a Service port, and their categorisation for traffic policies.
import type {
  CompiledEndpoint,
  CompiledNode,
  CompiledPod,
  EndpointCategories,
  KeyLookup,
  ListLookup,
  LocalChoice,
  TopologyPolicy,
} from './compiled';
import { canonicalIp, type IpFamily } from './ip';
import type { EndpointSliceModel, PodModel, ServiceModel, ServicePortModel } from './model';
import { anyHinted, inferredHints, Topology } from './topology';

const NO_PODS: readonly number[] = Object.freeze([]);

/** Pods that can back a Service, by namespace, label key and label value (indices, ascending). */
export interface PodLabelIndex {
  get(namespace: string, key: string, value: string): readonly number[];
}

/** One list of a PodLabelIndex: the pods labelled key=value in the namespace. */
export interface LabelList {
  readonly namespace: string;
  readonly key: string;
  readonly value: string;
  readonly pods: readonly number[];
}

type ByNamespace = Map<string, Map<string, Map<string, readonly number[]>>>;

/**
 * The PodLabelIndex compile() builds. Nested maps rather than one map keyed by a built string:
 * compile() indexes every label of 150k pods, and the key strings were most of that cost.
 * Never changed once published: add() only while compile() builds it; withLists() copies.
 */
export class SelectorIndex implements PodLabelIndex {
  readonly #byNamespace: ByNamespace;

  constructor(byNamespace: ByNamespace = new Map()) {
    this.#byNamespace = byNamespace;
  }

  add(namespace: string, key: string, value: string, pod: number): void {
    let byKey = this.#byNamespace.get(namespace);
    if (byKey === undefined) this.#byNamespace.set(namespace, (byKey = new Map()));
    let byValue = byKey.get(key);
    if (byValue === undefined) byKey.set(key, (byValue = new Map()));
    const list = byValue.get(value) as number[] | undefined;
    if (list === undefined) byValue.set(value, [pod]);
    else list.push(pod);
  }

  /** Indices of the pods labelled key=value in the namespace (ascending). */
  get(namespace: string, key: string, value: string): readonly number[] {
    return this.#byNamespace.get(namespace)?.get(key)?.get(value) ?? NO_PODS;
  }

  /** A new index with these lists replaced (empty: removed), sharing every map they do not touch. */
  withLists(lists: Iterable<LabelList>): SelectorIndex {
    const top: ByNamespace = new Map(this.#byNamespace);
    const copied = new Set<object>();
    const own = <T extends Map<string, unknown>>(map: T): T => {
      if (copied.has(map)) return map;
      const copy = new Map(map) as T;
      copied.add(copy);
      return copy;
    };
    for (const l of lists) {
      const byKey = own(top.get(l.namespace) ?? new Map<string, Map<string, readonly number[]>>());
      top.set(l.namespace, byKey);
      const byValue = own(byKey.get(l.key) ?? new Map<string, readonly number[]>());
      byKey.set(l.key, byValue);
      if (l.pods.length > 0) byValue.set(l.value, l.pods);
      else byValue.delete(l.value);
    }
    return new SelectorIndex(top);
  }
}

/** What endpoint derivation needs from the compiler's indexes. */
export interface EndpointSources {
  readonly slicesByService: KeyLookup<string, readonly EndpointSliceModel[]>;
  readonly pods: readonly PodModel[];
  /** The same pods compiled (canonical IPs, node index, key), same order as pods. */
  readonly compiledPods: ListLookup<CompiledPod>;
  readonly selectorIndex: PodLabelIndex;
  readonly nodeByName: ReadonlyMap<string, number>;
  /** The compiled nodes (by index): their zones. */
  readonly nodes: readonly CompiledNode[];
  /** The cluster's Kubernetes version: which hints the EndpointSlice controller writes. */
  readonly kubernetesVersion: string;
  /** Key of the pod owning this IP (the owner compile() settled on), or null. */
  podKeyOfIp(ip: string): string | null;
}

/** Pods that can be endpoints: Running with an IP (terminating ones included, flagged). */
export function podCanBackService(pod: PodModel): boolean {
  return pod.phase === 'Running' && pod.ips.length > 0;
}

function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '') === (b ?? '');
}

function fromSlices(
  src: EndpointSources,
  svc: ServiceModel,
  sp: ServicePortModel,
  family: IpFamily,
  slices: readonly EndpointSliceModel[],
): CompiledEndpoint[] {
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
      const podKey = ep.podName ? `${svc.namespace}/${ep.podName}` : src.podKeyOfIp(ip);
      const forZones = ep.hints?.forZones ?? [];
      const forNodes = ep.hints?.forNodes ?? [];
      out.push({
        ip,
        port: slicePort.port,
        nodeName: ep.nodeName,
        nodeIndex: ep.nodeName === null ? -1 : (src.nodeByName.get(ep.nodeName) ?? -1),
        podKey,
        ready: ep.ready ?? true,
        serving: ep.serving ?? true,
        terminating: ep.terminating ?? false,
        zone: ep.zone ?? null,
        zoneHints: forZones.length > 0 ? forZones : null,
        nodeHints: forNodes.length > 0 ? forNodes : null,
        hintsInferred: false,
      });
    }
  }
  return out;
}

function matchSelector(
  src: EndpointSources,
  namespace: string,
  selector: Readonly<Record<string, string>>,
): readonly number[] {
  const keys = Object.keys(selector);
  let smallest: readonly number[] | undefined;
  for (const k of keys) {
    const list = src.selectorIndex.get(namespace, k, selector[k]);
    if (smallest === undefined || list.length < smallest.length) smallest = list;
  }
  if (smallest === undefined || smallest.length === 0) return NO_PODS;
  // A one-label selector is exactly the index entry: no need to re-check (or copy) it.
  if (keys.length === 1) return smallest;
  return smallest.filter((i) => keys.every((k) => src.pods[i].labels[k] === selector[k]));
}

/** targetPort as a number for this pod, or null when a named port does not resolve. */
export function resolveTargetPort(pod: PodModel, sp: ServicePortModel): number | null {
  if (typeof sp.targetPort === 'number') return sp.targetPort;
  const found = pod.containerPorts.find((c) => c.name === sp.targetPort && c.protocol === sp.protocol);
  return found === undefined ? null : found.containerPort;
}

function addressOfFamily(ips: readonly string[], family: IpFamily): string | undefined {
  for (const a of ips) if ((a.includes(':') ? 6 : 4) === family) return a;
  return undefined;
}

function fromSelector(
  src: EndpointSources,
  svc: ServiceModel,
  sp: ServicePortModel,
  family: IpFamily,
  selector: Readonly<Record<string, string>>,
): CompiledEndpoint[] {
  const out: CompiledEndpoint[] = [];
  for (const i of matchSelector(src, svc.namespace, selector)) {
    const pod = src.pods[i];
    const compiled = src.compiledPods.get(i);
    const ip = addressOfFamily(compiled.ips, family);
    const port = resolveTargetPort(pod, sp);
    if (ip === undefined || port === null) continue;
    // As the EndpointSlice controller: serving = pod ready; ready = serving && !terminating,
    // or true when publishNotReadyAddresses.
    const serving = pod.ready;
    const ready = svc.publishNotReadyAddresses || (serving && !pod.terminating);
    const zone = compiled.nodeIndex < 0 ? null : src.nodes[compiled.nodeIndex].zone;
    // The controller hints ready endpoints only (trafficdist.go).
    const hints = ready ? inferredHints(src.kubernetesVersion, svc, zone, pod.nodeName) : null;
    out.push({
      ip,
      port,
      nodeName: pod.nodeName,
      nodeIndex: compiled.nodeIndex,
      podKey: compiled.key,
      ready,
      serving: svc.publishNotReadyAddresses || serving,
      terminating: pod.terminating,
      zone,
      zoneHints: hints === null || hints.zones.length === 0 ? null : hints.zones,
      nodeHints: hints === null || hints.nodes.length === 0 ? null : hints.nodes,
      hintsInferred: hints !== null,
    });
  }
  return out;
}

/** Endpoints of one Service port and family: from EndpointSlices when the Service has any, else from its selector. */
export function deriveEndpoints(
  src: EndpointSources,
  svc: ServiceModel,
  serviceKey: string,
  sp: ServicePortModel,
  family: IpFamily,
): CompiledEndpoint[] {
  const slices = src.slicesByService.get(serviceKey);
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
  // Endpoints by node, then each node's list replaced by its choice in the same map (same
  // order), nodes with no usable endpoint dropped: one map, and no copy of a list all ready.
  const byNode = new Map<number, CompiledEndpoint[] | LocalChoice>();
  for (let i = 0; i < endpoints.length; i++) {
    const ep = endpoints[i];
    if (ep.nodeIndex < 0) continue;
    const list = byNode.get(ep.nodeIndex) as CompiledEndpoint[] | undefined;
    if (list === undefined) byNode.set(ep.nodeIndex, [ep]);
    else list.push(ep);
  }
  byNode.forEach((value, node) => {
    const eps = value as CompiledEndpoint[];
    let readyCount = 0;
    for (let i = 0; i < eps.length; i++) if (isReady(eps[i])) readyCount++;
    if (readyCount > 0) {
      const ready = readyCount === eps.length ? eps : eps.filter(isReady);
      byNode.set(node, { endpoints: ready, terminatingFallback: false, readyCount });
      return;
    }
    const terminating = eps.filter(isServingTerminating);
    if (terminating.length > 0) byNode.set(node, { endpoints: terminating, terminatingFallback: true, readyCount: 0 });
    else byNode.delete(node);
  });
  return byNode as Map<number, LocalChoice>;
}

/**
 * localChoices(endpoints), built on first read. Most Service ports are never asked about a
 * node, and building every port's per-node buckets was a third of compile()'s allocations.
 * Deterministic, so building later gives the same map as building in compile().
 */
class LazyLocalChoices implements ReadonlyMap<number, LocalChoice> {
  readonly #endpoints: readonly CompiledEndpoint[];
  #built: Map<number, LocalChoice> | null = null;

  constructor(endpoints: readonly CompiledEndpoint[]) {
    this.#endpoints = endpoints;
  }
  #map(): Map<number, LocalChoice> {
    return (this.#built ??= localChoices(this.#endpoints));
  }
  get size(): number {
    return this.#map().size;
  }
  get(node: number): LocalChoice | undefined {
    return this.#map().get(node);
  }
  has(node: number): boolean {
    return this.#map().has(node);
  }
  forEach(
    callback: (value: LocalChoice, key: number, map: ReadonlyMap<number, LocalChoice>) => void,
    thisArg?: unknown,
  ): void {
    this.#map().forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  entries(): MapIterator<[number, LocalChoice]> {
    return this.#map().entries();
  }
  keys(): MapIterator<number> {
    return this.#map().keys();
  }
  values(): MapIterator<LocalChoice> {
    return this.#map().values();
  }
  [Symbol.iterator](): MapIterator<[number, LocalChoice]> {
    return this.#map()[Symbol.iterator]();
  }
}

/**
 * Categorise a Service port's endpoints, as kube-proxy's CategorizeEndpoints does
 * (pkg/proxy/topology.go), but for every node at once:
 *  - cluster: ready endpoints; if none, serving-and-terminating ones (never non-serving);
 *  - local (per node): the same choice made among that node's endpoints only, separately;
 *  - hasAnyEndpoints: some usable endpoint exists anywhere (otherwise traffic is REJECTed;
 *    with endpoints elsewhere but none local, a Local policy DROPs instead);
 *  - topology: when ready endpoints carry hints this kube-proxy reads (`policy`), which of the
 *    cluster endpoints each node uses (topology.ts); the local choices ignore hints.
 */
export function categorizeEndpoints(
  endpoints: readonly CompiledEndpoint[],
  policy: TopologyPolicy | null,
): EndpointCategories {
  let readyCount = 0;
  for (const ep of endpoints) if (isReady(ep)) readyCount++;
  // All ready (the common case): the cluster set is the endpoint list itself, not a copy.
  const ready = readyCount === endpoints.length ? endpoints : endpoints.filter(isReady);
  const cluster = readyCount > 0 ? ready : endpoints.filter(isServingTerminating);
  const hinted = readyCount > 0 && anyHinted(ready);
  return {
    cluster,
    all: { endpoints: cluster, act: null },
    clusterTerminatingFallback: readyCount === 0 && cluster.length > 0,
    localByNode: new LazyLocalChoices(endpoints),
    hasAnyEndpoints: cluster.length > 0,
    policy,
    topology: hinted && policy !== null ? new Topology(ready, policy) : null,
    hintsUnread: hinted && policy === null,
  };
}

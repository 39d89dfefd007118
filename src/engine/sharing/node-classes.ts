// Node classes: which nodes get equal decisions for one client's traffic to one Service port
// (upstream kube-proxy facts; the CCE profiles share the same way). A NodePort answer asks for the
// class of every node address (10,000 in a 5,000-node cluster) and a load balancer for the
// class of every target node, so the keys come in two forms that always agree:
//  - nodeClassKey(q): one node, for the few single questions of an answer;
//  - nodeClasses(q) and ordinaryNodeClassKey(cc, node, address): every node of an answer.
//    Only a few nodes are singled out by the client or the Service (the client's node, nodes
//    hosting endpoints...); every other node's key depends on the cluster only, so answers
//    share those keys (see reach/node-rows.ts) and key only the few nodes singled out.
import type { CompiledCluster, CompiledNode, CompiledServicePort } from '../compiled';
import { hostingNodes, nodePortAddressAccepted } from '../dataplane/nodes';
import { prefixOf, type ParsedIp } from '../ip';
import type { NodeClasses, NodeClassQuery, PlacementQuery } from './sharing';

/** Addresses a per-node bit mask can describe (node.parsedIps[0..30]); others are computed. */
const MASK_BITS = 31;

/** What node classes read per node that depends on the compiled cluster only. */
interface ClusterNodeFacts {
  /** Bit i of accepts[n]: nodePortAddressAccepted(cc, nodes[n], nodes[n].parsedIps[i]). */
  readonly accepts: Int32Array;
  /** Pod CIDRs by family and prefix length, then prefix: the nodes owning them, ascending. */
  readonly podCidrs: readonly {
    readonly family: 4 | 6;
    readonly bits: number;
    readonly owners: ReadonlyMap<number | bigint, readonly number[]>;
  }[];
  /** Per node: 0 without a zone label, else 1 + the index of its zone among the cluster's zones. */
  readonly zoneOf: Int32Array;
  /** How many zone indices there are (zones + 1). */
  readonly zones: number;
}

/**
 * Per nodes array: the facts read nodes and settings only, and CompiledCluster.nodes is shared
 * between versions only while both are unchanged, so a pod or Service patch keeps them.
 */
const FACTS = new WeakMap<readonly CompiledNode[], ClusterNodeFacts>();

function buildFacts(cc: CompiledCluster): ClusterNodeFacts {
  const accepts = new Int32Array(cc.nodes.length);
  const zoneOf = new Int32Array(cc.nodes.length);
  const zoneIds = new Map<string, number>();
  const groups = new Map<string, { family: 4 | 6; bits: number; owners: Map<number | bigint, number[]> }>();
  for (const node of cc.nodes) {
    let mask = 0;
    for (let i = 0; i < node.parsedIps.length && i < MASK_BITS; i++) {
      if (nodePortAddressAccepted(cc, node, node.parsedIps[i])) mask |= 1 << i;
    }
    accepts[node.index] = mask;
    if (node.zone !== null && node.zone !== '') {
      let id = zoneIds.get(node.zone);
      if (id === undefined) zoneIds.set(node.zone, (id = zoneIds.size + 1));
      zoneOf[node.index] = id;
    }
    for (const c of node.podCidrs.cidrs) {
      const id = `${c.family}/${c.bits}`;
      let g = groups.get(id);
      if (g === undefined) groups.set(id, (g = { family: c.family, bits: c.bits, owners: new Map() }));
      const list = g.owners.get(c.prefix);
      // Nodes are visited in index order, once each: lists come out ascending, without repeats.
      if (list === undefined) g.owners.set(c.prefix, [node.index]);
      else if (list[list.length - 1] !== node.index) list.push(node.index);
    }
  }
  return { accepts, podCidrs: [...groups.values()], zoneOf, zones: zoneIds.size + 1 };
}

/** The cluster's node facts, built on the first NodePort or load-balancer answer and kept with it. */
function clusterNodeFacts(cc: CompiledCluster): ClusterNodeFacts {
  let facts = FACTS.get(cc.nodes);
  if (facts === undefined) {
    facts = buildFacts(cc);
    FACTS.set(cc.nodes, facts);
  }
  return facts;
}

const NO_NODES: readonly number[] = Object.freeze([]);

/** Nodes whose pod CIDRs contain `ip` (node.podCidrs.contains(ip)), ascending: usually none or one. */
function podCidrOwners(facts: ClusterNodeFacts, ip: ParsedIp): readonly number[] {
  let out: number[] | null = null;
  let only: readonly number[] = NO_NODES;
  for (const g of facts.podCidrs) {
    if (g.family !== ip.family) continue;
    const owners = g.owners.get(prefixOf(ip, g.bits));
    if (owners === undefined) continue;
    if (only.length === 0) {
      only = owners;
      continue;
    }
    // Nodes with CIDRs of several lengths containing ip: merge (rare).
    out ??= [...only];
    for (const n of owners) if (!out.includes(n)) out.push(n);
  }
  return out === null ? only : out.sort((a, b) => a - b);
}

const podHereDetector = (cc: CompiledCluster): boolean => cc.model.kubeProxy.localDetector === 'NODE_CIDR';

/**
 * The key from the node's facts: being the client's own node, the detector calling the client
 * a pod there, whether it hosts usable endpoints, and whether the addressed IP accepts
 * NodePorts. Nodes with equal keys get equal decisions (only names and addresses differ), so
 * reachability evaluates one. A node hosting endpoints is a class of its own unless `separate`
 * is false (see endpointPlacementMatters in sharing/kubernetes.ts), and even then when the client is a
 * pod there by the node-CIDR detector (an eTP Local what-if would short-circuit) or the
 * addressed IP is also a Service IP.
 */
function classKey(
  cc: CompiledCluster,
  node: CompiledNode,
  address: ParsedIp | null,
  clientNode: number,
  podHere: boolean,
  accepted: boolean,
  hosts: boolean,
  separate: boolean,
): number {
  const flags = (podHere ? 1 : 0) + (accepted ? 2 : 0);
  // An address that is also a Service IP (an externalIP or LB IP set to a node's address) is
  // decided by that Service's rules wherever the packet is first processed (IPVS binds it on
  // every node): the node reached at it answers on its own (boundAddressNodes singles it out),
  // apart from its other addresses too (+4).
  if (address !== null && cc.boundServiceIps.has(address.text)) return 8 + node.index * 8 + 4 + flags;
  if (node.index === clientNode) return 8 + node.index * 8 + flags;
  if (!hosts) return flags;
  const unique = separate || podHere;
  return unique ? 8 + node.index * 8 + flags : 4 + flags;
}

/** Nodes with an address that is also a Service IP, ascending, per compiled set of Service IPs. */
const BOUND_NODES = new WeakMap<ReadonlySet<string>, readonly number[]>();

function boundAddressNodes(cc: CompiledCluster): readonly number[] {
  let nodes = BOUND_NODES.get(cc.boundServiceIps);
  if (nodes === undefined) {
    const found = new Set<number>();
    for (const ip of cc.boundServiceIps) {
      const owner = cc.ipOwner.get(ip);
      if (owner?.kind === 'NODE') found.add(owner.index);
    }
    nodes = [...found].sort((a, b) => a - b);
    BOUND_NODES.set(cc.boundServiceIps, nodes);
  }
  return nodes;
}

/**
 * The node whose own address the client sends from (a client outside the cluster given a node's
 * address, or a node itself), or -1: the packets are local to that node alone (isLocalSource),
 * so it answers on its own, like the client's own node.
 */
function sourceNode(cc: CompiledCluster, clientNode: number, clientIp: ParsedIp | null): number {
  if (clientNode >= 0 || clientIp === null) return clientNode;
  const owner = cc.ipOwner.get(clientIp.text);
  return owner?.kind === 'NODE' ? owner.index : -1;
}

/**
 * A class key with the node's zone in it, for Service ports with topology-aware routing
 * (ordinaryKind 1): it gives each zone its own cluster endpoints and notes (topology.ts), so
 * nodes of different zones never share a class there. A zone is a cluster fact, so the keys of
 * nodes no traffic singles out stay per cluster (one table per kind). A node that endpoints are
 * hinted for by name is a class of its own (hintedHere).
 */
function inZone(facts: ClusterNodeFacts, node: number, zoned: boolean, key: number): number {
  return zoned ? key * facts.zones + facts.zoneOf[node] : key;
}

/** 1 for Service ports with topology-aware routing (keys with zones), else 0. */
export function ordinaryKind(sp: CompiledServicePort): number {
  return sp.categories.topology === null ? 0 : 1;
}

/**
 * With no usable endpoint anywhere, the nodes hosting the Service port's other endpoints (not
 * ready): suggestions promise what each address answers once they are ready (ADD_READY_ENDPOINTS,
 * asked again on the ready variant), where those nodes host endpoints, so each answers on its own.
 */
const WOULD_HOST = new WeakMap<
  CompiledServicePort,
  { readonly list: readonly number[]; readonly set: ReadonlySet<number> }
>();
const NO_WOULD_HOST = { list: NO_NODES, set: new Set<number>() };

function wouldHost(sp: CompiledServicePort): { readonly list: readonly number[]; readonly set: ReadonlySet<number> } {
  if (sp.categories.hasAnyEndpoints) return NO_WOULD_HOST;
  let found = WOULD_HOST.get(sp);
  if (found === undefined) {
    const set = new Set<number>();
    for (const ep of sp.endpoints) if (ep.nodeIndex >= 0) set.add(ep.nodeIndex);
    found = { list: [...set].sort((a, b) => a - b), set };
    WOULD_HOST.set(sp, found);
  }
  return found;
}

/** The nodes ready endpoints of `sp` are hinted for by name (PreferSameNode), ascending: per topology (a Service port's), made once. */
const HINTED_NODES = new WeakMap<object, readonly number[]>();

function hintedNodeIndices(cc: CompiledCluster, sp: CompiledServicePort): readonly number[] {
  const topology = sp.categories.topology;
  if (topology === null || topology.hintedNodes.size === 0) return NO_NODES;
  let nodes = HINTED_NODES.get(topology);
  if (nodes === undefined) {
    nodes = [...topology.hintedNodes]
      .map((n) => cc.nodeByName.get(n))
      .filter((n): n is number => n !== undefined)
      .sort((a, b) => a - b);
    HINTED_NODES.set(topology, nodes);
  }
  return nodes;
}

/** Whether ready endpoints of `sp` are hinted for `node` by name, so that it may use endpoints of its own (PreferSameNode). */
function hintedHere(sp: CompiledServicePort, node: CompiledNode): boolean {
  const topology = sp.categories.topology;
  return topology !== null && topology.hintedNodes.size > 0 && topology.hintedNodes.has(node.name);
}

/** The class key of one node (see classKey). */
export function nodeClassKey(q: NodeClassQuery): number {
  const { cc, sp, node, address, clientNode, clientIp } = q;
  const podHere = podHereDetector(cc) && clientIp !== null && node.podCidrs.contains(clientIp);
  const accepted = address === null || nodePortAddressAccepted(cc, node, address);
  const own = hintedHere(sp, node) || wouldHost(sp).set.has(node.index);
  return inZone(
    clusterNodeFacts(cc),
    node.index,
    sp.categories.topology !== null,
    classKey(
      cc,
      node,
      address,
      sourceNode(cc, clientNode, clientIp),
      podHere,
      accepted,
      own || sp.categories.localByNode.has(node.index),
      own || q.separateEndpointNodes !== false,
    ),
  );
}

/**
 * The node classes of one answer's traffic. The nodes singled out are the client's node, the
 * nodes whose pod CIDRs hold the client's address (node-CIDR detector) and the nodes hosting
 * usable endpoints; every other node gets its ordinary key (ordinaryNodeClassKey). key() is
 * nodeClassKey, with what every node shares (the pod-CIDR owners, the cluster's node facts)
 * worked out once.
 */
class KubernetesNodeClasses implements NodeClasses {
  readonly singled: readonly number[];
  readonly #cc: CompiledCluster;
  readonly #sp: CompiledServicePort;
  readonly #clientNode: number;
  readonly #podNodes: readonly number[];
  readonly #accepts: Int32Array;
  readonly #separate: boolean;
  readonly #facts: ClusterNodeFacts;
  readonly #wouldHost: ReadonlySet<number>;

  constructor(q: PlacementQuery, separate: boolean) {
    const { cc, sp, clientNode, clientIp } = q;
    const facts = clusterNodeFacts(cc);
    this.#cc = cc;
    this.#sp = sp;
    this.#clientNode = sourceNode(cc, clientNode, clientIp);
    this.#podNodes = podHereDetector(cc) && clientIp !== null ? podCidrOwners(facts, clientIp) : NO_NODES;
    this.#accepts = facts.accepts;
    this.#separate = separate;
    this.#facts = facts;
    const byName = hintedNodeIndices(cc, sp);
    this.#wouldHost = wouldHost(sp).set;
    const hosting = mergeNodes(-1, wouldHost(sp).list, hostingNodes(sp));
    const special = mergeNodes(
      -1,
      boundAddressNodes(cc),
      byName.length === 0 ? hosting : mergeNodes(-1, byName, hosting),
    );
    this.singled = mergeNodes(this.#clientNode, this.#podNodes, special);
  }

  key(n: number, a: number): number {
    const cc = this.#cc;
    const node = cc.nodes[n];
    const address = a < 0 ? null : node.parsedIps[a];
    const podHere = this.#podNodes.length > 0 && this.#podNodes.includes(n);
    const accepted =
      address === null ||
      (a < MASK_BITS ? ((this.#accepts[n] >>> a) & 1) === 1 : nodePortAddressAccepted(cc, node, address));
    const own = hintedHere(this.#sp, node) || this.#wouldHost.has(n);
    return inZone(
      this.#facts,
      n,
      this.#sp.categories.topology !== null,
      classKey(
        cc,
        node,
        address,
        this.#clientNode,
        podHere,
        accepted,
        own || this.#sp.categories.localByNode.has(n),
        own || this.#separate,
      ),
    );
  }
}

/** The client's node (when >= 0), `a` and `b` (each ascending): ascending, without repeats. */
function mergeNodes(client: number, a: readonly number[], b: readonly number[]): readonly number[] {
  if (client < 0 && a.length === 0) return b;
  const all = Int32Array.from(client >= 0 ? [client, ...a, ...b] : [...a, ...b]).sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]);
  return out;
}

/** The node classes of this traffic (see KubernetesNodeClasses). */
export function nodeClasses(q: PlacementQuery, separateEndpointNodes: boolean): NodeClasses {
  return new KubernetesNodeClasses(q, separateEndpointNodes);
}

/**
 * The class key of node `node` reached at its parsedIps[address] (at no node address when
 * `address` is negative) for traffic that does not single it out (see KubernetesNodeClasses): it
 * depends on the cluster only (whether the address accepts NodePorts).
 */
export function ordinaryNodeClassKey(cc: CompiledCluster, node: number, address: number, kind: number): number {
  const n = cc.nodes[node];
  let accepted = true;
  if (address >= 0) {
    accepted =
      address < MASK_BITS
        ? ((clusterNodeFacts(cc).accepts[node] >>> address) & 1) === 1
        : nodePortAddressAccepted(cc, n, n.parsedIps[address]);
  }
  // Addresses that are Service IPs are keyed per answer (boundAddressNodes): no such address here,
  // so that these keys, kept per node layout, never depend on the Services.
  return inZone(clusterNodeFacts(cc), node, kind === 1, classKey(cc, n, null, -1, false, accepted, false, true));
}

// How reachability may share work between nodes: which nodes answer alike for one client's
// traffic (node classes), and what a node's answer can depend on. This is a promise about the
// data plane's decisions, kept apart from them: a profile's data plane is correct on its own
// with NO_SHARING (every node address answered for itself), and a profile that opts in to
// sharing is checked against NO_SHARING by sharing.spec.ts.
import type { CompiledCluster, CompiledNode, CompiledServicePort } from '../compiled';
import type { PolicyOverride } from '../dataplane/dataplane';
import type { ParsedIp } from '../ip';

/** A client's traffic to a Service port, processed on nodes other than the client's own. */
export interface PlacementQuery {
  readonly cc: CompiledCluster;
  readonly sp: CompiledServicePort;
  /** Node of the client, -1 outside the cluster (or for traffic a load balancer delivers). */
  readonly clientNode: number;
  /** Source of the packets reaching the nodes. */
  readonly clientIp: ParsedIp | null;
  /** A what-if override the answers are evaluated with (none: the Service as it is). */
  readonly override?: PolicyOverride;
}

export interface NodeClassQuery extends PlacementQuery {
  readonly node: CompiledNode;
  /** The node address the client used (NodePort), or null when the destination is not a node IP. */
  readonly address: ParsedIp | null;
  /**
   * Whether each node hosting endpoints needs a class of its own: endpointPlacementMatters()
   * of this query. Absent = true (load-balancer deliveries list such nodes as groups of their own).
   */
  readonly separateEndpointNodes?: boolean;
}

/** The node classes of one answer's traffic (see Sharing.nodeClasses). */
export interface NodeClasses {
  /**
   * The nodes whose class key may differ from their ordinary key, in index order, without
   * repeats: every other node's key is ordinaryNodeClassKey(cc, node, address index).
   */
  readonly singled: readonly number[];
  /** nodeClassKey of node `node` reached at its parsedIps[address] (at no node address when negative). */
  key(node: number, address: number): number;
}

export interface Sharing {
  /**
   * A promise about DataPlane.connection(): it depends on which node processes the packet only
   * through whether the endpoint, or the client, is on that node (ctx.processingNode compared
   * with ctx.endpoint.nodeIndex and ctx.clientNode; packet.node, and packet.dst when it is that
   * node's own address, not otherwise read), and on the rest of packet and decision only
   * through src, dst, port, protocol, override, via and servicePort. Reachability then re-checks,
   * between two nodes' outcomes for the same candidates, only the endpoints on those two nodes.
   */
  readonly connectionNodeLocal: boolean;
  /**
   * With connectionNodeLocal: the connection scope of a processing node. Nodes of different
   * scopes may differ in any connection outcome (NetworkPolicy ipBlocks matching some nodes'
   * addresses, see policies.ts), so reachability re-checks only the endpoints on two nodes when
   * their scopes are equal. Absent: every node has the same scope.
   */
  readonly connectionScope?: (node: number) => number;
  /** Equal keys = equal decisions for nodes processing this client's traffic (see node-classes.ts); an integer. */
  nodeClassKey(q: NodeClassQuery): number;
  /**
   * The node classes of this traffic, for answers that ask for many nodes (a NodePort answer
   * for every node address, a load balancer for every target node): which nodes it singles out,
   * and their keys. separateEndpointNodes is as in NodeClassQuery.
   */
  nodeClasses(q: PlacementQuery, separateEndpointNodes: boolean): NodeClasses;
  /**
   * Which table of ordinary keys a Service port's answers use (a small integer; callers keep one
   * table per kind): ordinary keys depend on the cluster and this kind only.
   */
  ordinaryKind(sp: CompiledServicePort): number;
  /** The class key of a node no traffic singles out, reached at its parsedIps[address] (none when negative), in table `kind`. */
  ordinaryNodeClassKey(cc: CompiledCluster, node: number, address: number, kind: number): number;
  /**
   * Whether the answer for this client's traffic on a node hosting endpoints (not the client's
   * node) can depend on which endpoints that node hosts, including in the what-if re-evaluations
   * behind suggestions. When it cannot, those nodes need no class each (separateEndpointNodes).
   * Depends on the Service port and the client only: asked once per answer, not per node.
   */
  endpointPlacementMatters(q: PlacementQuery): boolean;
  /**
   * Whether the decisions taken for this client's traffic on a node hosting endpoints (not the
   * client's node) can depend on which endpoints that node hosts, as opposed to whether its
   * connections complete. When they cannot, nodes whose class keys are equal once nodes hosting
   * endpoints get no classes of their own (separateEndpointNodes false) get equal decisions:
   * reachability then takes them once and checks only each node's connections.
   */
  decisionPlacementMatters(q: PlacementQuery): boolean;
}

/** A key per node address (addresses per node stay far below ADDRESS_SLOTS). */
const ADDRESS_SLOTS = 4096;
const ownKey = (node: number, address: number): number => node * ADDRESS_SLOTS + address + 1;
/** Keys for single questions at an address that is not one of the node's: each a key of its own. */
let lastOtherKey = 2 ** 40;
function nodeAddressKey(q: NodeClassQuery): number {
  if (q.address === null) return ownKey(q.node.index, -1);
  const text = q.address.text;
  const a = q.node.parsedIps.findIndex((p) => p.text === text);
  return a >= 0 ? ownKey(q.node.index, a) : ++lastOtherKey;
}

/** Every node singled out, each node address a class of its own. */
class NoClasses implements NodeClasses {
  readonly singled: readonly number[];
  constructor(cc: CompiledCluster) {
    this.singled = cc.nodes.map((n) => n.index);
  }
  key(node: number, address: number): number {
    return ownKey(node, address);
  }
}

/**
 * Shares nothing: every node address is answered on its own, and every connection outcome is
 * asked of the data plane. Correct for any data plane, and the default of a profile (or a
 * behaviour) that has not proven a sharing of its own.
 */
export const NO_SHARING: Sharing = {
  connectionNodeLocal: false,
  nodeClassKey: nodeAddressKey,
  nodeClasses: (q) => new NoClasses(q.cc),
  ordinaryKind: () => 0,
  ordinaryNodeClassKey: (_cc, node, address) => ownKey(node, address),
  endpointPlacementMatters: () => true,
  decisionPlacementMatters: () => true,
};

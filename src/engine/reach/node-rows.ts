// The rows of a NodePort answer: one per node address the client can use (10,000 in a
// 5,000-node cluster), and the node class key most of them get. Both depend on the cluster
// (and the shape of the answer), not on the Service or the client, so they are built once per
// cluster and shared by every answer: an answer then keys, and stores a class for, only the
// few nodes the sharing singles out for its traffic (Sharing.nodeClasses().singled).
import type { CompiledCluster, CompiledNode } from '../compiled';
import type { Sharing } from '../sharing/sharing';
import type { IpFamily } from '../ip';

/** Row address kind: one of the node's internal IPs (its index in parsedIps), or its EIP. */
export const EIP = -1;

/**
 * The rows of a NodePort answer, in node order: each node's internal IPs of the family (when
 * asked), then its EIP of the family (when asked). Which rows there are depends on the
 * cluster, the client's address family and which of the two the client can use.
 */
export interface RowLayout {
  readonly length: number;
  /** Node index per row. */
  readonly nodes: Int32Array;
  /** Index in the node's parsedIps per row, or EIP. */
  readonly addresses: Int32Array;
  /**
   * The address the packet reaches the node with, as an index in its parsedIps: the address
   * itself, or for an EIP the node's primary IP of the family (parsedPrimary), -1 when none.
   */
  readonly dsts: Int32Array;
  /** The node owning that address (CompiledCluster.ipOwner), -1 when none (or not a node). */
  readonly owners: Int32Array;
  /** The rows of node n are rowStart[n] .. rowStart[n + 1] - 1. */
  readonly rowStart: Int32Array;
}

/**
 * Per nodes array (shared by patched versions while nodes and settings are unchanged): a layout
 * reads the nodes, and ipOwner only for node addresses, which pods never take from a node.
 */
const LAYOUTS = new WeakMap<readonly CompiledNode[], Map<string, RowLayout>>();

function buildLayout(cc: CompiledCluster, family: IpFamily, internalIps: boolean, eips: boolean): RowLayout {
  const nodes: number[] = [];
  const addresses: number[] = [];
  const dsts: number[] = [];
  const rowStart = new Int32Array(cc.nodes.length + 1);
  for (const node of cc.nodes) {
    rowStart[node.index] = nodes.length;
    if (internalIps) {
      for (let i = 0; i < node.parsedIps.length; i++) {
        if (node.parsedIps[i].family === family) {
          nodes.push(node.index);
          addresses.push(i);
          dsts.push(i);
        }
      }
    }
    const eip = node.parsedExternalIp;
    if (eips && eip !== null && eip.family === family) {
      nodes.push(node.index);
      addresses.push(EIP);
      const primary = node.parsedPrimary[family];
      dsts.push(primary === null ? -1 : node.parsedIps.indexOf(primary));
    }
  }
  rowStart[cc.nodes.length] = nodes.length;
  const owners = new Int32Array(nodes.length);
  for (let r = 0; r < nodes.length; r++) {
    const owner = dsts[r] < 0 ? undefined : cc.ipOwner.get(cc.nodes[nodes[r]].parsedIps[dsts[r]].text);
    owners[r] = owner?.kind === 'NODE' ? owner.index : -1;
  }
  return {
    length: nodes.length,
    nodes: Int32Array.from(nodes),
    addresses: Int32Array.from(addresses),
    dsts: Int32Array.from(dsts),
    owners,
    rowStart,
  };
}

/** The (shared, cached) rows of a NodePort answer over `family` addresses: internal IPs and/or EIPs. */
export function nodePortRows(cc: CompiledCluster, family: IpFamily, internalIps: boolean, eips: boolean): RowLayout {
  let byShape = LAYOUTS.get(cc.nodes);
  if (byShape === undefined) LAYOUTS.set(cc.nodes, (byShape = new Map()));
  const shape = `${family}|${internalIps}|${eips}`;
  let layout = byShape.get(shape);
  if (layout === undefined) byShape.set(shape, (layout = buildLayout(cc, family, internalIps, eips)));
  return layout;
}

/** An ordinary class key present in a layout: for rows of one kind (EIP or not), and its first such row. */
export interface OrdinaryClass {
  readonly eip: boolean;
  readonly key: number;
  readonly firstRow: number;
}

/** The ordinary class key of every row of a layout (Sharing.ordinaryNodeClassKey), and which keys occur. */
export interface OrdinaryRows {
  /** Per row; -1 for an EIP row that reaches no node address (dsts -1: it is never answered). */
  readonly keys: Int32Array;
  /** Each (kind, key) occurring, in order of first row. */
  readonly classes: readonly OrdinaryClass[];
}

const ORDINARY = new WeakMap<RowLayout, Map<Sharing, OrdinaryRows[]>>();

function buildOrdinary(sharing: Sharing, cc: CompiledCluster, layout: RowLayout, kind: number): OrdinaryRows {
  const keys = new Int32Array(layout.length);
  const classes: OrdinaryClass[] = [];
  const seen = [new Set<number>(), new Set<number>()];
  for (let r = 0; r < layout.length; r++) {
    const d = layout.dsts[r];
    const eip = layout.addresses[r] === EIP;
    if (eip && d < 0) {
      keys[r] = -1;
      continue;
    }
    const key = sharing.ordinaryNodeClassKey(cc, layout.nodes[r], d, kind);
    keys[r] = key;
    const keysSeen = seen[eip ? 1 : 0];
    if (!keysSeen.has(key)) {
      keysSeen.add(key);
      classes.push({ eip, key, firstRow: r });
    }
  }
  return { keys, classes };
}

/** The ordinary keys of a layout's rows under `sharing`, in table `kind` (Sharing.ordinaryKind), built on first use and kept. */
export function ordinaryRows(sharing: Sharing, cc: CompiledCluster, layout: RowLayout, kind: number): OrdinaryRows {
  let bySharing = ORDINARY.get(layout);
  if (bySharing === undefined) ORDINARY.set(layout, (bySharing = new Map()));
  let tables = bySharing.get(sharing);
  if (tables === undefined) bySharing.set(sharing, (tables = []));
  return (tables[kind] ??= buildOrdinary(sharing, cc, layout, kind));
}

// The NodePort results of an answer: one per node address the client can use (10,000 in a
// 5,000-node cluster), answered by node class. Rows and the class key most of them get come
// from tables shared by every answer (node-rows.ts); only the nodes the traffic singles out
// are keyed here, and each class is evaluated once, at its first row.
import type { NodeClasses, PlacementQuery } from '../sharing/sharing';
import type { ParsedIp } from '../ip';
import { unknownResult, viaFor } from './build';
import type { Member, NodeClass } from './build';
import { atNode, evaluateClassOf, inCluster, SharedWhatIfs, SimilarClasses } from './classes';
import type { Scope } from './classes';
import { EIP, nodePortRows, ordinaryRows } from './node-rows';
import type { OrdinaryRows, RowLayout } from './node-rows';
import { MemberRun } from './result-list';
import { sortedIndexOf } from '../sorted';

/** A class of a NodePort answer: its kind of row (EIP or internal IP), key, first row (its representative) and, once made, id. */
interface RowClass {
  readonly eip: boolean;
  readonly key: number;
  row: number;
  id: number;
}

/** The classes of a NodePort answer in order of first row, and the class of each row of the nodes singled out (rows ascending). */
interface RowClasses {
  readonly order: readonly RowClass[];
  readonly singledRows: readonly number[];
  readonly singledClasses: readonly RowClass[];
}

/**
 * The classes a pass over every row would meet, in that order, without the pass: the rows of
 * the nodes the traffic singles out are keyed one by one; every other row has its ordinary key
 * (shared tables), so an ordinary class starts at its first row on a node not singled out.
 * The two kinds of row never share a class: both are answered only for in-cluster clients of
 * a profile answering EIPs like private IPs, and then EIPs have classes of their own.
 */
function rowClasses(classing: NodeClasses, rows: RowLayout, ordinary: OrdinaryRows, run: MemberRun): RowClasses {
  const byKey: [Map<number, RowClass>, Map<number, RowClass>] = [new Map(), new Map()];
  // Classes in order of first row: the singled-out nodes come in index order, so their rows
  // (and classes) come in row order; the few ordinary classes are then put in place.
  const order: RowClass[] = [];
  const singled = classing.singled;
  const singledRows: number[] = [];
  const singledClasses: RowClass[] = [];
  for (let k = 0; k < singled.length; k++) {
    const n = singled[k];
    for (let r = rows.rowStart[n]; r < rows.rowStart[n + 1]; r++) {
      if (run.unanswered(r)) continue;
      const eip = rows.addresses[r] === EIP;
      const key = classing.key(n, rows.dsts[r]);
      const classes = byKey[eip ? 1 : 0];
      let c = classes.get(key);
      if (c === undefined) {
        c = { eip, key, row: r, id: -1 };
        classes.set(key, c);
        order.push(c);
      }
      singledRows.push(r);
      singledClasses.push(c);
    }
  }
  for (let k = 0; k < ordinary.classes.length; k++) {
    const c = ordinary.classes[k];
    // EIP classes when EIPs are not answered (their first row is an EIP reaching a node address).
    if (run.unanswered(c.firstRow)) continue;
    const r = firstOrdinaryRow(rows, ordinary, c.eip, c.key, c.firstRow, singled);
    if (r < 0) continue;
    const classes = byKey[c.eip ? 1 : 0];
    const met = classes.get(c.key);
    if (met === undefined) {
      const added: RowClass = { eip: c.eip, key: c.key, row: r, id: -1 };
      classes.set(c.key, added);
      order.splice(rowPosition(order, r), 0, added);
    } else if (r < met.row) {
      // Also the key of a node singled out: the class starts earlier.
      order.splice(order.indexOf(met), 1);
      met.row = r;
      order.splice(rowPosition(order, r), 0, met);
    }
  }
  return { order, singledRows, singledClasses };
}

/** Where a class starting at `row` goes in `order` (ascending by first row). */
function rowPosition(order: readonly RowClass[], row: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid].row < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first row from `from` on with this ordinary key and kind on a node not singled out (`singled`: ascending), or -1. */
function firstOrdinaryRow(
  rows: RowLayout,
  ordinary: OrdinaryRows,
  eip: boolean,
  key: number,
  from: number,
  singled: readonly number[],
): number {
  for (let r = from; r < rows.length; r += 1) {
    if (ordinary.keys[r] === key && (rows.addresses[r] === EIP) === eip && sortedIndexOf(singled, rows.nodes[r]) < 0)
      return r;
  }
  return -1;
}

/**
 * NodePort on every node: internal IPs (pods, nodes, private clients) and EIPs. This is the
 * one answer that scales with the cluster (a result per node address: 10,000 in a 5,000-node
 * cluster), so it costs what its classes cost, not what its rows do: the rows (which node
 * addresses the client can use) and the class key each gets unless the traffic singles out its
 * node come from tables shared by every answer (node-rows.ts), and only the few nodes singled
 * out are keyed here (rowClasses). Each class is evaluated once, at its first row, in row
 * order; each row's full AddressResult is built when the caller reads it.
 */
export function nodePorts(s: Scope): void {
  const { env, sp, src } = s;
  if (sp.nodePort === null) return;
  const { cc } = env;
  const dp = env.profile.dataPlane;
  const sharing = env.profile.sharing;
  const external = env.client.kind === 'EXTERNAL';
  // Outside clients' EIP packets are processed at the node; inside ones' cannot be answered.
  // A profile may answer in-cluster EIP access like the private IP (CCE: access type "Public/Private network").
  const eipLikePrivate = !external && dp.eipFromCluster?.(cc, sp) === true;
  const unknownEip =
    external || eipLikePrivate ? null : unknownResult(env, viaFor(sp, 'NODE_PORT', ''), 'CLUSTER_INTERNET_EGRESS');
  const placement: PlacementQuery = { cc, sp, clientNode: env.client.node, clientIp: src };
  const rows = nodePortRows(
    cc,
    src.family,
    !external || env.client.network === 'PRIVATE',
    !external || env.client.network === 'PUBLIC',
  );
  const ordinary = ordinaryRows(sharing, cc, rows, sharing.ordinaryKind(sp));
  // Unanswerable EIPs all share one answer (only their via differs, set per row).
  const run = new MemberRun(
    cc,
    sp,
    unknownEip ?? unknownResult(env, viaFor(sp, 'NODE_PORT', ''), 'CLUSTER_INTERNET_EGRESS'),
    rows,
    ordinary,
    unknownEip === null,
  );
  // Nodes hosting endpoints need classes of their own only when that can change their answers.
  const separateEndpointNodes = sharing.endpointPlacementMatters(placement);
  const classes = rowClasses(sharing.nodeClasses(placement, separateEndpointNodes), rows, ordinary, run);
  const whatIfs = new SharedWhatIfs(sharing, placement);
  const similar = separateEndpointNodes
    ? new SimilarClasses(sharing.nodeClasses(placement, false), !sharing.decisionPlacementMatters(placement))
    : null;
  for (let k = 0; k < classes.order.length; k++) {
    const c = classes.order[k];
    const node = cc.nodes[rows.nodes[c.row]];
    const dst = node.parsedIps[rows.dsts[c.row]];
    const m: Member = c.eip
      ? { sp, kind: 'NODE_PORT', network: 'PUBLIC', node, dst, eip: (node.parsedExternalIp as ParsedIp).text }
      : { sp, kind: 'NODE_PORT', network: 'PRIVATE', node, dst, eip: null };
    const inClusterHow = c.eip ? eipLikePrivate : !external;
    const how = inClusterHow ? inCluster : atNode;
    const address = rows.dsts[c.row];
    const like = similar?.classOf(env, m, address, rows.owners[c.row], inClusterHow, how) ?? null;
    let cls: NodeClass;
    // A class (it has rules), or a path to evaluate the class with.
    if (like !== null && 'rules' in like) {
      cls = like;
    } else {
      const evaluated = evaluateClassOf(s, m, how, whatIfs, like ?? undefined);
      cls = evaluated.cls;
      similar?.remember(m, address, inClusterHow, cls, evaluated.sharedWhatIfs);
    }
    c.id = run.add(cls);
    run.setByKey(c.eip, c.key, c.id);
  }
  const { singledRows, singledClasses } = classes;
  const singledIds = new Int32Array(singledRows.length);
  for (let k = 0; k < singledRows.length; k++) singledIds[k] = singledClasses[k].id;
  run.setRows(singledRows, singledIds);
  s.out.pushRun(run);
}

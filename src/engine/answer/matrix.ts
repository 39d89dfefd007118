// The matrix of one Service: the real client locations × every way of addressing it, nodes
// grouped by what they are to the Service (running one of its backends or not), each cell with
// its verdict, source-IP fate and deciding rule. Built from reachability() answers.
import type { CompiledCluster } from '../compiled';
import type { ReachabilityClient } from '../reach/client';
import { fold } from '../reach/result-list';
import { reachability } from '../reachability';
import type { AddressResult, EndpointOutcome, ReachVerdict, Via, AddressKind } from '../results';
import type { Protocol } from '../model';
import type { Rule, RuleId } from '../rules';
import { RULES } from '../rules';
import { number, overallVerdict, reasonOf, sourceIpFate, type SourceIpFate, type Summary } from './summary';

/** Where a NodePort column's nodes stand, relative to the client and the Service. */
export type NodeRole = 'CLIENT_NODE' | 'BACKEND_NODES' | 'OTHER_NODES';
/** Nodes running one of the Service's backends, or not. */
export type NodeClass = 'BACKEND_NODES' | 'OTHER_NODES';

export interface MatrixClient {
  readonly kind: 'NODE' | 'POD' | 'EXTERNAL';
  /** The client asked: a node, a pod "namespace/name", or PUBLIC / PRIVATE. */
  readonly name: string;
  readonly node: string | null;
  /** The class of nodes it stands for (null outside the cluster). */
  readonly nodeClass: NodeClass | null;
  /** How many nodes the class holds. */
  readonly nodeCount: number;
  readonly label: string;
}

export interface MatrixColumn {
  readonly id: string;
  readonly kind: AddressKind;
  readonly network: 'PUBLIC' | 'PRIVATE' | null;
  readonly port: number;
  readonly protocol: Protocol;
  readonly portName: string | null;
  /** NodePorts: which nodes; null for other kinds. */
  readonly role: NodeRole | null;
  /** ClusterIP, load-balancer and external IPs: the address; null for NodePorts. */
  readonly address: string | null;
  readonly label: string;
}

export type MatrixVerdict = ReachVerdict | 'NOT_APPLICABLE';

/**
 * NetworkPolicy in a cell (null when the cluster has none): NOT_ENFORCED (stored, not enforced),
 * OPEN (no policy selects either end), ALLOWED (an end is isolated and every judged connection is
 * allowed), PARTLY_DENIED, DENIED (every judged connection dropped by policy).
 */
export type MatrixPolicy = 'NOT_ENFORCED' | 'OPEN' | 'ALLOWED' | 'PARTLY_DENIED' | 'DENIED';

export interface MatrixCell {
  readonly verdict: MatrixVerdict;
  /** What NetworkPolicy does to the cell's connections (judged where the data plane completes them). */
  readonly policy: MatrixPolicy | null;
  readonly sourceIpPreserved: SourceIpFate;
  /** The deciding rule: the first failing connection's, else the last step's (null when not applicable). */
  readonly rule: RuleId | null;
  /** How many addresses the cell stands for, for this client. */
  readonly count: number;
}

export interface MatrixRow {
  readonly client: MatrixClient;
  readonly cells: readonly MatrixCell[];
}

export interface ServiceMatrix {
  readonly service: string;
  readonly summary: Summary;
  readonly columns: readonly MatrixColumn[];
  readonly rows: readonly MatrixRow[];
  readonly rules: readonly Rule[];
  readonly ignoredBy: RuleId | null;
}

const NOT_APPLICABLE: MatrixCell = {
  verdict: 'NOT_APPLICABLE',
  policy: null,
  sourceIpPreserved: null,
  rule: null,
  count: 0,
};

interface Location {
  readonly client: MatrixClient;
  readonly request: ReachabilityClient;
  readonly node: number;
}

/** The nodes running a backend of the Service (any port), and its backend pods. */
function backendsOf(cc: CompiledCluster, service: number): { nodes: Set<number>; pods: Set<string> } {
  const nodes = new Set<number>();
  const pods = new Set<string>();
  for (const i of cc.services[service].ports) {
    for (const ep of cc.servicePorts[i].endpoints) {
      if (ep.nodeIndex >= 0) nodes.add(ep.nodeIndex);
      if (ep.podKey !== null) pods.add(ep.podKey);
    }
  }
  return { nodes, pods };
}

const CLASS_WORDS: Readonly<Record<NodeClass, string>> = {
  BACKEND_NODES: 'running a backend',
  OTHER_NODES: 'running no backend',
};

/**
 * The client locations: per class of node, its first node's host network and the first running
 * pod on a node of the class that is not one of the Service's backends (a real client: none is
 * made up), then the internet and the VPC.
 */
export function clientLocations(cc: CompiledCluster, service: number): Location[] {
  const { nodes: backendNodes, pods: backendPods } = backendsOf(cc, service);
  const classOf = (n: number): NodeClass => (backendNodes.has(n) ? 'BACKEND_NODES' : 'OTHER_NODES');
  const count: Record<NodeClass, number> = {
    BACKEND_NODES: backendNodes.size,
    OTHER_NODES: cc.nodes.length - backendNodes.size,
  };
  const host = new Map<NodeClass, number>();
  for (const node of cc.nodes) if (!host.has(classOf(node.index))) host.set(classOf(node.index), node.index);
  const pod = new Map<NodeClass, { key: string; node: number }>();
  const pods = cc.model.pods;
  for (let i = 0; i < pods.length && pod.size < host.size; i++) {
    const p = pods[i];
    if (
      p.hostNetwork ||
      p.nodeName === null ||
      p.ips.length === 0 ||
      p.phase !== 'Running' ||
      p.unknown?.includes('ips')
    )
      continue;
    const key = `${p.namespace}/${p.name}`;
    const n = cc.nodeByName.get(p.nodeName);
    if (n === undefined || backendPods.has(key) || pod.has(classOf(n))) continue;
    pod.set(classOf(n), { key, node: n });
  }
  const out: Location[] = [];
  for (const cls of ['BACKEND_NODES', 'OTHER_NODES'] as const) {
    const n = host.get(cls);
    if (n === undefined) continue;
    const of = `${count[cls] === 1 ? 'the only node' : `1 of ${number(count[cls])} nodes`} ${CLASS_WORDS[cls]}`;
    const name = cc.nodes[n].name;
    out.push({
      client: {
        kind: 'NODE',
        name,
        node: name,
        nodeClass: cls,
        nodeCount: count[cls],
        label: `the host of ${name} (${of})`,
      },
      request: { node: name },
      node: n,
    });
    const p = pod.get(cls);
    if (p !== undefined) {
      const on = cc.nodes[p.node].name;
      out.push({
        client: {
          kind: 'POD',
          name: p.key,
          node: on,
          nodeClass: cls,
          nodeCount: count[cls],
          label: `pod ${p.key} on ${on} (${of})`,
        },
        request: { pod: p.key },
        node: p.node,
      });
    }
  }
  for (const network of ['PUBLIC', 'PRIVATE'] as const) {
    const label = network === 'PUBLIC' ? 'a client on the internet' : 'a client in the VPC';
    out.push({
      client: { kind: 'EXTERNAL', name: network, node: null, nodeClass: null, nodeCount: 0, label },
      request: { external: { network } },
      node: -1,
    });
  }
  return out;
}

const KIND_WORDS: Readonly<Record<AddressKind, string>> = {
  CLUSTER_IP: 'ClusterIP',
  NODE_PORT: 'NodePort',
  LOAD_BALANCER: 'load balancer',
  EXTERNAL_IP: 'externalIP',
  POD_IP: 'pod IP',
  IP: 'address',
};
const ROLE_WORDS: Readonly<Record<NodeRole, string>> = {
  CLIENT_NODE: "on the client's own node",
  BACKEND_NODES: 'on nodes running a backend',
  OTHER_NODES: 'on nodes running no backend',
};

/** Where a result falls: its column's parts (the label is written once per new column). */
interface Place {
  readonly kind: AddressKind;
  readonly network: 'PUBLIC' | 'PRIVATE' | null;
  readonly port: number;
  readonly protocol: Protocol;
  readonly role: NodeRole | null;
  readonly address: string | null;
}

function roleOf(
  kind: AddressKind,
  node: string | undefined,
  clientNode: number,
  backendNodes: ReadonlySet<number>,
  cc: CompiledCluster,
): NodeRole | null {
  if (kind !== 'NODE_PORT') return null;
  const n = node === undefined ? -1 : (cc.nodeByName.get(node) ?? -1);
  return n === clientNode ? 'CLIENT_NODE' : backendNodes.has(n) ? 'BACKEND_NODES' : 'OTHER_NODES';
}

const ROLE_SLOT: Readonly<Record<NodeRole | 'NONE', number>> = {
  NONE: 0,
  CLIENT_NODE: 1,
  BACKEND_NODES: 2,
  OTHER_NODES: 3,
};
const NETWORK_SLOT: Readonly<Record<'PUBLIC' | 'PRIVATE' | 'NONE', number>> = { NONE: 0, PRIVATE: 1, PUBLIC: 2 };

/** The column of a result with via `v` (of its class: its address is the row's only for non-NodePorts), seen on `network`. */
function columnOf(v: Via, network: 'PUBLIC' | 'PRIVATE' | null, role: NodeRole | null): Omit<MatrixColumn, 'id'> {
  const where = network === null ? '' : network === 'PUBLIC' ? ' (public IP)' : ' (private IP)';
  if (role !== null)
    return {
      kind: v.kind,
      network,
      port: v.port,
      protocol: v.protocol,
      portName: v.portName,
      role,
      address: null,
      label: `NodePort ${v.port}/${v.protocol} ${ROLE_WORDS[role]}${where}`,
    };
  return {
    kind: v.kind,
    network,
    port: v.port,
    protocol: v.protocol,
    portName: v.portName,
    role: null,
    address: v.address,
    label: `${KIND_WORDS[v.kind]} ${v.address}:${v.port}/${v.protocol}${where}`,
  };
}

const columnKey = (c: Place): string =>
  `${c.kind}|${c.network ?? ''}|${c.port}|${c.protocol}|${c.role ?? ''}|${c.address ?? ''}`;

/** The results of one row that fall in one column, folded into a cell. */
class CellBuilder {
  readonly verdicts = new Set<ReachVerdict>();
  readonly fates = new Set<boolean | null>();
  rule: RuleId | null = null;
  ruleVerdict: ReachVerdict | null = null;
  count = 0;
  /** Judged connections: denied by policy, allowed with an end isolated, allowed with neither isolated, not enforced. */
  readonly #policy = { denied: 0, isolated: 0, open: 0, off: 0 };

  /** The outcomes folded in so far (a NodePort run hands out one object per node class). */
  readonly #seen = new Set<AddressResult>();

  add(r: AddressResult): void {
    this.count++;
    if (this.#seen.has(r)) return;
    this.#seen.add(r);
    const verdict = r.verdict;
    this.verdicts.add(verdict);
    this.#addPolicies(r.endpoints);
    for (const d of r.deliveries ?? []) this.#addPolicies(d.endpoints);
    if (verdict === 'REACHABLE' || verdict === 'PARTIAL') this.fates.add(r.sourceIp.preserved);
    // A failing (or unknown) address's rule says more than a working one's.
    if (this.ruleVerdict === null || (this.ruleVerdict === 'REACHABLE' && verdict !== 'REACHABLE')) {
      this.rule = r.rule;
      this.ruleVerdict = verdict;
    }
  }

  #addPolicies(endpoints: readonly EndpointOutcome[]): void {
    const p = this.#policy;
    for (const e of endpoints) {
      const j = e.policy;
      if (j === undefined) continue;
      if (!j.egress.allowed || !j.ingress.allowed) p.denied++;
      else if (j.egress.reason === 'NOT_ENFORCED' && j.ingress.reason === 'NOT_ENFORCED') p.off++;
      else if (j.egress.policies.length > 0 || j.ingress.policies.length > 0) p.isolated++;
      else p.open++;
    }
  }

  #policyOf(): MatrixPolicy | null {
    const { denied, isolated, open, off } = this.#policy;
    const judged = denied + isolated + open + off;
    if (judged === 0) return null;
    if (denied === judged) return 'DENIED';
    if (denied > 0) return 'PARTLY_DENIED';
    if (isolated > 0) return 'ALLOWED';
    return off > 0 ? 'NOT_ENFORCED' : 'OPEN';
  }

  build(): MatrixCell {
    return {
      verdict: overallVerdict(this.verdicts),
      policy: this.#policyOf(),
      sourceIpPreserved: sourceIpFate(this.fates),
      rule: this.rule,
      count: this.count,
    };
  }
}

function matrixSummary(
  service: string,
  rows: readonly MatrixRow[],
  columns: readonly MatrixColumn[],
  ignoredBy: Rule | null,
): Summary {
  const name = service.slice(service.indexOf('/') + 1);
  if (ignoredBy !== null)
    return {
      verdict: 'UNREACHABLE',
      sourceIpPreserved: null,
      text: `kube-proxy ignores ${name}: ${ignoredBy.statement}`,
    };
  const applicable = rows.flatMap((r) => r.cells.filter((c) => c.verdict !== 'NOT_APPLICABLE'));
  const verdict = overallVerdict(applicable.map((c) => c.verdict as ReachVerdict));
  const sourceIpPreserved = sourceIpFate(
    applicable.filter((c) => c.verdict === 'REACHABLE' || c.verdict === 'PARTIAL').map((c) => c.sourceIpPreserved),
  );
  // The worst pair is the example: a failure before a partial failure before an unknown.
  const severity: Partial<Record<MatrixVerdict, number>> = { UNREACHABLE: 0, PARTIAL: 1, UNKNOWN: 2 };
  const words: Partial<Record<MatrixVerdict, string>> = {
    UNREACHABLE: 'fails',
    PARTIAL: 'partly fails',
    UNKNOWN: 'is unknown',
  };
  let bad = 0;
  let worst: { row: MatrixRow; cell: MatrixCell; column: MatrixColumn } | null = null;
  for (const row of rows) {
    row.cells.forEach((cell, i) => {
      const rank = severity[cell.verdict];
      if (rank === undefined) return;
      bad++;
      if (worst === null || rank < (severity[worst.cell.verdict] as number)) worst = { row, cell, column: columns[i] };
    });
  }
  const where = `${rows.length} client location${rows.length === 1 ? '' : 's'} × ${columns.length} way${columns.length === 1 ? '' : 's'} of addressing`;
  if (worst === null) return { verdict, sourceIpPreserved, text: `Every one of ${where} reaches ${name}.` };
  const w = worst as { row: MatrixRow; cell: MatrixCell; column: MatrixColumn };
  return {
    verdict,
    sourceIpPreserved,
    text: `Of ${where}, ${bad} pair${bad === 1 ? '' : 's'} do not always reach ${name}; e.g. from ${w.row.client.label}, the ${w.column.label} ${words[w.cell.verdict]} (${reasonOf(w.cell.rule)}).`,
  };
}

/** Every client location × every way of addressing one Service (`namespace/name`, which must exist). */
export function serviceMatrix(cc: CompiledCluster, service: string): ServiceMatrix {
  const index = cc.serviceByKey.get(service) as number;
  const { nodes: backendNodes } = backendsOf(cc, index);
  const locations = clientLocations(cc, index);
  const columns = new Map<string, MatrixColumn>();
  const table = new Set<RuleId>();
  let ignoredBy: Rule | null = null;
  const folded = locations.map((loc) => {
    const answer = reachability(cc, { client: loc.request, service });
    ignoredBy = answer.ignoredBy;
    const cells = new Map<string, CellBuilder>();
    // A NodePort run hands out one outcome object per node class: its cell for each (role,
    // network) is found once; a row then costs a lookup of its node.
    const slots = new Map<AddressResult, { readonly via: Via; readonly cells: (CellBuilder | undefined)[] }>();
    fold(answer.results, (o, node, network) => {
      let known = slots.get(o);
      if (known === undefined) slots.set(o, (known = { via: o.via, cells: [] }));
      const { via: v, cells: perOutcome } = known;
      const role = roleOf(v.kind, node, loc.node, backendNodes, cc);
      const slot = ROLE_SLOT[role ?? 'NONE'] * 3 + NETWORK_SLOT[network ?? 'NONE'];
      let cell = perOutcome[slot];
      if (cell === undefined) {
        const place = columnOf(v, network ?? null, role);
        const key = columnKey(place);
        if (!columns.has(key)) columns.set(key, { id: `c${columns.size + 1}`, ...place });
        cell = cells.get(key);
        if (cell === undefined) cells.set(key, (cell = new CellBuilder()));
        perOutcome[slot] = cell;
      }
      cell.add(o);
    });
    return { client: loc.client, cells };
  });
  const keys = [...columns.keys()];
  const rows: MatrixRow[] = folded.map(({ client, cells }) => ({
    client,
    cells: keys.map((k) => {
      const cell = cells.get(k)?.build() ?? NOT_APPLICABLE;
      if (cell.rule !== null) table.add(cell.rule);
      return cell;
    }),
  }));
  const ignored = ignoredBy as Rule | null;
  if (ignored !== null) table.add(ignored.id);
  const cols = [...columns.values()];
  return {
    service,
    summary: matrixSummary(service, rows, cols, ignored),
    columns: cols,
    rows,
    rules: [...table].map((id) => RULES[id]),
    ignoredBy: ignored?.id ?? null,
  };
}

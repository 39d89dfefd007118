// The CCE page's failure table (cce_10_0249, "Why a Service Fail to Be Accessed from Within the
// Cluster"), as data. eTP Local only. Each cell is one rule id citing its row and column; any
// case the table does not list succeeds (the page says so). Pure data: rules.ts builds the rule
// specs from it, dataplane.ts (next to it) looks cells up.
import type { NetworkModel, ProxyMode } from '../../model';

export const CCE_PAGE = 'reference/cce-service-overview.rst';

/** The four columns, in the page's order. */
export type CceColumn = 'TUNNEL-IPVS' | 'VPC-IPVS' | 'TUNNEL-IPTABLES' | 'VPC-IPTABLES';
/** NodePort rows: where the client is, relative to the node running the backend pod ("server node"). */
export type NodePortRow = 'NP-SERVER-HOST' | 'NP-OTHER-HOST' | 'NP-SERVER-CONTAINER' | 'NP-OTHER-CONTAINER';
/** Dedicated-ELB rows (private IP of the load balancer). */
export type LoadBalancerRow = 'LB-SERVER-HOST' | 'LB-SERVER-CONTAINER';
/** Which node's IP:NodePort the client addressed (private IP or EIP alike). */
export type NodePortTarget = 'SERVER-NODE' | 'OTHER-NODE';

export type CceCellRuleId =
  `CCE-T2-${NodePortRow}-${NodePortTarget}-${CceColumn}` | `CCE-T2-${LoadBalancerRow}-${CceColumn}`;

export type CellOutcome = 'SUCCEEDS' | 'FAILS';

export const COLUMN_TITLE: Readonly<Record<CceColumn, string>> = {
  'TUNNEL-IPVS': 'Tunnel Network Cluster (IPVS)',
  'VPC-IPVS': 'VPC Network Cluster (IPVS)',
  'TUNNEL-IPTABLES': 'Tunnel Network Cluster (iptables)',
  'VPC-IPTABLES': 'VPC Network Cluster (iptables)',
};
export const COLUMNS: readonly CceColumn[] = ['TUNNEL-IPVS', 'VPC-IPVS', 'TUNNEL-IPTABLES', 'VPC-IPTABLES'];

interface RowTitle {
  readonly service: string;
  readonly access: string;
  readonly location: string;
  readonly who: string;
}

export const ROW_TITLE: Readonly<Record<NodePortRow | LoadBalancerRow, RowTitle>> = {
  'NP-SERVER-HOST': {
    service: 'NodePort Service',
    access: 'Public/Private network',
    location: 'Same node as the service pod',
    who: 'the host of the node running the backend pod',
  },
  'NP-OTHER-HOST': {
    service: 'NodePort Service',
    access: 'Public/Private network',
    location: 'Different nodes from the service pod',
    who: 'the host of a node not running the backend pod',
  },
  'NP-SERVER-CONTAINER': {
    service: 'NodePort Service',
    access: 'Public/Private network',
    location: 'Other containers on the same node as the service pod',
    who: 'another container on the node running the backend pod',
  },
  'NP-OTHER-CONTAINER': {
    service: 'NodePort Service',
    access: 'Public/Private network',
    location: 'Other containers on different nodes from the service pod',
    who: 'a container on a node not running the backend pod',
  },
  'LB-SERVER-HOST': {
    service: 'LoadBalancer Service using a dedicated load balancer',
    access: 'Private network',
    location: 'Same node as the service pod',
    who: 'the host of the node running the backend pod',
  },
  'LB-SERVER-CONTAINER': {
    service: 'LoadBalancer Service using a dedicated load balancer',
    access: 'Private network',
    location: 'Other containers on the same node as the service pod',
    who: 'another container on the node running the backend pod',
  },
};

const SERVER_OK =
  'Access the IP address and NodePort on the node where the server is located: The access is successful.';
const OTHER_FAILS =
  'Access the IP address and NodePort on a node other than the node where the server is located: The access failed.';
const ALL_OK = 'The access is successful.';
const ALL_FAIL = 'The access failed.';

/** One cell as the page writes it: "split" = server node succeeds, other nodes fail. */
type CellKind = 'SPLIT' | 'ALL_OK' | 'ALL_FAIL';

const NODE_PORT_CELLS: Readonly<Record<NodePortRow, Readonly<Record<CceColumn, CellKind>>>> = {
  'NP-SERVER-HOST': {
    'TUNNEL-IPVS': 'SPLIT',
    'VPC-IPVS': 'SPLIT',
    'TUNNEL-IPTABLES': 'SPLIT',
    'VPC-IPTABLES': 'SPLIT',
  },
  'NP-OTHER-HOST': {
    'TUNNEL-IPVS': 'SPLIT',
    'VPC-IPVS': 'SPLIT',
    'TUNNEL-IPTABLES': 'ALL_OK',
    'VPC-IPTABLES': 'ALL_OK',
  },
  'NP-SERVER-CONTAINER': {
    'TUNNEL-IPVS': 'SPLIT',
    'VPC-IPVS': 'ALL_FAIL',
    'TUNNEL-IPTABLES': 'SPLIT',
    'VPC-IPTABLES': 'ALL_FAIL',
  },
  'NP-OTHER-CONTAINER': {
    'TUNNEL-IPVS': 'SPLIT',
    'VPC-IPVS': 'SPLIT',
    'TUNNEL-IPTABLES': 'SPLIT',
    'VPC-IPTABLES': 'SPLIT',
  },
};

export interface Cell {
  readonly rule: CceCellRuleId;
  readonly outcome: CellOutcome;
  readonly row: NodePortRow | LoadBalancerRow;
  readonly column: CceColumn;
  readonly target: NodePortTarget | null;
  /** The page's words for this cell (the line that applies to the target). */
  readonly text: string;
}

function nodePortCell(row: NodePortRow, target: NodePortTarget, column: CceColumn): Cell {
  const kind = NODE_PORT_CELLS[row][column];
  const rule: CceCellRuleId = `CCE-T2-${row}-${target}-${column}`;
  if (kind === 'ALL_OK') return { rule, outcome: 'SUCCEEDS', row, column, target, text: ALL_OK };
  if (kind === 'ALL_FAIL') return { rule, outcome: 'FAILS', row, column, target, text: ALL_FAIL };
  return target === 'SERVER-NODE'
    ? { rule, outcome: 'SUCCEEDS', row, column, target, text: SERVER_OK }
    : { rule, outcome: 'FAILS', row, column, target, text: OTHER_FAILS };
}

function loadBalancerCell(row: LoadBalancerRow, column: CceColumn): Cell {
  return { rule: `CCE-T2-${row}-${column}`, outcome: 'FAILS', row, column, target: null, text: ALL_FAIL };
}

const NP_ROWS: readonly NodePortRow[] = [
  'NP-SERVER-HOST',
  'NP-OTHER-HOST',
  'NP-SERVER-CONTAINER',
  'NP-OTHER-CONTAINER',
];
const LB_ROWS: readonly LoadBalancerRow[] = ['LB-SERVER-HOST', 'LB-SERVER-CONTAINER'];
const TARGETS: readonly NodePortTarget[] = ['SERVER-NODE', 'OTHER-NODE'];

/** Every cell of the table: 4 rows x 2 targets x 4 columns for NodePort, 2 rows x 4 columns for the ELB. */
export const ALL_CELLS: readonly Cell[] = [
  ...NP_ROWS.flatMap((row) => TARGETS.flatMap((target) => COLUMNS.map((column) => nodePortCell(row, target, column)))),
  ...LB_ROWS.flatMap((row) => COLUMNS.map((column) => loadBalancerCell(row, column))),
];

const CELL_BY_RULE: ReadonlyMap<string, Cell> = new Map(ALL_CELLS.map((c) => [c.rule, c]));

/** Cells by row, target and column, so a lookup (once per endpoint and node class) builds no rule-id string. */
const NODE_PORT_LOOKUP = new Map<string, Map<NodePortTarget, Map<CceColumn, Cell>>>(
  NP_ROWS.map((row) => [
    row,
    new Map(
      TARGETS.map((target) => [
        target,
        new Map(COLUMNS.map((column) => [column, CELL_BY_RULE.get(`CCE-T2-${row}-${target}-${column}`) as Cell])),
      ]),
    ),
  ]),
);
const LOAD_BALANCER_LOOKUP = new Map<string, Map<CceColumn, Cell>>(
  LB_ROWS.map((row) => [
    row,
    new Map(COLUMNS.map((column) => [column, CELL_BY_RULE.get(`CCE-T2-${row}-${column}`) as Cell])),
  ]),
);

export function lookupNodePortCell(row: NodePortRow, target: NodePortTarget, column: CceColumn): Cell {
  return NODE_PORT_LOOKUP.get(row)?.get(target)?.get(column) as Cell;
}

export function lookupLoadBalancerCell(row: LoadBalancerRow, column: CceColumn): Cell {
  return LOAD_BALANCER_LOOKUP.get(row)?.get(column) as Cell;
}

/** The table's column for a cluster, or null (Cloud Native 2.0, nftables: the page has no column). */
export function columnOf(networkModel: NetworkModel, proxyMode: ProxyMode): CceColumn | null {
  if (networkModel === 'CLOUD_NATIVE_2' || proxyMode === 'NFTABLES') return null;
  return `${networkModel}-${proxyMode}`;
}

/** "row ..., column ..." exactly as the page labels them. */
export function citation(cell: Cell): string {
  const t = ROW_TITLE[cell.row];
  return `cce_10_0249 failure table, row "${t.service} / ${t.access} / ${t.location}", column "${COLUMN_TITLE[cell.column]}": "${cell.text}"`;
}

function statement(cell: Cell): string {
  const t = ROW_TITLE[cell.row];
  const target =
    cell.target === null
      ? 'the private IP of the dedicated load balancer'
      : cell.target === 'SERVER-NODE'
        ? 'the IP:NodePort (private IP or EIP) of the node running the backend pod'
        : 'the IP:NodePort (private IP or EIP) of a node not running the backend pod';
  const verdict = cell.outcome === 'SUCCEEDS' ? 'succeeds' : 'fails';
  return `externalTrafficPolicy Local, ${COLUMN_TITLE[cell.column]}: ${t.who} accessing ${target} ${verdict}.`;
}

export interface CellRuleSpec {
  readonly statement: string;
  readonly evidence: readonly { readonly source: string; readonly case?: string }[];
  readonly inferred: boolean;
  readonly profiles: readonly ['CCE'];
}

/** Rule specs for every cell: documented fact, citing row and column. */
export function cellRuleSpecs(): Record<CceCellRuleId, CellRuleSpec> {
  const out: Partial<Record<CceCellRuleId, CellRuleSpec>> = {};
  for (const cell of ALL_CELLS) {
    out[cell.rule] = {
      statement: statement(cell),
      evidence: [{ source: CCE_PAGE, case: citation(cell) }],
      inferred: false,
      profiles: ['CCE'],
    };
  }
  return out as Record<CceCellRuleId, CellRuleSpec>;
}

const COLUMN_SHORT: Readonly<Record<CceColumn, string>> = {
  'TUNNEL-IPVS': 'tunnel + IPVS',
  'VPC-IPVS': 'VPC + IPVS',
  'TUNNEL-IPTABLES': 'tunnel + iptables',
  'VPC-IPTABLES': 'VPC + iptables',
};

/** A failure-table cell named the way a person reads it ("CCE failure table, tunnel + iptables, row '…'"), or null for other rules. */
export function cellReason(rule: string): string | null {
  const cell = CELL_BY_RULE.get(rule);
  if (cell === undefined) return null;
  return `CCE failure table, ${COLUMN_SHORT[cell.column]}, row '${ROW_TITLE[cell.row].who}'`;
}

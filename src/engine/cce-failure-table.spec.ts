// The CCE page's failure table (cce_10_0249, "Why a Service Fail to Be Accessed from Within the
// Cluster"), one test row per cell: every client location x target (server node / another node,
// private IP and EIP) x column, the dedicated-ELB rows, and "not listed -> succeeds" rows.
// The expected verdicts below are copied from the page, independently of src/engine/profiles/cce/table.ts.
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { NetworkModel, ProxyMode } from './model';
import { reachability, type ReachabilityClient } from './reachability';
import type { AddressResult } from './results';
import { RULES, type RuleId } from './rules';
import { CLUSTER_IP, ELB_PRIVATE_IP, NODE_EIP, NODE_IP, WEB, cceCluster } from './testing/cce';

type Col = 'TUNNEL-IPVS' | 'VPC-IPVS' | 'TUNNEL-IPTABLES' | 'VPC-IPTABLES';
const COLS: readonly { key: Col; network: NetworkModel; proxy: ProxyMode; title: string }[] = [
  { key: 'TUNNEL-IPVS', network: 'TUNNEL', proxy: 'IPVS', title: 'Tunnel Network Cluster (IPVS)' },
  { key: 'VPC-IPVS', network: 'VPC', proxy: 'IPVS', title: 'VPC Network Cluster (IPVS)' },
  { key: 'TUNNEL-IPTABLES', network: 'TUNNEL', proxy: 'IPTABLES', title: 'Tunnel Network Cluster (iptables)' },
  { key: 'VPC-IPTABLES', network: 'VPC', proxy: 'IPTABLES', title: 'VPC Network Cluster (iptables)' },
];

// The page's cells. SPLIT = "server node's IP:NodePort: successful; a node other than the server's: failed".
type Page = 'SPLIT' | 'ALL_OK' | 'ALL_FAIL';
interface Row {
  key: string;
  location: string;
  client: ReachabilityClient;
  clientNode: 'server' | 'other';
  cells: Record<Col, Page>;
}
const NODE_PORT_ROWS: readonly Row[] = [
  {
    key: 'NP-SERVER-HOST',
    location: 'Same node as the service pod',
    client: { node: 'server' },
    clientNode: 'server',
    cells: { 'TUNNEL-IPVS': 'SPLIT', 'VPC-IPVS': 'SPLIT', 'TUNNEL-IPTABLES': 'SPLIT', 'VPC-IPTABLES': 'SPLIT' },
  },
  {
    key: 'NP-OTHER-HOST',
    location: 'Different nodes from the service pod',
    client: { node: 'other' },
    clientNode: 'other',
    cells: { 'TUNNEL-IPVS': 'SPLIT', 'VPC-IPVS': 'SPLIT', 'TUNNEL-IPTABLES': 'ALL_OK', 'VPC-IPTABLES': 'ALL_OK' },
  },
  {
    key: 'NP-SERVER-CONTAINER',
    location: 'Other containers on the same node as the service pod',
    client: { pod: 'default/client-s' },
    clientNode: 'server',
    cells: { 'TUNNEL-IPVS': 'SPLIT', 'VPC-IPVS': 'ALL_FAIL', 'TUNNEL-IPTABLES': 'SPLIT', 'VPC-IPTABLES': 'ALL_FAIL' },
  },
  {
    key: 'NP-OTHER-CONTAINER',
    location: 'Other containers on different nodes from the service pod',
    client: { pod: 'default/client-o' },
    clientNode: 'other',
    cells: { 'TUNNEL-IPVS': 'SPLIT', 'VPC-IPVS': 'SPLIT', 'TUNNEL-IPTABLES': 'SPLIT', 'VPC-IPTABLES': 'SPLIT' },
  },
];

type Node = 'server' | 'other' | 'third';
interface Case {
  name: string;
  col: (typeof COLS)[number];
  client: ReachabilityClient;
  address: string;
  verdict: 'REACHABLE' | 'UNREACHABLE';
  rule: RuleId;
  /** Row label as the page writes it ("Service / Access type / Location"). */
  pageRow: string | null;
  type: 'NodePort' | 'LoadBalancer';
  etp: 'Local' | 'Cluster';
}

function nodePortCases(): Case[] {
  const out: Case[] = [];
  for (const row of NODE_PORT_ROWS) {
    for (const col of COLS) {
      const cell = row.cells[col.key];
      // "another node" = the client's own node when it is not the server, and any third node.
      const targets: Node[] = ['server', 'other', 'third'];
      for (const target of targets) {
        const isServer = target === 'server';
        const ok = cell === 'ALL_OK' || (cell === 'SPLIT' && isServer);
        const tKey = isServer ? 'SERVER-NODE' : 'OTHER-NODE';
        for (const network of ['private', 'public'] as const) {
          const address = network === 'private' ? NODE_IP[target] : NODE_EIP[target];
          out.push({
            name: `row "NodePort Service / Public/Private network / ${row.location}", column "${col.title}": ${target === 'server' ? 'server node' : `another node (${target}${target === row.clientNode ? ", the client's own" : ''})`} ${network} IP:NodePort -> ${ok ? 'successful' : 'failed'}`,
            col,
            client: row.client,
            address,
            verdict: ok ? 'REACHABLE' : 'UNREACHABLE',
            rule: `CCE-T2-${row.key}-${tKey}-${col.key}` as RuleId,
            pageRow: `NodePort Service / Public/Private network / ${row.location}`,
            type: 'NodePort',
            etp: 'Local',
          });
        }
      }
    }
  }
  return out;
}

function loadBalancerCases(): Case[] {
  const rows = [
    { key: 'LB-SERVER-HOST', location: 'Same node as the service pod', client: { node: 'server' } },
    {
      key: 'LB-SERVER-CONTAINER',
      location: 'Other containers on the same node as the service pod',
      client: { pod: 'default/client-s' },
    },
  ];
  return rows.flatMap((row) =>
    COLS.map((col): Case => ({
      name: `row "LoadBalancer Service using a dedicated load balancer / Private network / ${row.location}", column "${col.title}" -> failed`,
      col,
      client: row.client,
      address: ELB_PRIVATE_IP,
      verdict: 'UNREACHABLE',
      rule: `CCE-T2-${row.key}-${col.key}` as RuleId,
      pageRow: `LoadBalancer Service using a dedicated load balancer / Private network / ${row.location}`,
      type: 'LoadBalancer',
      etp: 'Local',
    })),
  );
}

/** Cases the table does not list: they succeed. */
function notListedCases(): Case[] {
  const out: Case[] = [];
  const clients: [string, ReachabilityClient][] = [
    ['server node host', { node: 'server' }],
    ['different node host', { node: 'other' }],
    ['container on the server node', { pod: 'default/client-s' }],
    ['container on a different node', { pod: 'default/client-o' }],
  ];
  for (const col of COLS) {
    for (const [who, client] of clients) {
      out.push({
        name: `not listed: ${who} -> ClusterIP of an eTP Local Service, column "${col.title}" -> successful`,
        col,
        client,
        address: CLUSTER_IP,
        verdict: 'REACHABLE',
        rule: 'CCE-T2-NOT-LISTED',
        pageRow: null,
        type: 'NodePort',
        etp: 'Local',
      });
      out.push({
        name: `not listed (eTP Cluster, Table 1 "Other special case: None"): ${who} -> another node's IP:NodePort, column "${col.title}" -> successful`,
        col,
        client,
        address: NODE_IP.third,
        verdict: 'REACHABLE',
        rule: 'CCE-AFFINITY-CLUSTER',
        pageRow: null,
        type: 'NodePort',
        etp: 'Cluster',
      });
    }
    for (const [who, client] of clients.filter(
      ([, c]) => ('node' in c && c.node === 'other') || ('pod' in c && c.pod === 'default/client-o'),
    )) {
      out.push({
        name: `not listed: ${who} -> dedicated ELB private IP, column "${col.title}" -> successful`,
        col,
        client,
        address: ELB_PRIVATE_IP,
        verdict: 'REACHABLE',
        rule: 'CCE-T2-NOT-LISTED',
        pageRow: null,
        type: 'LoadBalancer',
        etp: 'Local',
      });
    }
  }
  return out;
}

const CASES = [...nodePortCases(), ...loadBalancerCases(), ...notListedCases()];

const compiled = new Map<string, ReturnType<typeof compile>>();
function answer(c: Case): AddressResult {
  const key = `${c.col.key}|${c.type}|${c.etp}`;
  let cc = compiled.get(key);
  if (cc === undefined) {
    cc = compile(cceCluster({ network: c.col.network, proxy: c.col.proxy, type: c.type, etp: c.etp }));
    compiled.set(key, cc);
  }
  const r = reachability(cc, { client: c.client, service: WEB }).results.find((x) => x.via.address === c.address);
  if (r === undefined) throw new Error(`no answer for ${c.address}`);
  return r;
}

describe('CCE failure table (eTP Local), one row per cell', () => {
  it('covers every cell: 4 locations x 3 target nodes x 2 address kinds x 4 columns, plus 8 ELB cells', () => {
    expect(nodePortCases()).toHaveLength(96);
    expect(loadBalancerCases()).toHaveLength(8);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = answer(c);
    expect(r.verdict).toBe(c.verdict);
    const ids = r.rules.map((x) => x.id);
    expect(ids).toContain(c.rule);
    if (c.pageRow !== null) {
      const evidence = RULES[c.rule].evidence.map((e) => e.case ?? '').join(' ');
      expect(evidence).toContain(`row "${c.pageRow}"`);
      expect(evidence).toContain(`column "${c.col.title}"`);
      expect(RULES[c.rule].inferred).toBe(false);
      // The cited line of the page says what the verdict says.
      expect(evidence).toContain(c.verdict === 'REACHABLE' ? 'The access is successful."' : 'The access failed."');
    }
    if (c.address === NODE_EIP.server || c.address === NODE_EIP.other || c.address === NODE_EIP.third) {
      expect([r.via.network, r.missingFact]).toEqual(['PUBLIC', null]);
      expect(ids).toContain('K8S-EIP-NAT');
    }
  });
});

// The answer as sent: its summary, its groups, its rule table and its matrix, checked against the
// per-address results they are built from, on the demo cluster and on generated clusters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compile';
import type { ClusterModel } from '../model';
import { reachability, type ReachabilityClient } from '../reachability';
import type { AddressResult, ReachVerdict } from '../results';
import { cceCluster } from '../testing/cce';
import { demoCluster } from '../testing/demo';
import { decidingRule } from '../reach/build';
import { fold } from '../reach/result-list';
import { smallCluster } from '../testing/small-cluster';
import { reachabilityAnswer, SHOWN, type ReachabilityAnswer } from './compact';
import { serviceMatrix } from './matrix';
import { overallVerdict, sourceIpFate } from './summary';

describe('overall verdict', () => {
  it.each<[string, ReachVerdict[], ReachVerdict]>([
    ['every way succeeds', ['REACHABLE', 'REACHABLE'], 'REACHABLE'],
    ['none does', ['UNREACHABLE', 'UNREACHABLE'], 'UNREACHABLE'],
    ['some do, some fail', ['REACHABLE', 'UNREACHABLE'], 'PARTIAL'],
    ['one way partly fails', ['PARTIAL'], 'PARTIAL'],
    ['known to succeed and fail, one unknown', ['REACHABLE', 'UNREACHABLE', 'UNKNOWN'], 'PARTIAL'],
    ['the rest succeeds, one unknown', ['REACHABLE', 'UNKNOWN'], 'UNKNOWN'],
    ['the rest fails, one unknown', ['UNREACHABLE', 'UNKNOWN'], 'UNKNOWN'],
    ['nothing to ask', [], 'UNREACHABLE'],
  ])('%s', (_, verdicts, expected) => {
    expect(overallVerdict(verdicts)).toBe(expected);
  });
});

describe('source-IP fate', () => {
  it.each<[(boolean | 'MIXED' | null)[], boolean | 'MIXED' | null]>([
    [[true, true], true],
    [[false], false],
    [[true, false], 'MIXED'],
    [[null, true], true],
    [[null], null],
    [[], null],
    [['MIXED', true], 'MIXED'],
  ])('%j → %j', (values, expected) => {
    expect(sourceIpFate(values)).toBe(expected);
  });
});

describe('the demo question (frontend-1 → backend-nodeport)', () => {
  const cc = compile(demoCluster());
  const result = reachability(cc, { client: { pod: 'default/frontend-1' }, service: 'default/backend-nodeport' });
  const answer = reachabilityAnswer(result);

  it('has one summary naming what works, what fails and why', () => {
    expect(answer.summary).toEqual({
      verdict: 'PARTIAL',
      sourceIpPreserved: true,
      text:
        'Reaches backend-nodeport through its ClusterIP with its source IP kept. ' +
        "Through the NodePort on 2 nodes (node-1 and node-2) some connections fail (CCE failure table, tunnel + iptables, row 'a container on a node not running the backend pod'); " +
        "through node-3's NodePort every connection fails (CCE failure table, tunnel + iptables, row 'a container on a node not running the backend pod').",
    });
  });

  it('groups its 7 ways of addressing by outcome (an EIP is offered fewer remedies: see suggestions)', () => {
    expect(
      answer.groups.map((g) => [
        g.kind,
        g.verdict,
        g.count,
        g.addresses.map((a) => a.address),
        g.suggestions.map((x) => x.code),
      ]),
    ).toEqual([
      ['CLUSTER_IP', 'REACHABLE', 1, ['10.247.0.10'], []],
      ['NODE_PORT', 'PARTIAL', 2, ['192.168.0.10', '192.168.0.11'], ['USE_CLUSTER_IP', 'SET_ETP_CLUSTER']],
      ['NODE_PORT', 'PARTIAL', 2, ['203.0.113.10', '203.0.113.11'], ['USE_CLUSTER_IP']],
      ['NODE_PORT', 'UNREACHABLE', 1, ['192.168.0.12'], ['USE_CLUSTER_IP', 'SET_ETP_CLUSTER']],
      ['NODE_PORT', 'UNREACHABLE', 1, ['203.0.113.12'], ['USE_CLUSTER_IP']],
    ]);
    expect(answer.groups[3].rule).toBe('CCE-T2-NP-OTHER-CONTAINER-OTHER-NODE-TUNNEL-IPTABLES');
    expect(answer.groups[3].endpointCount).toEqual({ total: 3, connects: 0, fails: 3 });
    // Nothing connects: no source-IP fate to report.
    expect(answer.groups[3].sourceIp).toEqual({
      preserved: null,
      seenAs: null,
      seenAsKind: null,
      reason: 'NO_CONNECTION',
    });
    expect(answer.results).toBeNull();
  });
});

const modes = fc.constantFrom('IPTABLES' as const, 'NFTABLES' as const, 'IPVS' as const);
const detectors = fc.constantFrom('CLUSTER_CIDR' as const, 'NODE_CIDR' as const, 'NONE' as const);
const RUNS = { numRuns: 20 };

/** Clients of a cluster: two pods, two nodes, outside on both networks. */
function clients(model: ClusterModel): ReachabilityClient[] {
  const pods = model.pods
    .filter((p) => p.nodeName !== null && p.ips.length > 0)
    .slice(0, 2)
    .map((p) => ({ pod: `${p.namespace}/${p.name}` }));
  return [
    ...pods,
    ...model.nodes.slice(0, 2).map((n) => ({ node: n.name })),
    { external: { network: 'PUBLIC' } },
    { external: { network: 'PRIVATE', ip: '172.31.9.9' } },
  ];
}

/** Every (answer, its per-address results) of a cluster: each Service, each client. */
function* answers(model: ClusterModel): Generator<[ReachabilityAnswer, readonly AddressResult[]]> {
  const cc = compile(model);
  for (const s of model.services) {
    for (const client of clients(model)) {
      let result;
      try {
        result = reachability(cc, { client, service: `${s.namespace}/${s.name}` });
      } catch {
        continue; // a client with no address of the Service's family
      }
      yield [reachabilityAnswer(result, { detail: 'FULL' }), result.results];
    }
  }
}

const CCE_VARIANTS = [
  cceCluster(),
  cceCluster({ multiPod: true }),
  cceCluster({ network: 'VPC', proxy: 'IPVS', multiPod: true }),
  cceCluster({ type: 'LoadBalancer', multiPod: true }),
  cceCluster({ type: 'LoadBalancer', etp: 'Cluster' }),
  cceCluster({ profile: 'CCE_TURBO', network: 'CLOUD_NATIVE_2', hostNetworkBackends: true }),
  demoCluster(),
];

function checkAnswer(answer: ReachabilityAnswer, results: readonly AddressResult[]): void {
  // Each result's deciding rule (found per node class, without rendering) is the one its rendered steps and outcomes show.
  for (const r of results) expect(r.rule).toBe(decidingRule(r.path, r.endpoints));
  // fold() hands out, for every result in order, one with the same outcome, and the result's own node and network.
  const outcomeOf = (r: AddressResult) =>
    JSON.stringify([
      r.via.kind,
      r.via.port,
      r.via.protocol,
      r.via.portName,
      r.verdict,
      r.missingFact,
      r.sourceIp.preserved,
      r.sourceIp.reason,
      r.sourceIp.seenAsKind,
      r.rule,
      r.rules.map((x) => x.id),
      r.suggestions,
      r.endpoints.length,
    ]);
  let seen = 0;
  fold(results, (o, node, network, index) => {
    expect(index).toBe(seen++);
    const r = results[index];
    expect([outcomeOf(o), node, network]).toEqual([outcomeOf(r), r.via.node, r.via.network]);
  });
  expect(seen).toBe(results.length);
  // The groups partition the results: counts add up, and each shown address has its group's outcome.
  expect(answer.groups.reduce((n, g) => n + g.count, 0)).toBe(results.length);
  const byAddress = new Map(results.map((r) => [`${r.via.kind} ${r.via.address}:${r.via.port}`, r]));
  for (const g of answer.groups) {
    expect(g.addresses.length).toBe(Math.min(g.count, SHOWN.addresses));
    for (const a of g.addresses) {
      const r = byAddress.get(`${g.kind} ${a.address}:${g.port}`)!;
      expect([r.verdict, r.sourceIp.preserved, r.sourceIp.reason]).toEqual([
        g.verdict,
        g.sourceIp.preserved,
        g.sourceIp.reason,
      ]);
    }
  }
  // Groups are as few as they can be: no two share an outcome.
  const outcomes = answer.groups.map((g) =>
    JSON.stringify([
      g.kind,
      g.port,
      g.protocol,
      g.verdict,
      g.missingFact,
      g.sourceIp.preserved,
      g.sourceIp.reason,
      g.sourceIp.seenAsKind,
      g.rule,
      g.suggestions,
    ]),
  );
  expect(new Set(outcomes).size).toBe(outcomes.length);
  // The rule table holds every rule cited anywhere, once, and no other.
  const cited = new Set<string>();
  const cite = (id: string | null) => id !== null && cited.add(id);
  for (const g of answer.groups) {
    cite(g.rule);
    g.rules.forEach(cite);
    g.path.forEach((s) => cite(s.rule));
    g.endpoints.forEach((e) => cite(e.rule));
    g.deliveries?.forEach((d) => d.endpoints.forEach((e) => cite(e.rule)));
  }
  for (const r of answer.results ?? []) {
    r.rules.forEach(cite);
    r.path.forEach((s) => cite(s.rule));
    r.endpoints.forEach((e) => cite(e.rule));
    r.deliveries?.forEach((d) => d.endpoints.forEach((e) => cite(e.rule)));
  }
  answer.affinity?.rules.forEach(cite);
  cite(answer.ignoredBy);
  const table = answer.rules.map((r) => r.id);
  expect(new Set(table).size).toBe(table.length);
  expect(new Set(table)).toEqual(cited);
  // The summary is the results', computed afresh.
  expect(answer.summary.verdict).toBe(
    answer.ignoredBy !== null ? 'UNREACHABLE' : overallVerdict(results.map((r) => r.verdict)),
  );
  const connected = results
    .filter((r) => r.verdict === 'REACHABLE' || r.verdict === 'PARTIAL')
    .map((r) => r.sourceIp.preserved);
  expect(answer.summary.sourceIpPreserved).toBe(answer.ignoredBy !== null ? null : sourceIpFate(connected));
  expect(answer.summary.text.length).toBeGreaterThan(0);
}

describe('answer properties', () => {
  it('groups partition the results, the rule table is exact, the summary agrees (generated clusters)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), modes, detectors, (seed, mode, detector) => {
        for (const [answer, results] of answers(smallCluster(seed, mode, detector))) checkAnswer(answer, results);
      }),
      RUNS,
    );
  });

  it.each(CCE_VARIANTS.map((m, i) => [i, m] as const))('the same on CCE cluster %i', (_, model) => {
    for (const [answer, results] of answers(model)) checkAnswer(answer, results);
  });

  it('detail=FULL pages are the results, in order, whatever the page size', () => {
    const cc = compile(cceCluster({ multiPod: true }));
    const result = reachability(cc, { client: { external: { network: 'PUBLIC' } }, service: 'default/web' });
    for (const limit of [1, 2, 5]) {
      const pages = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page = reachabilityAnswer(result, { detail: 'FULL', offset, limit });
        pages.push(...(page.results ?? []));
        offset = page.nextOffset;
      }
      expect(pages.map((r) => r.via)).toEqual(result.results.map((r) => r.via));
    }
    // One group's results: exactly its count, each with its outcome, its shown addresses first.
    for (const g of reachabilityAnswer(result).groups) {
      const members = reachabilityAnswer(result, { detail: 'FULL', group: g.id }).results ?? [];
      expect(members).toHaveLength(g.count);
      for (const r of members)
        expect([r.via.kind, r.verdict, r.sourceIp.reason, r.rule]).toEqual([
          g.kind,
          g.verdict,
          g.sourceIp.reason,
          g.rule,
        ]);
      expect(members.slice(0, g.addresses.length).map((r) => r.via.address)).toEqual(g.addresses.map((a) => a.address));
    }
    expect(reachabilityAnswer(result, { detail: 'FULL', group: 'g99' }).unknownGroup).toBe(true);
  });
});

describe('matrix', () => {
  it.each(CCE_VARIANTS.map((m, i) => [i, m] as const))(
    "each cell is its client's reachability over that column (CCE cluster %i)",
    (_, model) => {
      const cc = compile(model);
      for (const s of model.services) {
        const service = `${s.namespace}/${s.name}`;
        const m = serviceMatrix(cc, service);
        const backendNodes = new Set(
          model.pods
            .filter((p) => Object.entries(s.selector ?? {}).every(([k, v]) => p.labels[k] === v))
            .map((p) => p.nodeName),
        );
        for (const row of m.rows) {
          // Real clients only: a pod row is never one of the Service's backends.
          if (row.client.kind === 'POD')
            expect(model.pods.find((p) => `${p.namespace}/${p.name}` === row.client.name)?.labels.app).not.toBe(
              s.selector?.app,
            );
          const request: ReachabilityClient =
            row.client.kind === 'POD'
              ? { pod: row.client.name }
              : row.client.kind === 'NODE'
                ? { node: row.client.name }
                : { external: { network: row.client.name as 'PUBLIC' | 'PRIVATE' } };
          const results = reachability(cc, { client: request, service }).results;
          m.columns.forEach((column, i) => {
            const mine = results.filter(
              (r) =>
                r.via.kind === column.kind &&
                (r.via.network ?? null) === column.network &&
                r.via.port === column.port &&
                (column.kind !== 'NODE_PORT'
                  ? r.via.address === column.address
                  : column.role ===
                    (r.via.node === row.client.node
                      ? 'CLIENT_NODE'
                      : backendNodes.has(r.via.node ?? '')
                        ? 'BACKEND_NODES'
                        : 'OTHER_NODES')),
            );
            const cell = row.cells[i];
            expect(cell.count).toBe(mine.length);
            expect(cell.verdict).toBe(
              mine.length === 0 ? 'NOT_APPLICABLE' : overallVerdict(mine.map((r) => r.verdict)),
            );
            expect(cell.sourceIpPreserved).toBe(
              sourceIpFate(
                mine
                  .filter((r) => r.verdict === 'REACHABLE' || r.verdict === 'PARTIAL')
                  .map((r) => r.sourceIp.preserved),
              ),
            );
            if (cell.rule !== null) expect(m.rules.map((r) => r.id)).toContain(cell.rule);
          });
        }
      }
    },
  );
});

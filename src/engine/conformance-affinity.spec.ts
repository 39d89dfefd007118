// Session affinity against upstream facts (issue 13; rows in testing/cases-affinity.ts, each naming
// and quoting its source). For every row and proxy mode, on a cluster built from the row:
// - reachability()'s sessionAffinity and every matched trace()'s service.sessionAffinity are the
//   SessionAffinityInfo the source implies (type and the timeout kube-proxy uses);
// - each packet goes where upstream says (its packetFlowTest output and masq, when stated);
// - a forwarding path carries exactly one K8S-SESSION-AFFINITY-CLIENTIP step, at the node that
//   load-balances, naming the address the pin is kept for and the timeout; none where no affinity
//   match is reached (no ClientIP, or dropped/rejected before the Service chain);
// - where the source shows the affinity rules only adding a match ahead of the usual random choice,
//   the same packet on the same cluster with sessionAffinity None forwards to the same candidates,
//   with the same masquerade and source-IP fate, and the same rules but the affinity one;
// - for the e2e rows, the exec pod's reachability() answers: every path of the ways the test uses
//   reaches the three pods and pins the exec pod's own address.
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { CompiledCluster } from './compiled';
import { hostPort } from './ip';
import type { ClusterModel, ProxyMode } from './model';
import { reachability } from './reachability';
import type { SessionAffinityInfo, Step, TraceResult } from './results';
import { AFFINITY_ROWS, type AffinityFlow, type AffinityRow } from './testing/cases-affinity';
import { testNode, TEST_NODE } from './testing/upstream';
import { trace, type TraceSource } from './trace';

const RULE = 'K8S-SESSION-AFFINITY-CLIENTIP';
const NODE_ADDRESSES = new Set(testNode().internalIps);

function sourceFor(ip: string): TraceSource {
  return NODE_ADDRESSES.has(ip) ? { node: TEST_NODE, ip } : { external: { ip } };
}

function traceFlow(cc: CompiledCluster, f: AffinityFlow): TraceResult {
  return trace(cc, {
    source: sourceFor(f.sourceIP),
    destination: { ip: f.destIP, port: f.destPort, protocol: 'TCP' },
    node: TEST_NODE,
  });
}

/** trace() in upstream's output format. */
function output(t: TraceResult): string {
  if (t.verdict === 'FORWARD')
    return t.endpoints
      .map((e) => hostPort(e.ip, e.port))
      .sort()
      .join(', ');
  if (t.verdict === 'REJECT' || t.verdict === 'DROP') return t.verdict;
  return t.verdict === 'NOT_INTERCEPTED' ? '' : t.verdict;
}

const sortList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .sort()
    .join(', ');
const forwards = (out: string) => out !== 'REJECT' && out !== 'DROP' && out !== '';

/** What an affinity step says: every IPv4 address it names, and the seconds. */
function said(step: Step): { addresses: string[]; seconds: number[] } {
  return {
    addresses: step.description.match(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g) ?? [],
    seconds: [...step.description.matchAll(/\b(\d+) s\b/g)].map((m) => Number(m[1])),
  };
}

function expectPin(steps: readonly Step[], pinnedFor: string | null, affinity: SessionAffinityInfo, at?: string): void {
  const pins = steps.filter((s) => s.rule === RULE);
  if (pinnedFor === null) {
    expect(pins).toEqual([]);
    return;
  }
  expect(pins).toHaveLength(1);
  expect(said(pins[0])).toEqual({ addresses: [pinnedFor], seconds: [affinity.timeoutSeconds] });
  if (at !== undefined) expect(pins[0].at).toBe(at);
}

/** The row's cluster with every Service's affinity taken away. */
function withoutAffinity(model: ClusterModel): ClusterModel {
  return {
    ...model,
    services: model.services.map((s) => ({
      ...s,
      sessionAffinity: 'None' as const,
      sessionAffinityTimeoutSeconds: null,
    })),
  };
}

/** What must not change when affinity is added: candidates, masquerade, source-IP fate, rules but the affinity one. */
function candidates(t: TraceResult) {
  return {
    verdict: t.verdict,
    endpoints: t.endpoints.map((e) => `${hostPort(e.ip, e.port)} masq=${e.masquerade} ${e.outcome}`).sort(),
    masquerade: t.masquerade,
    sourceIp: t.sourceIp,
    rules: t.rules.filter((r) => r !== RULE),
  };
}

function rowTests(row: AffinityRow, mode: ProxyMode): void {
  const model = row.cluster(mode);
  const cc = compile(model);
  const tag = `[${mode}]`;

  it(`${tag} sessionAffinity is ${row.sessionAffinity.type}/${row.sessionAffinity.timeoutSeconds}`, () => {
    const r = reachability(cc, { client: row.asker ?? { node: TEST_NODE }, service: row.service });
    expect(r.sessionAffinity).toEqual(row.sessionAffinity);
  });

  for (const f of row.flows) {
    it(`${tag} ${f.name}`, () => {
      const t = traceFlow(cc, f);
      expect(t.service?.service).toBe(row.service);
      expect(t.service?.sessionAffinity).toEqual(row.sessionAffinity);
      if (f.output !== null) {
        expect(output(t)).toBe(sortList(f.output));
        if (forwards(f.output) && f.masq !== undefined) expect(t.masquerade).toBe(f.masq);
      }
      if (f.pinnedFor !== undefined) expectPin(t.steps, f.pinnedFor, row.sessionAffinity, `node/${TEST_NODE}`);
    });
  }

  if (row.sameCandidatesAsNone) {
    const none = compile(withoutAffinity(model));
    it(`${tag} affinity only adds a match: the same candidates as with sessionAffinity None`, () => {
      for (const f of row.flows) {
        const a = traceFlow(cc, f);
        const b = traceFlow(none, f);
        expect(b.steps.filter((s) => s.rule === RULE)).toEqual([]);
        expect({ flow: f.name, ...candidates(a) }).toEqual({ flow: f.name, ...candidates(b) });
      }
    });
  }

  const reach = row.reach;
  if (reach !== undefined) {
    it(`${tag} every ${reach.kinds.join('/')} path of the exec pod reaches the same pods and pins ${reach.pinnedFor}`, () => {
      const r = reachability(cc, { client: reach.client, service: row.service });
      const firstInternalIps = new Set(model.nodes.map((n) => n.internalIps[0]));
      const results = r.results.filter(
        (x) =>
          (reach.kinds as readonly string[]).includes(x.via.kind) &&
          (x.via.kind !== 'NODE_PORT' || firstInternalIps.has(x.via.address)),
      );
      expect(new Set(results.map((x) => x.via.kind))).toEqual(new Set(reach.kinds));
      for (const x of results) {
        expect({ via: x.via.address, verdict: x.verdict }).toEqual({ via: x.via.address, verdict: 'REACHABLE' });
        expect(x.endpoints.map((e) => e.ip).sort()).toEqual([...reach.endpoints]);
        expectPin(x.path, reach.pinnedFor, row.sessionAffinity);
      }
    });
  }
}

describe('session affinity: upstream conformance rows', () => {
  it('transcribes rows from every source named in issue 13', () => {
    const sources = new Set(AFFINITY_ROWS.map((r) => r.source));
    expect([...sources].sort()).toEqual([
      'https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity',
      'pkg/apis/core/types.go',
      'pkg/apis/core/v1/defaults.go',
      'pkg/proxy/iptables/proxier_test.go',
      'pkg/proxy/ipvs/proxier_test.go',
      'pkg/proxy/nftables/proxier_test.go',
      'pkg/proxy/serviceport.go',
      'test/e2e/network/service.go',
    ]);
    const names = AFFINITY_ROWS.map((r) => `${r.source} ${r.case} ${r.name}`);
    expect(new Set(names).size).toBe(names.length);
    for (const r of AFFINITY_ROWS) expect(r.quote.length).toBeGreaterThan(0);
  });

  for (const row of AFFINITY_ROWS) {
    describe(`${row.source} ${row.case}: ${row.name}`, () => {
      for (const mode of row.modes) rowTests(row, mode);
    });
  }
});

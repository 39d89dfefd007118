// NetworkPolicy against the Kubernetes documentation's examples (concept page "Network Policies"
// and the "Declare Network Policy" task, transcribed in testing/cases-netpol-docs.ts): for every
// row, the evaluator's verdict for the probe must be the one the page states, denied in exactly the
// direction(s) the page denies it in. Rows with a Service are also asked end-to-end: the client pod
// to the ClusterIP Service in front of the destination pod, through reachability().
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ClusterModel, PodModel } from './model';
import { compilePolicies, judgeConnection, type ConnectionVerdict, type PolicyPeerRef } from './policy/index';
import { reachability } from './reachability';
import type { AddressResult } from './results';
import { DOCS_NETPOL_ROWS, partyPod, type DocsNetpolRow, type Party } from './testing/cases-netpol-docs';

/** The address and pod of a party in this cluster. */
function peerOf(cluster: ClusterModel, party: Party): PolicyPeerRef {
  if (party.startsWith('ip:')) return { ip: party.slice('ip:'.length), pod: null };
  if (party.startsWith('node:')) {
    const node = cluster.nodes.find((n) => n.name === party.slice('node:'.length));
    if (node === undefined) throw new Error(`no node for ${party}`);
    return { ip: node.internalIps[0], pod: null };
  }
  const key = partyPod(party);
  const pod = cluster.pods.find((p) => `${p.namespace}/${p.name}` === key);
  if (pod === undefined) throw new Error(`no pod ${party}`);
  return { ip: pod.ips[0], pod };
}

function judge(row: DocsNetpolRow): ConnectionVerdict {
  const cluster = row.scenario.cluster;
  const index = compilePolicies(cluster, { enforced: true });
  return judgeConnection(index, peerOf(cluster, row.from), peerOf(cluster, row.to), row.port, row.protocol);
}

const describeVerdict = (v: ConnectionVerdict) => ({
  allowed: v.allowed,
  egress: v.egress.reason,
  ingress: v.ingress.reason,
});

const ran = new Set<string>();
const ranEndToEnd = new Set<string>();

describe('NetworkPolicy documentation examples (kubernetes.io network-policies + declare-network-policy)', () => {
  it('transcribes the examples: unique ids, every row sourced and quoted', () => {
    const ids = DOCS_NETPOL_ROWS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(DOCS_NETPOL_ROWS.length).toBe(76);
    for (const r of DOCS_NETPOL_ROWS) {
      expect(r.source.url).toMatch(
        /^https:\/\/kubernetes\.io\/docs\/(concepts\/services-networking\/network-policies|tasks\/administer-cluster\/declare-network-policy)\/#[a-z-]+$/,
      );
      expect(r.case.length).toBeGreaterThan(0);
      expect(r.allowed).toBe(r.deniedBy.length === 0);
    }
    // Every example manifest of the concept page's sections is used.
    const files = new Set(DOCS_NETPOL_ROWS.map((r) => r.source.file).filter((f) => f !== null));
    expect([...files].sort()).toEqual(
      [
        'network-policy-allow-all-egress.yaml',
        'network-policy-allow-all-ingress.yaml',
        'network-policy-default-deny-all.yaml',
        'network-policy-default-deny-egress.yaml',
        'network-policy-default-deny-ingress.yaml',
        'networkpolicy-multiport-egress.yaml',
        'networkpolicy.yaml',
        'nginx-policy.yaml',
      ].map((f) => `content/en/examples/service/networking/${f}`),
    );
  });

  for (const row of DOCS_NETPOL_ROWS) {
    const title = `${row.id} [${row.source.section}] ${row.from} -> ${row.to} ${row.protocol}/${row.port}: ${row.allowed ? 'allowed' : `denied (${row.deniedBy.join('+')})`}`;
    it(title, () => {
      ran.add(row.id);
      const v = judge(row);
      const got = describeVerdict(v);
      const msg = `${row.case}\n(${row.source.url}, scenario "${row.scenario.name}") got ${JSON.stringify(got)}`;
      expect(v.allowed, msg).toBe(row.allowed);
      // Denied in exactly the documented direction(s); the other direction allows.
      expect(v.egress.allowed, msg).toBe(!row.deniedBy.includes('Egress'));
      expect(v.ingress.allowed, msg).toBe(!row.deniedBy.includes('Ingress'));
      if (row.deniedBy.includes('Egress')) expect(v.egress.rule).toBe('K8S-NETPOL-DENIED-EGRESS');
      if (row.deniedBy.includes('Ingress')) expect(v.ingress.rule).toBe('K8S-NETPOL-DENIED-INGRESS');
      // No pod sits inside an example's CIDR: no verdict may lean on ipBlock matching a pod IP.
      expect([...v.egress.caveats, ...v.ingress.caveats]).toEqual([]);
    });
  }

  describe('end to end: the client pod to the ClusterIP Service in front of the destination', () => {
    const e2e = DOCS_NETPOL_ROWS.filter((r) => r.service !== null);

    for (const row of e2e) {
      it(`${row.id} via ${row.service}: ${row.allowed ? 'CONNECTS' : 'FAILS'}`, () => {
        ranEndToEnd.add(row.id);
        expect(row.deniedBy.length).toBeLessThanOrEqual(1);
        const client = partyPod(row.from);
        if (client === null) throw new Error(`${row.id}: end-to-end rows need a client pod`);
        const answer = reachability(compile(row.scenario.cluster), {
          client: { pod: client },
          service: row.service as string,
        });
        const clusterIp = answer.results.find((r) => r.via.kind === 'CLUSTER_IP') as AddressResult;
        expect(clusterIp).toBeDefined();
        const dst = row.scenario.cluster.pods.find((p) => `${p.namespace}/${p.name}` === partyPod(row.to)) as PodModel;
        expect(clusterIp.endpoints.map((e) => e.pod)).toEqual([partyPod(row.to)]);
        const [e] = clusterIp.endpoints;
        expect(e).toMatchObject({ ip: dst.ips[0], port: row.port, masquerade: false });
        const hasPolicies = (row.scenario.cluster.networkPolicies ?? []).length > 0;
        if (row.allowed) {
          expect(e.outcome).toBe('CONNECTS');
          expect(clusterIp.verdict).toBe('REACHABLE');
          if (hasPolicies) {
            expect(e.policy?.egress.allowed).toBe(true);
            expect(e.policy?.ingress.allowed).toBe(true);
            expect(e.policy?.seenAs).toBe(peerOf(row.scenario.cluster, row.from).ip);
          } else {
            expect(e.policy).toBeUndefined();
          }
        } else {
          const [dir] = row.deniedBy;
          const rule = dir === 'Egress' ? 'K8S-NETPOL-DENIED-EGRESS' : 'K8S-NETPOL-DENIED-INGRESS';
          expect(e).toMatchObject({ outcome: 'FAILS', rule });
          expect(clusterIp.verdict).toBe('UNREACHABLE');
          expect(clusterIp.rule).toBe(rule);
          if (dir === 'Egress') {
            expect(e.policy?.egress).toMatchObject({ allowed: false, reason: 'DENIED_EGRESS' });
            expect(e.policy?.ingress.allowed).toBe(true);
          } else {
            expect(e.policy?.ingress).toMatchObject({ allowed: false, reason: 'DENIED_INGRESS' });
            expect(e.policy?.egress.allowed).toBe(true);
          }
        }
        // The same verdict as the evaluator's for the pod-to-pod probe.
        expect(e.outcome === 'CONNECTS').toBe(judge(row).allowed);
      });
    }

    it('checks at least three rows end to end, allowed and denied in both directions', () => {
      expect(e2e.length).toBeGreaterThanOrEqual(3);
      expect(e2e.some((r) => r.allowed)).toBe(true);
      expect(e2e.some((r) => r.deniedBy.includes('Ingress'))).toBe(true);
      expect(e2e.some((r) => r.deniedBy.includes('Egress'))).toBe(true);
    });
  });

  // Runs last (tests in a file run in order): every row was judged, every end-to-end row asked.
  it('ran every row', () => {
    expect([...ran].sort()).toEqual(DOCS_NETPOL_ROWS.map((r) => r.id).sort());
    expect([...ranEndToEnd].sort()).toEqual(
      DOCS_NETPOL_ROWS.filter((r) => r.service !== null)
        .map((r) => r.id)
        .sort(),
    );
  });
});

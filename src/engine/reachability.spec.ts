// reachability(): composition of trace() decisions into answers per address.
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ClusterModel } from './model';
import { reachability, type ReachabilityRequest } from './reachability';
import { fakeCluster, makeService, port, TEST_NODE } from './testing/upstream';
import { internalExternalMasquerade, loadBalancerIpMode } from './testing/upstream-services';

/** The TestInternalExternalMasquerade Services, plus a client pod and a node hosting no endpoint. */
function cluster(): ClusterModel {
  const f = internalExternalMasquerade();
  const headless = makeService('ns9', 'headless', (s) => {
    s.ports = [port('p', 80)];
  });
  const base = fakeCluster({ mode: 'IPTABLES' }, [...f.services, headless], f.slices);
  return {
    ...base,
    nodes: [
      ...base.nodes,
      { name: 'idle', internalIps: ['192.168.60.1'], externalIp: '49.0.0.60', podCidrs: ['10.2.0.0/24'], labels: {} },
    ],
    pods: [
      {
        namespace: 'ns1',
        name: 'client',
        labels: {},
        nodeName: TEST_NODE,
        ips: ['10.0.0.2'],
        hostNetwork: false,
        phase: 'Running',
        ready: true,
        terminating: false,
        containerPorts: [],
      },
    ],
  };
}

const cc = compile(cluster());
const at = (req: ReachabilityRequest, address: string) => {
  const r = reachability(cc, req).results.find((x) => x.via.address === address);
  if (r === undefined) throw new Error(`no result for ${address}`);
  return r;
};
const ips = (eps: readonly { ip: string }[]) => eps.map((e) => e.ip).sort();

describe('reachability', () => {
  it('node to ClusterIP: reachable, source masqueraded to the node', () => {
    const r = at({ client: { node: TEST_NODE }, service: 'ns1/svc1' }, '172.30.0.41');
    expect([r.verdict, r.sourceIp.preserved, r.sourceIp.reason, ips(r.endpoints)]).toEqual([
      'REACHABLE',
      false,
      'NODE_SOURCE_MASQUERADE',
      ['10.180.0.1', '10.180.1.1'],
    ]);
  });

  it("private client to an eTP Local NodePort: only that node's endpoint, source preserved", () => {
    const r = at(
      { client: { external: { network: 'PRIVATE', ip: '172.31.0.9' } }, service: 'ns2/svc2' },
      '192.168.0.2',
    );
    expect([r.verdict, r.sourceIp.preserved, r.sourceIp.seenAs, ips(r.endpoints)]).toEqual([
      'REACHABLE',
      true,
      '172.31.0.9',
      ['10.180.0.2'],
    ]);
  });

  it('eTP Local NodePort on a node without endpoints drops; eTP Cluster is suggested and verified', () => {
    const r = at(
      { client: { external: { network: 'PRIVATE', ip: '172.31.0.9' } }, service: 'ns2/svc2' },
      '192.168.60.1',
    );
    expect(r.verdict).toBe('UNREACHABLE');
    expect(r.rules.map((x) => x.id)).toContain('K8S-ETP-LOCAL-DROP');
    expect(r.suggestions.map((s) => [s.code, s.expected.verdict, s.expected.sourceIpPreserved])).toEqual([
      ['SET_ETP_CLUSTER', 'REACHABLE', false],
    ]);
  });

  it("pod to another node's eTP Local NodePort: short-circuited there, replies bypass that node", () => {
    const r = at({ client: { pod: 'ns1/client' }, service: 'ns2/svc2' }, '192.168.60.1');
    expect(r.hops.map((h) => [h.node, h.verdict])).toEqual([
      [TEST_NODE, 'NOT_INTERCEPTED'],
      ['idle', 'FORWARD'],
    ]);
    expect([r.verdict, r.endpoints.map((e) => e.outcome)]).toEqual(['UNREACHABLE', ['FAILS', 'FAILS']]);
    expect(r.suggestions.map((s) => s.code)).toContain('USE_CLUSTER_IP');
  });

  it('public client to an eTP Local LB: delivered only to nodes passing the health check', () => {
    const r = at({ client: { external: { network: 'PUBLIC', ip: '203.0.113.2' } }, service: 'ns2/svc2' }, '5.6.7.8');
    expect(r.deliveries?.flatMap((d) => d.nodes).sort()).toEqual(['remote', TEST_NODE]);
    expect([r.verdict, r.sourceIp.preserved, ips(r.endpoints)]).toEqual([
      'REACHABLE',
      true,
      ['10.180.0.2', '10.180.1.2'],
    ]);
  });

  it('public client to an eTP Cluster LB: source lost, eTP Local suggested only because it would preserve it', () => {
    const r = at({ client: { external: { network: 'PUBLIC', ip: '203.0.113.2' } }, service: 'ns1/svc1' }, '1.2.3.4');
    expect(r.deliveries?.flatMap((d) => d.nodes).sort()).toEqual(['idle', 'remote', TEST_NODE]);
    expect([r.verdict, r.sourceIp.preserved, r.sourceIp.reason]).toEqual(['REACHABLE', false, 'SNAT_ETP_CLUSTER']);
    expect(r.suggestions.map((s) => [s.code, s.expected.sourceIpPreserved])).toEqual([['SET_ETP_LOCAL', true]]);
  });

  it('pod to a node EIP: unknown, and says which fact is missing', () => {
    const r = at({ client: { pod: 'ns1/client' }, service: 'ns1/svc1' }, '49.0.0.60');
    expect([r.verdict, r.missingFact]).toEqual(['UNKNOWN', 'CLUSTER_INTERNET_EGRESS']);
  });

  it('public client to a node EIP: NATed to the node, then processed there', () => {
    const r = at({ client: { external: { network: 'PUBLIC', ip: '203.0.113.2' } }, service: 'ns1/svc1' }, '49.0.0.60');
    expect([r.verdict, r.path[0].rule, r.hops[0].node]).toEqual(['REACHABLE', 'K8S-EIP-NAT', 'idle']);
  });

  it('ipMode Proxy: the LB opens a new connection to a NodePort; eTP Cluster then SNATs it to the node', () => {
    const f = loadBalancerIpMode('172.30.0.41', '1.2.3.4', 'Proxy');
    const c = compile(fakeCluster({ mode: 'NFTABLES' }, f.services, f.slices));
    const r = reachability(c, {
      client: { external: { network: 'PUBLIC', ip: '203.0.113.2' } },
      service: 'ns1/svc1',
    }).results.find((x) => x.via.kind === 'LOAD_BALANCER');
    expect([r?.hops[0].source, r?.hops[0].destination, r?.sourceIp.seenAs, r?.sourceIp.reason]).toEqual([
      '1.2.3.4',
      { ip: '192.168.0.2', port: 3001 },
      '192.168.0.2',
      'SNAT_ETP_CLUSTER',
    ]);
    expect(r?.rules.map((x) => x.id)).toContain('K8S-LB-PROXY-DELIVERY');
  });

  it('headless Services get no answers, with the rule that says why', () => {
    const r = reachability(cc, { client: { node: TEST_NODE }, service: 'ns9/headless' });
    expect([r.results.length, r.ignoredBy?.id]).toEqual([0, 'K8S-SVC-IGNORED-HEADLESS']);
  });

  it('a profile without its own rules yet says it fell back to upstream semantics', () => {
    const c = compile({ ...cluster(), profile: 'CCE' });
    const r = reachability(c, { client: { node: TEST_NODE }, service: 'ns1/svc1' }).results[0];
    expect(r.rules.map((x) => x.id)).toContain('CCE-UPSTREAM-FALLBACK');
  });
});

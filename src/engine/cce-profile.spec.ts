// CCE profiles beyond the failure table's cells: Table 1 and per-pod shares, multi-pod PARTIAL,
// inferred mechanisms, remedies (each verified by re-running with the remedy applied), ELB
// classes and pass-through, CCE Turbo, write-time constraints and annotation normalisation.
import { describe, expect, it } from 'vitest';
import { checkCceServiceConstraints, selectedPods } from './profiles/cce/constraints';
import { normaliseCceAnnotations } from './profiles/cce/annotations';
import { compile } from './compile';
import type { ClusterModel, ServiceModel } from './model';
import { reachability, type ReachabilityClient } from './reachability';
import type { AddressResult, SuggestionCode } from './results';
import { RULES } from './rules';
import { trace } from './trace';
import {
  CLUSTER_IP,
  ELB_PRIVATE_IP,
  NODE_IP,
  NODE_PORT,
  WEB,
  cceCluster,
  webService,
  type CceOptions,
} from './testing/cce';

function at(model: ClusterModel, client: ReachabilityClient, address: string): AddressResult {
  const r = reachability(compile(model), { client, service: WEB }).results.find((x) => x.via.address === address);
  if (r === undefined) throw new Error(`no answer for ${address}`);
  return r;
}
const ids = (r: AddressResult) => r.rules.map((x) => x.id);
const codes = (r: AddressResult) => r.suggestions.map((s) => s.code);
const suggestion = (r: AddressResult, code: SuggestionCode) => {
  const s = r.suggestions.find((x) => x.code === code);
  if (s === undefined) throw new Error(`no ${code} suggestion`);
  return s;
};
const withService = (o: CceOptions, edit: Partial<ServiceModel>): ClusterModel => {
  const m = cceCluster(o);
  return { ...m, services: [webService(o, edit), ...m.services.slice(1)] };
};

describe('Table 1: service affinity in every NodePort/LoadBalancer answer', () => {
  it('eTP Cluster: source IP not preserved, possible extra hop, balanced; shares even over all pods', () => {
    const r = reachability(compile(cceCluster({ etp: 'Cluster', multiPod: true, twoOnServer: true })), {
      client: { node: 'server' },
      service: WEB,
    });
    expect(r.affinity).toMatchObject({
      policy: 'Cluster',
      sourceIpPreserved: false,
      extraHop: true,
      balance: 'BALANCED',
      servingNodes: ['other', 'server', 'third'],
    });
    expect(Object.fromEntries((r.affinity?.shares ?? []).map((s) => [s.pod, s.share]))).toEqual({
      'default/web-0': 1 / 3,
      'default/web-1': 1 / 3,
      'default/web-2': 1 / 3,
    });
    expect(r.affinity?.rules.map((x) => x.id)).toContain('CCE-AFFINITY-CLUSTER');
    // In-cluster EIP access of an eTP Cluster Service stays UNKNOWN (egress not modelled; the page is silent).
    const answered = r.results.filter((y) => y.via.kind === 'NODE_PORT' && y.verdict !== 'UNKNOWN');
    expect(answered).toHaveLength(3);
    for (const x of answered) expect(ids(x)).toContain('CCE-AFFINITY-CLUSTER');
  });

  it('eTP Local: source IP preserved, no extra hop, risk of imbalance; node A 2 pods + node B 1 pod -> 25% / 25% / 50%', () => {
    const r = reachability(compile(cceCluster({ multiPod: true, twoOnServer: true, type: 'LoadBalancer' })), {
      client: { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
      service: WEB,
    });
    expect(r.affinity).toMatchObject({
      policy: 'Local',
      sourceIpPreserved: true,
      extraHop: false,
      balance: 'RISK_OF_IMBALANCE',
      servingNodes: ['other', 'server'],
    });
    const shares = Object.fromEntries((r.affinity?.shares ?? []).map((s) => [s.pod, s.share]));
    expect(shares).toEqual({ 'default/web-0': 0.25, 'default/web-2': 0.25, 'default/web-1': 0.5 });
    expect(r.affinity?.rules.map((x) => [x.id, x.inferred])).toEqual([
      ['CCE-AFFINITY-LOCAL', false],
      ['CCE-AFFINITY-SHARES', true],
    ]);
    for (const x of r.results.filter((y) => y.via.kind !== 'CLUSTER_IP'))
      expect(ids(x)).toContain('CCE-AFFINITY-LOCAL');
  });

  it('ClusterIP Services get no Table 1 block', () => {
    const r = reachability(compile(withService({}, { type: 'ClusterIP', externalTrafficPolicy: 'Cluster' })), {
      client: { node: 'server' },
      service: WEB,
    });
    expect(r.affinity).toBeUndefined();
  });

  it('outside clients: Local reaches only nodes with the workload, source kept; Cluster reaches every node, source lost', () => {
    const ext: ReachabilityClient = { external: { network: 'PRIVATE', ip: '192.168.5.5' } };
    const local = [at(cceCluster(), ext, NODE_IP.server), at(cceCluster(), ext, NODE_IP.other)];
    expect(local.map((x) => [x.verdict, x.sourceIp.preserved])).toEqual([
      ['REACHABLE', true],
      ['UNREACHABLE', null],
    ]);
    const cluster = at(cceCluster({ etp: 'Cluster' }), ext, NODE_IP.other);
    expect([cluster.verdict, cluster.sourceIp.preserved]).toEqual(['REACHABLE', false]);
  });
});

describe('multi-pod workloads and inferred mechanisms', () => {
  it('PARTIAL when some backends\' cells fail and others succeed ("ensure all pods are accessible")', () => {
    // Tunnel+iptables, a container on the server node -> its own node's NodePort: web-0 (same node) succeeds,
    // web-1 (on `other`, so this is "a node other than the node where the server is located") fails.
    const r = at(cceCluster({ multiPod: true }), { pod: 'default/client-s' }, NODE_IP.server);
    expect(r.verdict).toBe('PARTIAL');
    expect(r.endpoints.map((e) => [e.pod, e.outcome, e.rule]).sort()).toEqual([
      ['default/web-0', 'CONNECTS', 'CCE-T2-NP-SERVER-CONTAINER-SERVER-NODE-TUNNEL-IPTABLES'],
      ['default/web-1', 'FAILS', 'CCE-T2-NP-OTHER-CONTAINER-OTHER-NODE-TUNNEL-IPTABLES'],
    ]);
    expect(ids(r)).toContain('CCE-T2-MULTI-POD');
    expect(codes(r)).toEqual(['USE_CLUSTER_IP', 'SET_ETP_CLUSTER']);
  });

  it('dedicated ELB private IP from the server node with a second pod elsewhere: PARTIAL (that pod is "not listed")', () => {
    const r = at(
      cceCluster({ type: 'LoadBalancer', multiPod: true, proxy: 'IPVS' }),
      { node: 'server' },
      ELB_PRIVATE_IP,
    );
    expect([r.verdict, r.endpoints.map((e) => [e.pod, e.rule]).sort()]).toEqual([
      'PARTIAL',
      [
        ['default/web-0', 'CCE-T2-LB-SERVER-HOST-TUNNEL-IPVS'],
        ['default/web-1', 'CCE-T2-NOT-LISTED'],
      ],
    ]);
  });

  it('the backend reaching itself is not in the table: upstream semantics, and the answer says so', () => {
    const r = at(cceCluster(), { pod: 'default/web-0' }, NODE_IP.server);
    expect([r.verdict, ids(r).includes('CCE-UPSTREAM-FALLBACK')]).toEqual(['REACHABLE', true]);
  });

  it('all backends accessible: REACHABLE without the multi-pod warning', () => {
    const r = at(cceCluster({ multiPod: true, proxy: 'IPVS' }), { pod: 'default/client-o' }, NODE_IP.server);
    expect([r.verdict, ids(r).includes('CCE-T2-MULTI-POD')]).toEqual(['REACHABLE', false]);
  });

  it.each([
    [
      'VPC+IPVS, container on the server node',
      { network: 'VPC', proxy: 'IPVS' },
      { pod: 'default/client-s' },
      NODE_IP.server,
      'CCE-MECH-VPC-SAME-NODE-CONTAINER',
    ],
    [
      'iptables, host of a node without the pod -> a third node',
      { proxy: 'IPTABLES' },
      { node: 'other' },
      NODE_IP.third,
      'CCE-MECH-REMOTE-HOST-IPTABLES',
    ],
    [
      'dedicated ELB from the server node',
      { type: 'LoadBalancer' },
      { node: 'server' },
      ELB_PRIVATE_IP,
      'CCE-MECH-LB-SAME-NODE',
    ],
  ] as const)('%s: the mechanism rule says it is inferred', (_n, o, client, address, rule) => {
    const r = at(cceCluster(o as CceOptions), client, address);
    expect(r.rules.find((x) => x.id === rule)?.inferred).toBe(true);
  });

  it('trace() of one packet cites the table too', () => {
    const t = trace(compile(cceCluster({ network: 'VPC', proxy: 'IPVS' })), {
      source: { pod: 'default/client-s' },
      destination: { ip: NODE_IP.server, port: NODE_PORT, protocol: 'TCP' },
    });
    expect(t.rules).toContain('CCE-T2-NP-SERVER-CONTAINER-SERVER-NODE-VPC-IPVS');
  });
});

describe('remedies: offered only where re-running with them applied changes the answer', () => {
  const failing = () => at(cceCluster(), { pod: 'default/client-o' }, NODE_IP.other);

  it('use the ClusterIP or Service DNS name in-cluster (recommended): the ClusterIP answer is REACHABLE', () => {
    const r = failing();
    expect(r.verdict).toBe('UNREACHABLE');
    const s = suggestion(r, 'USE_CLUSTER_IP');
    expect(s.message).toBe(
      '(Recommended) In the cluster, use the ClusterIP Service or service domain name for access.',
    );
    expect(at(cceCluster(), { pod: 'default/client-o' }, CLUSTER_IP).verdict).toBe(s.expected.verdict);
    expect(codes(r)[0]).toBe('USE_CLUSTER_IP');
  });

  it('set externalTrafficPolicy: Cluster (source IP lost): re-running with it flips the verdict', () => {
    const s = suggestion(failing(), 'SET_ETP_CLUSTER');
    expect(s.message).toContain('source address persistence');
    const rerun = at(cceCluster({ etp: 'Cluster' }), { pod: 'default/client-o' }, NODE_IP.other);
    expect([rerun.verdict, s.expected.verdict, s.expected.sourceIpPreserved]).toEqual([
      'REACHABLE',
      'REACHABLE',
      false,
    ]);
  });

  it('nothing is offered where the answer is already REACHABLE', () => {
    const r = at(cceCluster(), { pod: 'default/client-o' }, NODE_IP.server);
    expect([r.verdict, r.suggestions]).toEqual(['REACHABLE', []]);
  });

  it('ELB pass-through on a shared ELB (inferred failure): offered, and re-running with "true" flips it', () => {
    const o: CceOptions = { type: 'LoadBalancer', annotations: { 'kubernetes.io/elb.class': 'union' } };
    const r = at(cceCluster(o), { node: 'server' }, ELB_PRIVATE_IP);
    expect(r.verdict).toBe('UNREACHABLE');
    expect(r.rules.find((x) => x.id === 'CCE-ELB-SHARED-INFERRED')?.inferred).toBe(true);
    const s = suggestion(r, 'ENABLE_ELB_PASS_THROUGH');
    expect(s.message).toContain('kubernetes.io/elb.pass-through: "true"');
    expect(s.message).toContain('dedicated load balancer, its private IP still cannot be accessed');
    const rerun = at(
      cceCluster({ ...o, annotations: { ...o.annotations, 'kubernetes.io/elb.pass-through': 'true' } }),
      { node: 'server' },
      ELB_PRIVATE_IP,
    );
    expect([rerun.verdict, s.expected.verdict]).toEqual(['REACHABLE', 'REACHABLE']);
    expect(ids(rerun)).toContain('CCE-ELB-PASSTHROUGH');
    expect(codes(r)).toEqual(['USE_CLUSTER_IP', 'SET_ETP_CLUSTER', 'ENABLE_ELB_PASS_THROUGH']);
  });

  it('ELB pass-through on a dedicated ELB of a CCE standard cluster: not offered, because its limit keeps the failure', () => {
    const o: CceOptions = { type: 'LoadBalancer' };
    const r = at(cceCluster(o), { pod: 'default/client-s' }, ELB_PRIVATE_IP);
    expect([r.verdict, codes(r)]).toEqual(['UNREACHABLE', ['USE_CLUSTER_IP', 'SET_ETP_CLUSTER']]);
    const rerun = at(
      cceCluster({
        annotations: { 'kubernetes.io/elb.class': 'performance', 'kubernetes.io/elb.pass-through': 'true' },
        ...o,
      }),
      { pod: 'default/client-s' },
      ELB_PRIVATE_IP,
    );
    const rerunWithPt = at(
      withService(o, {
        annotations: { 'kubernetes.io/elb.class': 'performance', 'kubernetes.io/elb.pass-through': 'true' },
      }),
      { pod: 'default/client-s' },
      ELB_PRIVATE_IP,
    );
    expect(rerun.verdict).toBe('UNREACHABLE');
    expect([rerunWithPt.verdict, rerunWithPt.endpoints.map((e) => e.rule)]).toEqual([
      'UNREACHABLE',
      ['CCE-ELB-PASSTHROUGH-DEDICATED-LIMIT'],
    ]);
  });

  it('pass-through limit is per backend node: a dedicated ELB with pods on two nodes is PARTIAL from one of them', () => {
    const r = at(
      withService(
        { type: 'LoadBalancer', multiPod: true },
        { annotations: { 'kubernetes.io/elb.class': 'performance', 'kubernetes.io/elb.pass-through': 'onlyLocal' } },
      ),
      { node: 'server' },
      ELB_PRIVATE_IP,
    );
    expect([r.verdict, r.endpoints.map((e) => [e.pod, e.outcome]).sort()]).toEqual([
      'PARTIAL',
      [
        ['default/web-0', 'FAILS'],
        ['default/web-1', 'CONNECTS'],
      ],
    ]);
  });

  it('pass-through is not offered on clusters of v1.15 or earlier, and a stored annotation is ignored there, saying so', () => {
    const o: CceOptions = {
      type: 'LoadBalancer',
      version: 'v1.15.6-r1',
      annotations: { 'kubernetes.io/elb.class': 'union' },
    };
    expect(codes(at(cceCluster(o), { node: 'server' }, ELB_PRIVATE_IP))).not.toContain('ENABLE_ELB_PASS_THROUGH');
    const stored = at(
      cceCluster({
        ...o,
        annotations: { 'kubernetes.io/elb.class': 'union', 'kubernetes.io/elb.pass-through': 'true' },
      }),
      { node: 'server' },
      ELB_PRIVATE_IP,
    );
    expect([stored.verdict, ids(stored).includes('CCE-ELB-PASSTHROUGH-UNSUPPORTED-VERSION')]).toEqual([
      'UNREACHABLE',
      true,
    ]);
  });

  it('eTP Cluster is not offered where it would not change the answer (a dedicated-ELB failure under pass-through stays)', () => {
    const model = withService(
      { type: 'LoadBalancer' },
      { annotations: { 'kubernetes.io/elb.class': 'performance', 'kubernetes.io/elb.pass-through': 'true' } },
    );
    const r = at(model, { node: 'server' }, ELB_PRIVATE_IP);
    expect(r.verdict).toBe('UNREACHABLE');
    expect(codes(r)).toEqual(['USE_CLUSTER_IP']);
    const rerun = at(
      withService(
        { type: 'LoadBalancer', etp: 'Cluster' },
        { annotations: { 'kubernetes.io/elb.class': 'performance', 'kubernetes.io/elb.pass-through': 'true' } },
      ),
      { node: 'server' },
      ELB_PRIVATE_IP,
    );
    expect(rerun.verdict).toBe('UNREACHABLE');
  });
});

describe('CCE Turbo and clusters without a column', () => {
  it('Local with a non-HostNetwork backend: the answer says it is unsupported instead of answering as if allowed', () => {
    const r = at(
      cceCluster({ profile: 'CCE_TURBO' }),
      { external: { network: 'PRIVATE', ip: '192.168.5.5' } },
      NODE_IP.server,
    );
    expect(r.verdict).toBe('UNREACHABLE');
    expect(ids(r)).toContain('CCE-TURBO-LOCAL-HOSTNETWORK');
    expect(r.endpoints.map((e) => e.rule)).toEqual(['CCE-TURBO-LOCAL-UNSUPPORTED-BACKEND']);
    expect(codes(r)).toEqual(['SET_ETP_CLUSTER']);
  });

  it('Local with HostNetwork backends is supported; in-cluster answers say the table has no Cloud Native 2.0 column', () => {
    const model = cceCluster({ profile: 'CCE_TURBO', hostNetworkBackends: true });
    const ext = at(model, { external: { network: 'PRIVATE', ip: '192.168.5.5' } }, NODE_IP.server);
    expect([ext.verdict, ids(ext).includes('CCE-TURBO-LOCAL-HOSTNETWORK')]).toEqual(['REACHABLE', false]);
    const inside = at(model, { pod: 'default/client-o' }, NODE_IP.server);
    expect(inside.rules.find((x) => x.id === 'CCE-T2-NO-COLUMN')?.inferred).toBe(true);
  });

  it('where the page is silent the answer says it fell back to upstream', () => {
    const r = at(withService({ etp: 'Cluster' }, { type: 'ClusterIP' }), { node: 'server' }, CLUSTER_IP);
    expect(r.rules.find((x) => x.id === 'CCE-UPSTREAM-FALLBACK')?.inferred).toBe(true);
  });
});

describe('write-time constraints (checkCceServiceConstraints) and annotation normalisation', () => {
  const lb = (name: string, annotations: Record<string, string>): ServiceModel => ({
    ...webService({ type: 'LoadBalancer' }),
    name,
    annotations,
  });

  it('pass-through on v1.15 or earlier is rejected; on v1.17 it is allowed', () => {
    const svc = lb('web', { 'kubernetes.io/elb.class': 'union', 'kubernetes.io/elb.pass-through': 'true' });
    const old = checkCceServiceConstraints(
      { profile: 'CCE', kubernetesVersion: 'v1.15.11-r1', proxyMode: 'IPTABLES' },
      svc,
      [],
    );
    expect(old.map((v) => [v.ruleId, v.field])).toEqual([
      ['CCE-ELB-PASSTHROUGH-UNSUPPORTED-VERSION', 'metadata.annotations["kubernetes.io/elb.pass-through"]'],
    ]);
    expect(
      checkCceServiceConstraints({ profile: 'CCE', kubernetesVersion: 'v1.17.9', proxyMode: 'IPTABLES' }, svc, []),
    ).toEqual([]);
  });

  it('IPVS: Services sharing one load balancer (same elb.id, or a common ingress IP) must agree on pass-through', () => {
    const mine = lb('web', { 'kubernetes.io/elb.id': 'elb-1', 'kubernetes.io/elb.pass-through': 'true' });
    const byId = {
      ...lb('api', { 'kubernetes.io/elb.id': 'elb-1' }),
      loadBalancerIngress: [{ ip: '192.168.0.201', ipMode: 'VIP' as const }],
    };
    const byIp = lb('admin', {});
    const cluster = {
      profile: 'CCE' as const,
      kubernetesVersion: 'v1.28',
      proxyMode: 'IPVS' as const,
      services: [byId, byIp],
    };
    const v = checkCceServiceConstraints(cluster, mine);
    expect(v.map((x) => x.ruleId)).toEqual(['CCE-ELB-PASSTHROUGH-IPVS-SAME-LB']);
    expect(v[0].message).toContain('default/api, default/admin');
    expect(checkCceServiceConstraints({ ...cluster, proxyMode: 'IPTABLES' }, mine)).toEqual([]);
    expect(
      checkCceServiceConstraints(cluster, mine, [
        { ...byId, annotations: { 'kubernetes.io/elb.pass-through': 'onlyLocal' } },
      ]),
    ).toEqual([]);
  });

  it('CCE Turbo: externalTrafficPolicy Local with non-HostNetwork backends is rejected; HostNetwork backends are fine', () => {
    const model = cceCluster({ profile: 'CCE_TURBO' });
    const v = checkCceServiceConstraints(model, webService());
    expect(v.map((x) => [x.ruleId, x.field])).toEqual([['CCE-TURBO-LOCAL-HOSTNETWORK', 'spec.externalTrafficPolicy']]);
    expect(v[0].message).toContain('default/web-0');
    expect(
      checkCceServiceConstraints(cceCluster({ profile: 'CCE_TURBO', hostNetworkBackends: true }), webService()),
    ).toEqual([]);
    expect(checkCceServiceConstraints(model, webService({ etp: 'Cluster' }))).toEqual([]);
    expect(selectedPods(model.pods, webService()).map((p) => p.name)).toEqual(['web-0']);
  });

  it('KUBERNETES clusters have none of these constraints', () => {
    const svc = lb('web', { 'kubernetes.io/elb.pass-through': 'true' });
    expect(
      checkCceServiceConstraints({ profile: 'KUBERNETES', kubernetesVersion: 'v1.10', proxyMode: 'IPVS' }, svc, [
        lb('x', {}),
      ]),
    ).toEqual([]);
  });

  it('with Local, kubernetes.io/elb.pass-through "true" reads back as onlyLocal; with Cluster it stays', () => {
    const local = lb('web', { 'kubernetes.io/elb.pass-through': 'true' });
    expect(normaliseCceAnnotations(local).annotations['kubernetes.io/elb.pass-through']).toBe('onlyLocal');
    const cluster = { ...local, externalTrafficPolicy: 'Cluster' as const };
    expect(normaliseCceAnnotations(cluster)).toBe(cluster);
    expect(RULES['CCE-ELB-PASSTHROUGH-ONLYLOCAL'].inferred).toBe(false);
  });
});

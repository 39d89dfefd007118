// One truth (docs/answers.md, "One truth: the fate of the connection"): for every packet a
// reachability answer forwards, trace() of the same packet at the same node reports the same
// fate — each endpoint's outcome and rule, each endpoint's masquerade, and the source-IP fate —
// and fields that cannot hold together never appear together.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { CompiledCluster } from './compiled';
import type { ClusterModel, Profile } from './model';
import { resolveClient } from './reach/client';
import { reachability, type ReachabilityClient } from './reachability';
import type { AddressResult, ReachVerdict, SourceIp, TraceEndpoint, TraceResult } from './results';
import { smallCluster } from './testing/small-cluster';
import { POLICY_SETS, SETUPS, truthCluster, truthSpec, withPolicies } from './testing/truth-clusters';
import { trace, type TraceSource } from './trace';

/** Every pod, every node, and outside clients on both networks (with and without an address). */
function everyClient(model: ClusterModel): ReachabilityClient[] {
  return [
    ...model.pods.filter((p) => p.nodeName !== null).map((p) => ({ pod: `${p.namespace}/${p.name}` })),
    ...model.nodes.map((n) => ({ node: n.name })),
    { external: { network: 'PUBLIC' } },
    { external: { network: 'PRIVATE' } },
    { external: { network: 'PRIVATE', ip: '172.31.9.9' } },
  ];
}

/** What must agree about one endpoint. */
const fateOf = (e: TraceEndpoint) => ({
  ip: e.ip,
  port: e.port,
  masquerade: e.masquerade,
  outcome: e.outcome,
  rule: e.rule,
  policy: e.policy,
});

const CONNECTION: Readonly<Record<ReachVerdict, TraceResult['connection']>> = {
  REACHABLE: 'COMPLETES',
  PARTIAL: 'PARTIAL',
  UNREACHABLE: 'FAILS',
  UNKNOWN: null,
};

/** Fields that cannot hold together: a source IP is seen exactly when some connection completes. */
function expectCoherent(t: TraceResult): void {
  const completes = t.endpoints.some((e) => e.outcome === 'CONNECTS');
  expect(t.connection === null).toBe(t.verdict !== 'FORWARD');
  expect(t.sourceIp.preserved !== null).toBe(completes);
  if (t.verdict !== 'FORWARD') expect(t.sourceIp.reason).toBe('NOT_DELIVERED');
  else if (!completes) expect(t.sourceIp.reason).toBe('NO_CONNECTION');
  // Judged on the connections that complete: kept exactly when none of them is masqueraded.
  if (completes) expect(t.sourceIp.preserved).toBe(!t.endpoints.some((e) => e.outcome === 'CONNECTS' && e.masquerade));
  // When connections fail, a step names the rule of the first failing one (as reachability's path does).
  const failing = t.endpoints.find((e) => e.outcome === 'FAILS' && e.rule !== null);
  if (failing !== undefined) {
    expect(t.steps.at(-1)?.rule).toBe(failing.rule);
    expect(t.rules).toContain(failing.rule);
  }
}

/** The combined fate of load-balancer deliveries, from the traces of every delivery (in delivery order). */
function deliveredFate(traces: readonly TraceResult[], proxy: boolean, lbIp: string, nodes: number): Partial<SourceIp> {
  const forwarded = traces.filter((t) => t.verdict === 'FORWARD');
  const completing = forwarded.filter((t) => t.connection !== 'FAILS');
  if (forwarded.length === 0) return { preserved: null, seenAs: null, seenAsKind: null, reason: 'NOT_DELIVERED' };
  if (completing.length === 0) return { preserved: null, seenAs: null, seenAsKind: null, reason: 'NO_CONNECTION' };
  const masq = completing.find((t) => t.sourceIp.preserved === false);
  if (masq !== undefined)
    return { preserved: false, seenAs: nodes === 1 ? masq.sourceIp.seenAs : null, seenAsKind: 'NODE' };
  if (proxy) return { preserved: false, seenAs: lbIp, seenAsKind: 'LOAD_BALANCER', reason: 'LB_PROXY' };
  return { preserved: true, seenAs: completing[0].sourceIp.seenAs, seenAsKind: 'CLIENT' };
}

/** Check every forwarded last hop and every delivery of one answer against trace(); returns how many traces were compared. */
function checkAnswer(cc: CompiledCluster, client: ReachabilityClient, r: AddressResult): number {
  const family = r.via.address.includes(':') ? 6 : 4;
  const source: TraceSource = resolveClient(cc, client).source(family);
  const last = r.hops[r.hops.length - 1];
  let compared = 0;
  if (r.deliveries === null) {
    if (last === undefined || last.verdict !== 'FORWARD') return 0;
    const t = trace(cc, {
      source: last.source !== undefined ? { external: { ip: last.source } } : source,
      destination: {
        ip: last.destination?.ip ?? r.via.address,
        port: last.destination?.port ?? r.via.port,
        protocol: r.via.protocol,
      },
      node: last.node,
    });
    expect(t.verdict).toBe('FORWARD');
    expect(t.endpoints.map(fateOf)).toEqual(r.endpoints.map(fateOf));
    expect(t.sourceIp).toEqual(r.sourceIp);
    expect(t.connection).toBe(CONNECTION[r.verdict]);
    expectCoherent(t);
    // The failure step reachability renders is trace's.
    if (t.endpoints.some((e) => e.outcome === 'FAILS' && e.rule !== null))
      expect(r.path.at(-1)).toEqual(t.steps.at(-1));
    return 1;
  }
  // Load-balancer deliveries: each node of each group, with the packet as the LB delivers it.
  const proxyHop = r.hops.find((h) => h.source !== undefined);
  const traces: TraceResult[] = [];
  let nodes = 0;
  for (const d of r.deliveries) {
    for (const name of d.nodes) {
      nodes++;
      const node = cc.nodes[cc.nodeByName.get(name) as number];
      const t = trace(cc, {
        source: proxyHop?.source !== undefined ? { external: { ip: proxyHop.source } } : source,
        destination:
          proxyHop?.destination !== undefined
            ? { ip: node.primaryIp[family] as string, port: proxyHop.destination.port, protocol: r.via.protocol }
            : { ip: r.via.address, port: r.via.port, protocol: r.via.protocol },
        node: name,
      });
      expect(t.verdict).toBe(d.verdict);
      expect(t.endpoints.map(fateOf)).toEqual(d.endpoints.map(fateOf));
      expectCoherent(t);
      traces.push(t);
      compared++;
    }
  }
  expect(r.sourceIp).toMatchObject(deliveredFate(traces, proxyHop !== undefined, r.via.address, nodes));
  return compared;
}

/** Every client's answer for every Service of the model, each checked; how many traces were compared. */
function checkModel(model: ClusterModel): number {
  const cc = compile(model);
  let compared = 0;
  for (const client of everyClient(model)) {
    for (const s of cc.services) {
      for (const r of reachability(cc, { client, service: s.key }).results) {
        // Reachability itself never reports a kept source IP where nothing connects.
        // (A load balancer's endpoints are the union of its deliveries', each failing wherever it fails: look at the deliveries.)
        const delivered = r.deliveries === null ? r.endpoints : r.deliveries.flatMap((d) => d.endpoints);
        if (r.sourceIp.preserved !== null) expect(delivered.some((e) => e.outcome === 'CONNECTS')).toBe(true);
        compared += checkAnswer(cc, client, r);
      }
    }
  }
  return compared;
}

describe('one truth: trace and reachability agree on the fate of every connection', () => {
  it.each(SETUPS.map((s) => [`${s.profile} ${s.network} ${s.proxy}`, s] as const))(
    '%s: NodePort and LoadBalancer Services, eTP Local and Cluster, multi-pod backends',
    (_, setup) => {
      let compared = 0;
      fc.assert(
        fc.property(truthSpec(setup), fc.boolean(), (spec, zones) => {
          // zones: nodes in zones of their own and topology-aware routing, so nodes use endpoints of their own.
          compared += checkModel(truthCluster(spec, zones));
        }),
        { numRuns: 16 },
      );
      // Most answers forward: the check is not vacuous.
      expect(compared).toBeGreaterThan(100);
    },
  );

  it.each(SETUPS.map((s) => [`${s.profile} ${s.network} ${s.proxy}`, s] as const))(
    '%s: the same with NetworkPolicies (each end judged after Service NAT)',
    (_, setup) => {
      let compared = 0;
      let denied = 0;
      fc.assert(
        fc.property(truthSpec(setup), fc.constantFrom(...POLICY_SETS), (spec, set) => {
          const model = withPolicies(truthCluster(spec), set);
          compared += checkModel(model);
          const cc = compile(model);
          for (const s of cc.services) {
            for (const r of reachability(cc, { client: { pod: 'default/client-s' }, service: s.key }).results) {
              denied += r.endpoints.filter(
                (e) => e.rule === 'K8S-NETPOL-DENIED-INGRESS' || e.rule === 'K8S-NETPOL-DENIED-EGRESS',
              ).length;
            }
          }
        }),
        { numRuns: 16 },
      );
      expect(compared).toBeGreaterThan(100);
      // Policies drop some connections: the agreement covers denials too.
      expect(denied).toBeGreaterThan(0);
    },
  );

  it.each(['KUBERNETES', 'CCE', 'CCE_TURBO'] as const)("%s: the benchmark generator's clusters", (profile: Profile) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom('IPTABLES' as const, 'IPVS' as const),
        (seed, mode) => {
          const model = smallCluster(seed, mode, 'CLUSTER_CIDR');
          checkModel(
            profile === 'KUBERNETES'
              ? model
              : {
                  ...model,
                  profile,
                  networkModel: profile === 'CCE_TURBO' ? 'CLOUD_NATIVE_2' : seed % 2 === 0 ? 'VPC' : 'TUNNEL',
                },
          );
        },
      ),
      { numRuns: 4 },
    );
  });

  it("the CCE page's demo: node-3's NodePort fails for frontend-1 in trace as in reachability", () => {
    const cc = compile(truthDemo());
    const t = trace(cc, {
      source: { pod: 'default/frontend-1' },
      destination: { ip: '192.168.0.12', port: 30000, protocol: 'TCP' },
    });
    expect(t.verdict).toBe('FORWARD');
    expect(t.connection).toBe('FAILS');
    expect(t.endpoints.map((e) => [e.outcome, e.rule])).toEqual(
      Array(3).fill(['FAILS', 'CCE-T2-NP-OTHER-CONTAINER-OTHER-NODE-TUNNEL-IPTABLES']),
    );
    expect(t.sourceIp).toEqual({ preserved: null, seenAs: null, seenAsKind: null, reason: 'NO_CONNECTION' });
    expect(t.steps.at(-1)?.rule).toBe('CCE-T2-NP-OTHER-CONTAINER-OTHER-NODE-TUNNEL-IPTABLES');
    const r = reachability(cc, {
      client: { pod: 'default/frontend-1' },
      service: 'default/backend-nodeport',
    }).results.find((x) => x.via.address === '192.168.0.12');
    expect(r?.verdict).toBe('UNREACHABLE');
    expect(r?.sourceIp).toEqual(t.sourceIp);
  });
});

/** Issue 12's cluster: node-1 runs backend-1 and backend-2, node-2 backend-3, node-3 frontend-1; NodePort 30000, eTP Local. */
function truthDemo(): ClusterModel {
  const nodes = ['node-1', 'node-2', 'node-3'].map((name, i) => ({
    name,
    internalIps: [`192.168.0.${10 + i}`],
    externalIp: `203.0.113.${10 + i}`,
    podCidrs: [`172.16.${i}.0/24`],
    labels: {},
  }));
  const pod = (name: string, nodeName: string, ip: string, app: string) => ({
    namespace: 'default',
    name,
    labels: { app },
    nodeName,
    ips: [ip],
    hostNetwork: false,
    phase: 'Running' as const,
    ready: true,
    terminating: false,
    containerPorts: [{ name: 'http', containerPort: 80, protocol: 'TCP' as const }],
  });
  return {
    name: 'cce-demo',
    profile: 'CCE',
    kubernetesVersion: '1.31',
    networkModel: 'TUNNEL',
    proxyMode: 'IPTABLES',
    clusterCidrs: ['172.16.0.0/16'],
    serviceCidrs: ['10.247.0.0/16'],
    nodePortRange: { min: 30000, max: 32767 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes,
    pods: [
      pod('backend-1', 'node-1', '172.16.0.11', 'backend'),
      pod('backend-2', 'node-1', '172.16.0.12', 'backend'),
      pod('backend-3', 'node-2', '172.16.1.11', 'backend'),
      pod('frontend-1', 'node-3', '172.16.2.11', 'frontend'),
    ],
    services: [
      {
        namespace: 'default',
        name: 'backend-nodeport',
        type: 'NodePort',
        selector: { app: 'backend' },
        ports: [{ name: 'service', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30000 }],
        clusterIps: ['10.247.12.7'],
        externalIps: [],
        loadBalancerIngress: [],
        loadBalancerSourceRanges: [],
        externalTrafficPolicy: 'Local',
        internalTrafficPolicy: 'Cluster',
        healthCheckNodePort: null,
        publishNotReadyAddresses: false,
        labels: {},
        annotations: {},
      },
    ],
    endpointSlices: [],
  };
}

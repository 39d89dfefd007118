// NetworkPolicy joined with forwarding (policy/join.ts): egress judged on the endpoint pod's IP
// and container port after Service DNAT, ingress on the source the backend actually sees (the
// client's own address when kept, the node's when masqueraded, with the node exception for the
// endpoint's own node); the enforcement setting and its per-profile default. On the CCE page's
// demo cluster (node-1: backend-1, backend-2; node-2: backend-3; node-3: frontend-1).
import { describe, expect, it } from 'vitest';
import { serviceMatrix } from './answer/matrix';
import { compile } from './compile';
import type {
  ClusterModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  PodModel,
} from './model';
import { patchCompiled } from './patch';
import { reachability, reachabilityToTarget, type TargetRequest } from './reachability';
import type { ReachabilityClient } from './reach/client';
import type { AddressResult } from './results';
import { demoCluster } from './testing/demo';
import { trace } from './trace';

const selector = (matchLabels: Record<string, string>) => ({ matchLabels, matchExpressions: [] });
const pods = (app: string): NetworkPolicyPeerModel => ({
  podSelector: selector({ app }),
  namespaceSelector: null,
  ipBlock: null,
});
const block = (cidr: string, except: string[] = []): NetworkPolicyPeerModel => ({
  podSelector: null,
  namespaceSelector: null,
  ipBlock: { cidr, except },
});
const tcp = (port: number | string): NetworkPolicyPortModel => ({ protocol: 'TCP', port, endPort: null });

const DENY_BACKEND: NetworkPolicyModel = {
  namespace: 'default',
  name: 'deny',
  podSelector: selector({ app: 'backend' }),
  policyTypes: ['Ingress'],
  ingress: [],
  egress: [],
};
const allowBackend = (
  name: string,
  peers: NetworkPolicyPeerModel[],
  ports: NetworkPolicyPortModel[] = [],
): NetworkPolicyModel => ({
  namespace: 'default',
  name,
  podSelector: selector({ app: 'backend' }),
  policyTypes: ['Ingress'],
  ingress: [{ peers, ports }],
  egress: [],
});
const frontendEgress = (ports: NetworkPolicyPortModel[]): NetworkPolicyModel => ({
  namespace: 'default',
  name: 'frontend-out',
  podSelector: selector({ app: 'frontend' }),
  policyTypes: ['Egress'],
  ingress: [],
  egress: [{ peers: [pods('backend')], ports }],
});

/** The demo cluster as plain Kubernetes (no CCE failure table), with these policies. */
function cluster(policies: NetworkPolicyModel[], edit: Partial<ClusterModel> = {}): ClusterModel {
  return { ...demoCluster(), profile: 'KUBERNETES', networkPolicies: policies, ...edit };
}

const FRONTEND: ReachabilityClient = { pod: 'default/frontend-1' };
const OUTSIDE: ReachabilityClient = { external: { network: 'PUBLIC', ip: '198.51.100.7' } };

function answer(
  model: ClusterModel,
  client: ReachabilityClient = FRONTEND,
  service = 'default/backend-nodeport',
): AddressResult[] {
  return [...reachability(compile(model), { client, service }).results];
}
const clusterIp = (rs: AddressResult[]) => rs.find((r) => r.via.kind === 'CLUSTER_IP') as AddressResult;
const nodePortOf = (rs: AddressResult[], node: string) =>
  rs.find((r) => r.via.kind === 'NODE_PORT' && r.via.node === node && r.via.network === 'PUBLIC') as AddressResult;
const stepRules = (r: AddressResult) => r.path.map((s) => s.rule);

describe("a connection is judged by both ends' policies", () => {
  it('without policies nothing changes: no policy on the endpoints, no K8S-NETPOL rule', () => {
    const r = clusterIp(answer({ ...demoCluster(), profile: 'KUBERNETES' }));
    expect(r.verdict).toBe('REACHABLE');
    for (const e of r.endpoints) expect(JSON.stringify(e)).not.toContain('policy');
    expect(r.rules.map((x) => x.id).filter((id) => id.includes('NETPOL'))).toEqual([]);
  });

  it('a default-deny ingress policy on the backends makes the ClusterIP UNREACHABLE, naming the policy', () => {
    const r = clusterIp(answer(cluster([DENY_BACKEND])));
    expect(r.verdict).toBe('UNREACHABLE');
    expect(r.rule).toBe('K8S-NETPOL-DENIED-INGRESS');
    expect(r.endpoints).toHaveLength(3);
    for (const e of r.endpoints) {
      expect(e).toMatchObject({ outcome: 'FAILS', rule: 'K8S-NETPOL-DENIED-INGRESS', masquerade: false });
      expect(e.policy?.seenAs).toBe('172.16.2.11');
      expect(e.policy?.ingress).toMatchObject({
        allowed: false,
        reason: 'DENIED_INGRESS',
        policies: ['default/deny'],
        allowedBy: null,
      });
      expect(e.policy?.egress).toMatchObject({ allowed: true, reason: 'NO_POLICY_SELECTS_POD' });
    }
    expect(stepRules(r)).toContain('K8S-NETPOL-DENIED-INGRESS');
    expect(r.rules.map((x) => x.id)).toContain('K8S-NETPOL-DENIED-INGRESS');
    expect(r.sourceIp.preserved).toBeNull();
  });

  it('a rule allowing the frontend on the named port lets it through, and says which policy and rule', () => {
    const r = clusterIp(
      answer(cluster([DENY_BACKEND, allowBackend('allow-frontend', [pods('frontend')], [tcp('http')])])),
    );
    expect(r.verdict).toBe('REACHABLE');
    for (const e of r.endpoints) {
      expect(e.policy?.ingress).toMatchObject({
        reason: 'ALLOWED_BY_POLICY',
        allowedBy: { policy: 'default/allow-frontend', direction: 'Ingress', rule: 0 },
        policies: ['default/allow-frontend', 'default/deny'],
      });
    }
    const step = r.path.find((s) => s.rule === 'K8S-NETPOL-ALLOWED');
    expect(step?.description).toContain('default/allow-frontend ingress[0]');
    // A note on why connections pass decides nothing: the deciding rule stays the forwarding's.
    expect(r.rule).not.toMatch(/NETPOL/);
  });

  it('a rule for another port or another client does not', () => {
    expect(
      clusterIp(answer(cluster([DENY_BACKEND, allowBackend('allow', [pods('frontend')], [tcp(8080)])]))).verdict,
    ).toBe('UNREACHABLE');
    expect(clusterIp(answer(cluster([DENY_BACKEND, allowBackend('allow', [pods('other')])]))).verdict).toBe(
      'UNREACHABLE',
    );
  });
});

describe("egress is judged after Service DNAT: the endpoint pod's IP and container port", () => {
  // The Service listens on 8080 and forwards to the pods' port 80.
  const on8080 = (policies: NetworkPolicyModel[]) => {
    const base = cluster(policies);
    return {
      ...base,
      services: base.services.map((s) => ({ ...s, ports: s.ports.map((p) => ({ ...p, port: 8080 })) })),
    };
  };

  it('an egress rule for the Service port (8080) allows nothing; for the targetPort (80) it allows', () => {
    const denied = clusterIp(answer(on8080([frontendEgress([tcp(8080)])])));
    expect(denied.verdict).toBe('UNREACHABLE');
    expect(denied.rule).toBe('K8S-NETPOL-DENIED-EGRESS');
    expect(denied.endpoints[0].policy?.egress).toMatchObject({
      reason: 'DENIED_EGRESS',
      policies: ['default/frontend-out'],
    });
    const allowed = clusterIp(answer(on8080([frontendEgress([tcp(80)])])));
    expect(allowed.verdict).toBe('REACHABLE');
    expect(allowed.endpoints[0].policy?.egress).toMatchObject({
      reason: 'ALLOWED_BY_POLICY',
      allowedBy: { policy: 'default/frontend-out', direction: 'Egress', rule: 0 },
    });
  });

  it('a named port in an egress rule is resolved on the destination pod', () => {
    expect(clusterIp(answer(on8080([frontendEgress([tcp('http')])]))).verdict).toBe('REACHABLE');
  });
});

describe('ingress sees the source after SNAT', () => {
  const fromClients = allowBackend('from-clients', [block('198.51.100.0/24')]);

  it("externalTrafficPolicy Local keeps the client's address: its ipBlock matches", () => {
    const r = nodePortOf(answer(cluster([DENY_BACKEND, fromClients]), OUTSIDE), 'node-1');
    expect(r.verdict).toBe('REACHABLE');
    expect(r.sourceIp.preserved).toBe(true);
    for (const e of r.endpoints)
      expect(e.policy).toMatchObject({
        seenAs: '198.51.100.7',
        ingress: { reason: 'ALLOWED_BY_POLICY', allowedBy: { policy: 'default/from-clients' } },
      });
  });

  it("externalTrafficPolicy Cluster masquerades to the node: the ipBlock no longer matches; the node's own pods still allow it", () => {
    const model = cluster([DENY_BACKEND, fromClients]);
    const etpCluster = {
      ...model,
      services: model.services.map((s) => ({ ...s, externalTrafficPolicy: 'Cluster' as const })),
    };
    const results = answer(etpCluster, OUTSIDE);
    const viaNode1 = nodePortOf(results, 'node-1');
    expect(viaNode1.verdict).toBe('PARTIAL');
    const byPod = Object.fromEntries(viaNode1.endpoints.map((e) => [e.pod, e]));
    expect(byPod['default/backend-1']).toMatchObject({
      masquerade: true,
      outcome: 'CONNECTS',
      policy: { seenAs: null, ingress: { reason: 'NODE_EXCEPTION', rule: 'K8S-NETPOL-NODE-EXCEPTION' } },
    });
    expect(byPod['default/backend-3']).toMatchObject({
      masquerade: true,
      outcome: 'FAILS',
      rule: 'K8S-NETPOL-DENIED-INGRESS',
    });
    expect(stepRules(viaNode1)).toEqual(
      expect.arrayContaining(['K8S-NETPOL-NODE-EXCEPTION', 'K8S-NETPOL-DENIED-INGRESS']),
    );
    // node-3 hosts no backend: every connection arrives from a foreign node address.
    expect(nodePortOf(results, 'node-3').verdict).toBe('UNREACHABLE');
  });

  it("an ipBlock holding a node's address lets that node's masqueraded traffic in, not the others'", () => {
    const model = cluster([DENY_BACKEND, allowBackend('from-node-3', [block('192.168.0.12/32')])]);
    const etpCluster = {
      ...model,
      services: model.services.map((s) => ({ ...s, externalTrafficPolicy: 'Cluster' as const })),
    };
    const results = answer(etpCluster, OUTSIDE);
    expect(nodePortOf(results, 'node-3').verdict).toBe('REACHABLE');
    expect(nodePortOf(results, 'node-2').verdict).toBe('PARTIAL'); // backend-3 by the node exception only
  });

  it('trace judges the same packet the same way', () => {
    const model = cluster([DENY_BACKEND, fromClients]);
    const etpCluster = {
      ...model,
      services: model.services.map((s) => ({ ...s, externalTrafficPolicy: 'Cluster' as const })),
    };
    const cc = compile(etpCluster);
    const t = trace(cc, {
      source: { external: { ip: '198.51.100.7' } },
      destination: { ip: '203.0.113.10', port: 30000, protocol: 'TCP' },
      node: 'node-1',
    });
    expect(t.verdict).toBe('FORWARD');
    expect(t.connection).toBe('PARTIAL');
    const r = nodePortOf(answer(etpCluster, OUTSIDE), 'node-1');
    expect(t.endpoints).toEqual(r.endpoints);
    expect(t.steps.map((s) => s.rule)).toContain('K8S-NETPOL-DENIED-INGRESS');
  });
});

describe("enforcement: the cluster's setting, else the profile's default", () => {
  it('networkPolicyEnforced false: stored policies drop nothing, and the answer says so', () => {
    const r = clusterIp(answer(cluster([DENY_BACKEND], { networkPolicyEnforced: false })));
    expect(r.verdict).toBe('REACHABLE');
    expect(r.endpoints[0].policy?.ingress).toMatchObject({ reason: 'NOT_ENFORCED', policies: ['default/deny'] });
    expect(stepRules(r)).toContain('K8S-NETPOL-NOT-ENFORCED');
  });

  it('plain Kubernetes enforces by default, and cites the assumption', () => {
    const r = clusterIp(answer(cluster([DENY_BACKEND])));
    expect(stepRules(r)).toContain('K8S-NETPOL-ENFORCED-DEFAULT');
    expect(stepRules(clusterIp(answer(cluster([DENY_BACKEND], { networkPolicyEnforced: true }))))).not.toContain(
      'K8S-NETPOL-ENFORCED-DEFAULT',
    );
  });

  it('CCE: the tunnel network enforces; the VPC network and Cloud Native 2.0 only with DataPlane V2 (off by default)', () => {
    const tunnel = clusterIp(answer(cluster([DENY_BACKEND], { profile: 'CCE', networkModel: 'TUNNEL' })));
    expect(tunnel.verdict).toBe('UNREACHABLE');
    expect(stepRules(tunnel)).toContain('CCE-NETPOL-TUNNEL');
    const vpc = clusterIp(answer(cluster([DENY_BACKEND], { profile: 'CCE', networkModel: 'VPC' })));
    expect(vpc.verdict).toBe('REACHABLE');
    expect(stepRules(vpc)).toEqual(expect.arrayContaining(['CCE-NETPOL-DATAPLANE-V2', 'K8S-NETPOL-NOT-ENFORCED']));
    const dataPlaneV2 = clusterIp(
      answer(cluster([DENY_BACKEND], { profile: 'CCE', networkModel: 'VPC', networkPolicyEnforced: true })),
    );
    expect(dataPlaneV2.verdict).toBe('UNREACHABLE');
  });
});

describe('a patched model keeps its policies', () => {
  it('a pod written after compile is judged by the policies selecting it', () => {
    const model = cluster([DENY_BACKEND, allowBackend('allow-frontend', [pods('frontend')])]);
    const cc = compile(model);
    const frontend = model.pods.find((p) => p.name === 'frontend-1') as PodModel;
    const stranger: PodModel = { ...frontend, name: 'stranger', ips: ['172.16.2.12'], labels: { app: 'stranger' } };
    const friend: PodModel = { ...frontend, name: 'friend', ips: ['172.16.2.13'] };
    const patched = patchCompiled(cc, [
      { kind: 'pod', key: 'default/stranger', after: stranger },
      { kind: 'pod', key: 'default/friend', after: friend },
    ]);
    const ask = (pod: string) =>
      clusterIp([...reachability(patched, { client: { pod }, service: 'default/backend-nodeport' }).results]).verdict;
    expect(ask('default/stranger')).toBe('UNREACHABLE');
    expect(ask('default/friend')).toBe('REACHABLE');
    expect(ask('default/frontend-1')).toBe('REACHABLE');
  });
});

describe("pod and address targets: the client addresses a pod's own IP or an outside address", () => {
  type Ask = { client?: ReachabilityClient; port: number; protocol?: 'TCP' | 'UDP' } & (
    { pod: string } | { ip: string }
  );
  const ask = (model: ClusterModel, req: Ask) =>
    reachabilityToTarget(compile(model), { client: FRONTEND, ...req } as TargetRequest).results[0];

  it('a pod target is one POD_IP result: REACHABLE with no policy, UNREACHABLE under default-deny, naming the policy', () => {
    const open = ask(cluster([]), { pod: 'default/backend-3', port: 80 });
    expect(open).toMatchObject({
      via: { kind: 'POD_IP', address: '172.16.1.11', port: 80, protocol: 'TCP' },
      verdict: 'REACHABLE',
      sourceIp: { preserved: true, seenAs: '172.16.2.11' },
    });
    expect(open.path.map((s) => s.rule)).toEqual([
      'K8S-POD-IP-DIRECT',
      'K8S-NETPOL-ENFORCED-DEFAULT',
      'K8S-NETPOL-NOT-ISOLATED',
    ]);
    const denied = ask(cluster([DENY_BACKEND]), { pod: 'default/backend-3', port: 80 });
    expect(denied).toMatchObject({
      verdict: 'UNREACHABLE',
      rule: 'K8S-NETPOL-DENIED-INGRESS',
      endpoints: [{ outcome: 'FAILS', policy: { ingress: { reason: 'DENIED_INGRESS', policies: ['default/deny'] } } }],
    });
    const allowed = ask(cluster([DENY_BACKEND, allowBackend('allow', [pods('frontend')], [tcp('http')])]), {
      pod: 'default/backend-3',
      port: 80,
    });
    expect(allowed).toMatchObject({ verdict: 'REACHABLE', rule: 'K8S-NETPOL-ALLOWED' });
    // Another port than the rule's: dropped.
    expect(
      ask(cluster([DENY_BACKEND, allowBackend('allow', [pods('frontend')], [tcp('http')])]), {
        pod: 'default/backend-3',
        port: 81,
      }).verdict,
    ).toBe('UNREACHABLE');
  });

  it('an outside client is judged against ipBlocks by its own address; without one an isolated pod is UNKNOWN', () => {
    const model = cluster([DENY_BACKEND, allowBackend('from-clients', [block('198.51.100.0/24')])]);
    expect(ask(model, { client: OUTSIDE, pod: 'default/backend-1', port: 80 })).toMatchObject({
      verdict: 'REACHABLE',
      hops: [],
      endpoints: [{ policy: { seenAs: '198.51.100.7' } }],
    });
    expect(
      ask(model, {
        client: { external: { network: 'PUBLIC', ip: '203.0.113.99' } },
        pod: 'default/backend-1',
        port: 80,
      }).verdict,
    ).toBe('UNREACHABLE');
    expect(
      ask(model, { client: { external: { network: 'PUBLIC' } }, pod: 'default/backend-1', port: 80 }),
    ).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'POLICY_CLIENT_IP' });
  });

  it("an address target is judged by the client pod's egress rules (ipBlock with except)", () => {
    const egress: NetworkPolicyModel = {
      namespace: 'default',
      name: 'out',
      podSelector: selector({ app: 'frontend' }),
      policyTypes: ['Egress'],
      ingress: [],
      egress: [{ peers: [block('203.0.113.0/24', ['203.0.113.128/25'])], ports: [tcp(443)] }],
    };
    const model = cluster([egress]);
    expect(ask(model, { ip: '203.0.113.10', port: 443 })).toMatchObject({
      via: { kind: 'IP', address: '203.0.113.10' },
      verdict: 'REACHABLE',
      sourceIp: { preserved: null, reason: 'LEAVES_CLUSTER' },
    });
    expect(ask(model, { ip: '203.0.113.200', port: 443 })).toMatchObject({
      verdict: 'UNREACHABLE',
      rule: 'K8S-NETPOL-DENIED-EGRESS',
    });
    expect(ask(model, { ip: '203.0.113.10', port: 80 }).verdict).toBe('UNREACHABLE');
    expect(ask(model, { ip: '203.0.113.10', port: 443, protocol: 'UDP' }).verdict).toBe('UNREACHABLE');
  });

  it('unknown pods and bad addresses are input errors', () => {
    expect(() => ask(cluster([]), { pod: 'default/nope', port: 80 })).toThrow(/nope/);
    expect(() => ask(cluster([]), { ip: 'fd00::1', port: 80 })).toThrow(/IPv6/);
  });
});

describe('the matrix shows policy per cell', () => {
  const cellsOf = (model: ClusterModel) => {
    const m = serviceMatrix(compile(model), 'default/backend-nodeport');
    const clusterIpColumn = m.columns.findIndex((c) => c.kind === 'CLUSTER_IP');
    const row = m.rows.find((r) => r.client.name === 'default/frontend-1') as (typeof m.rows)[number];
    return { cell: row.cells[clusterIpColumn], all: m.rows.flatMap((r) => r.cells) };
  };

  it('null without policies; DENIED under default-deny; ALLOWED with the allow rule; NOT_ENFORCED when off', () => {
    expect(cellsOf({ ...demoCluster(), profile: 'KUBERNETES' }).all.every((c) => c.policy === null)).toBe(true);
    expect(cellsOf(cluster([DENY_BACKEND])).cell).toMatchObject({
      verdict: 'UNREACHABLE',
      policy: 'DENIED',
      rule: 'K8S-NETPOL-DENIED-INGRESS',
    });
    expect(cellsOf(cluster([DENY_BACKEND, allowBackend('allow', [pods('frontend')])])).cell).toMatchObject({
      verdict: 'REACHABLE',
      policy: 'ALLOWED',
    });
    expect(cellsOf(cluster([DENY_BACKEND], { networkPolicyEnforced: false })).cell).toMatchObject({
      verdict: 'REACHABLE',
      policy: 'NOT_ENFORCED',
    });
    // A policy elsewhere: the cell's ends are not isolated.
    const elsewhere: NetworkPolicyModel = { ...DENY_BACKEND, namespace: 'other' };
    expect(cellsOf(cluster([elsewhere])).cell).toMatchObject({ verdict: 'REACHABLE', policy: 'OPEN' });
  });
});

describe('suggestions when a policy drops the connection', () => {
  it('ADD_NETWORK_POLICY: a new policy beside the isolating one, allowing exactly this client on the container port, verified', () => {
    const r = clusterIp(answer(cluster([DENY_BACKEND])));
    const s = r.suggestions.find((x) => x.code === 'ADD_NETWORK_POLICY');
    expect(s?.expected).toEqual({ verdict: 'REACHABLE', sourceIpPreserved: true });
    expect(s?.networkPolicy).toEqual({
      namespace: 'default',
      name: expect.stringMatching(/^svcpath-allow-frontend-1-to-backend-/),
      podSelector: DENY_BACKEND.podSelector,
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              podSelector: { matchLabels: { app: 'frontend' }, matchExpressions: [] },
              namespaceSelector: null,
              ipBlock: null,
            },
          ],
          ports: [{ protocol: 'TCP', port: 80, endPort: null }],
        },
      ],
      egress: [],
    });
  });

  it("an egress denial gets an egress rule in the client's namespace towards the endpoint pod", () => {
    const s = clusterIp(answer(cluster([frontendEgress([tcp(8080)])]))).suggestions.find(
      (x) => x.code === 'ADD_NETWORK_POLICY',
    );
    expect(s?.networkPolicy).toMatchObject({
      namespace: 'default',
      policyTypes: ['Egress'],
      podSelector: { matchLabels: { app: 'frontend' } },
      egress: [{ ports: [{ port: 80 }] }],
    });
  });

  it('SET_ETP_LOCAL where masquerade hides the client an ipBlock allows', () => {
    const model = cluster([DENY_BACKEND, allowBackend('from-clients', [block('198.51.100.0/24')])]);
    const etpCluster = {
      ...model,
      services: model.services.map((s) => ({ ...s, externalTrafficPolicy: 'Cluster' as const })),
    };
    // node-1: its own backends let the masqueraded connections in (node exception), backend-3 drops them.
    const r = nodePortOf(answer(etpCluster, OUTSIDE), 'node-1');
    expect(r.verdict).toBe('PARTIAL');
    const local = r.suggestions.find((x) => x.code === 'SET_ETP_LOCAL');
    expect(local?.message).toContain('NetworkPolicies see the client');
    expect(local?.expected).toEqual({ verdict: 'REACHABLE', sourceIpPreserved: true });
    // node-3 runs no backend: Local would leave it nothing, so it is not offered there.
    expect(nodePortOf(answer(etpCluster, OUTSIDE), 'node-3').suggestions.map((x) => x.code)).not.toContain(
      'SET_ETP_LOCAL',
    );
  });
});

describe('an outside client without an address, where ipBlocks decide', () => {
  it('is UNKNOWN (POLICY_CLIENT_IP) where an isolated backend would judge its address; masqueraded answers stay', () => {
    const model = cluster([DENY_BACKEND, allowBackend('from-clients', [block('198.51.100.0/24')])]);
    const anonymous: ReachabilityClient = { external: { network: 'PUBLIC' } };
    const local = nodePortOf(answer(model, anonymous), 'node-1');
    expect(local).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'POLICY_CLIENT_IP', suggestions: [] });
    const etpCluster = {
      ...model,
      services: model.services.map((s) => ({ ...s, externalTrafficPolicy: 'Cluster' as const })),
    };
    expect(nodePortOf(answer(etpCluster, anonymous), 'node-1').verdict).toBe('PARTIAL');
    // Without ipBlocks the address cannot matter.
    expect(nodePortOf(answer(cluster([DENY_BACKEND]), anonymous), 'node-1').verdict).toBe('UNREACHABLE');
  });
});

describe('a load balancer delivering straight to the pods (loadBalancerTarget PODS)', () => {
  /** The demo's backend-elb as a container-native load balancer: kube-proxy is not on the path. */
  function podTargets(policies: NetworkPolicyModel[], edit: Partial<ClusterModel> = {}): ClusterModel {
    const model = cluster(policies, edit);
    return {
      ...model,
      services: model.services.map((s) =>
        s.name === 'backend-elb' ? { ...s, loadBalancerTarget: 'PODS' as const } : s,
      ),
    };
  }
  const lb = (model: ClusterModel, client: ReachabilityClient = OUTSIDE) => {
    const rs = answer(model, client, 'default/backend-elb').filter((r) => r.via.kind === 'LOAD_BALANCER');
    expect(rs.length).toBeGreaterThan(0);
    return rs;
  };

  it('without policies every ready pod is reached, with no policy judgement', () => {
    for (const r of lb({ ...podTargets([]), networkPolicies: [] })) {
      expect(r).toMatchObject({ verdict: 'REACHABLE', rule: 'K8S-LB-POD-TARGETS' });
      for (const e of r.endpoints) expect(e.policy).toBeUndefined();
    }
  });

  it('a default-deny ingress policy drops what the load balancer delivers, whatever address the pods see', () => {
    for (const r of lb(podTargets([DENY_BACKEND]))) {
      expect(r).toMatchObject({ verdict: 'UNREACHABLE', rule: 'K8S-NETPOL-DENIED-INGRESS', missingFact: null });
      expect(r.endpoints).toHaveLength(3);
      for (const e of r.endpoints) {
        expect(e).toMatchObject({ outcome: 'FAILS', rule: 'K8S-NETPOL-DENIED-INGRESS' });
        expect(e.policy).toMatchObject({
          seenAs: null,
          ingress: { allowed: false, reason: 'DENIED_INGRESS', policies: ['default/deny'] },
          egress: { reason: 'NOT_A_POD' },
        });
      }
      expect(stepRules(r)).toContain('K8S-NETPOL-DENIED-INGRESS');
      expect(r.sourceIp.preserved).toBeNull();
    }
  });

  it('a rule open to every peer on the port lets it in, naming the rule; on another port it does not', () => {
    const open = allowBackend('open-http', [], [tcp('http')]);
    for (const r of lb(podTargets([DENY_BACKEND, open]))) {
      expect(r.verdict).toBe('REACHABLE');
      for (const e of r.endpoints)
        expect(e.policy?.ingress).toMatchObject({
          allowed: true,
          reason: 'ALLOWED_BY_POLICY',
          allowedBy: { policy: 'default/open-http', direction: 'Ingress', rule: 0 },
        });
    }
    for (const r of lb(podTargets([DENY_BACKEND, allowBackend('open-other', [], [tcp(9999)])])))
      expect(r.verdict).toBe('UNREACHABLE');
  });

  it("a rule naming peers on the port makes it UNKNOWN (POLICY_LB_SOURCE): which address the pods see is the load balancer's setting", () => {
    for (const policy of [
      allowBackend('from-block', [block('198.51.100.0/24')]),
      allowBackend('from-frontend', [pods('frontend')]),
    ]) {
      for (const r of lb(podTargets([DENY_BACKEND, policy]))) {
        // From outside, a pod selector can never match: the source is not a pod.
        if (policy.name === 'from-frontend') expect(r.verdict).toBe('UNREACHABLE');
        else expect(r).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'POLICY_LB_SOURCE', endpoints: [] });
      }
    }
  });

  it('policies stored but not enforced: every pod is reached, and the answer says so', () => {
    for (const r of lb(podTargets([DENY_BACKEND], { networkPolicyEnforced: false }))) {
      expect(r.verdict).toBe('REACHABLE');
      for (const e of r.endpoints) expect(e.policy?.ingress).toMatchObject({ allowed: true, reason: 'NOT_ENFORCED' });
      expect(stepRules(r)).toContain('K8S-NETPOL-NOT-ENFORCED');
    }
  });
});

// Load balancers beyond kube-proxy's own rules: the LoadBalancerIPMode gate (pkg/features/kube_features.go),
// load balancers known only by hostname, load balancers that target pods (allocateLoadBalancerNodePorts
// false, container-native), and the cloud source-range annotation kube-proxy never reads.
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ClusterModel, ServiceModel } from './model';
import { reachability } from './reachability';
import type { ReachabilityClient } from './reach/client';
import type { AddressResult } from './results';
import { endpoint, fakeCluster, makeService, makeSlice, port, TEST_NODE, type ServiceDraft } from './testing/upstream';

const PUBLIC_CLIENT = '198.51.100.7';

function lbService(edit: (s: ServiceDraft) => void = () => undefined): ServiceModel {
  return makeService('ns1', 'lb', (s) => {
    s.type = 'LoadBalancer';
    s.clusterIps = ['172.30.0.50'];
    s.ports = [port('p80', 80, { nodePort: 3050 })];
    s.loadBalancerIngress = [{ ip: '1.2.3.50', ipMode: 'VIP' }];
    edit(s);
  });
}

function cluster(svc: ServiceModel, version = '1.31', ready = true): ClusterModel {
  const slice = makeSlice(
    'ns1',
    'lb',
    1,
    'IPv4',
    [{ ...endpoint('10.180.0.5', TEST_NODE), ready }],
    [{ name: 'p80', port: 80 }],
  );
  return { ...fakeCluster({ mode: 'IPTABLES' }, [svc], [slice]), kubernetesVersion: version };
}

function lbResults(
  model: ClusterModel,
  client: ReachabilityClient = { external: { network: 'PUBLIC', ip: PUBLIC_CLIENT } },
): AddressResult[] {
  return reachability(compile(model), { client, service: 'ns1/lb' }).results.filter(
    (r) => r.via.kind === 'LOAD_BALANCER',
  );
}

const rulesOf = (r: AddressResult) => r.path.map((s) => s.rule);

describe('ipMode Proxy follows the LoadBalancerIPMode feature gate (as of v1.30)', () => {
  const proxy = lbService((s) => {
    s.loadBalancerIngress = [{ ip: '1.2.3.50', ipMode: 'Proxy' }];
  });

  it('v1.30 honours it: the load balancer opens its own connection to the NodePort', () => {
    const [r] = lbResults(cluster(proxy, 'v1.30.2'));
    expect(r.hops[0]).toMatchObject({ source: '1.2.3.50', destination: { port: 3050 } });
    expect(rulesOf(r)).toContain('K8S-LB-PROXY-DELIVERY');
    expect(rulesOf(r)).not.toContain('K8S-LB-IPMODE-GATE');
  });

  it('v1.29 does not: the address gets the VIP rules, and the answer says why', () => {
    const [r] = lbResults(cluster(proxy, 'v1.29.4'));
    expect(r.hops[0].source).toBeUndefined();
    expect(rulesOf(r)[0]).toBe('K8S-LB-IPMODE-GATE');
    expect(r.rules.map((x) => x.id)).toContain('K8S-LB-IPMODE-GATE');
    expect(r.hops[0].destination).toBeUndefined();
  });

  it('from inside the cluster a v1.29 kube-proxy intercepts the Proxy address like a VIP', () => {
    const [r] = lbResults(cluster(proxy, 'v1.29.4'), { node: TEST_NODE });
    expect(r.verdict).toBe('REACHABLE');
    expect(rulesOf(r)).toContain('K8S-LB-IPMODE-GATE');
    const [current] = lbResults(cluster(proxy, 'v1.31.0'), { node: TEST_NODE });
    expect(rulesOf(current)).not.toContain('K8S-LB-IPMODE-GATE');
  });
});

describe('a load balancer known only by hostname', () => {
  const named = (etp: 'Cluster' | 'Local') =>
    lbService((s) => {
      s.loadBalancerIngress = [];
      s.loadBalancerHostnames = ['a1b2.elb.us-east-1.amazonaws.com'];
      s.externalTrafficPolicy = etp;
      if (etp === 'Local') s.healthCheckNodePort = 32050;
    });

  it('gets an answer row: delivered to the NodePort; with eTP Cluster the backend sees a node', () => {
    const rows = lbResults(cluster(named('Cluster')));
    expect(rows).toHaveLength(1);
    const [r] = rows;
    expect(r.via.address).toBe('a1b2.elb.us-east-1.amazonaws.com');
    expect(r.verdict).toBe('REACHABLE');
    expect(rulesOf(r)).toContain('K8S-LB-HOSTNAME');
    expect(r.hops[0].destination?.port).toBe(3050);
    expect(r.sourceIp.preserved).toBe(false);
  });

  it('with eTP Local the nodes keep the source, so the load balancer decides it: not known', () => {
    const [r] = lbResults(cluster(named('Local')));
    expect(r.verdict).toBe('REACHABLE');
    expect(r.sourceIp).toMatchObject({ preserved: null, reason: 'LB_UNKNOWN' });
  });

  it('from inside the cluster the address it resolves to is a missing fact', () => {
    const [r] = lbResults(cluster(named('Cluster')), { node: TEST_NODE });
    expect(r).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'LB_HOSTNAME_ADDRESS', rule: 'K8S-LB-HOSTNAME' });
  });
});

describe('where the load balancer delivers', () => {
  const noNodePort = (edit: (s: ServiceDraft) => void = () => undefined) =>
    lbService((s) => {
      s.ports = [port('p80', 80, { nodePort: null })];
      edit(s);
    });

  it('without a NodePort and without a stated target, the target is a missing fact from outside', () => {
    const [r] = lbResults(cluster(noNodePort()));
    expect(r).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'LB_TARGET', rule: 'K8S-LB-TARGET-UNKNOWN' });
    // Inside the cluster kube-proxy still intercepts the VIP: no load balancer on the way.
    expect(lbResults(cluster(noNodePort()), { node: TEST_NODE })[0].verdict).toBe('REACHABLE');
  });

  it("pods as targets (the AWS controller's target type ip): straight to the ready pods, no node on the path", () => {
    const svc = noNodePort((s) => {
      s.annotations = { 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' };
      s.externalTrafficPolicy = 'Local';
    });
    const [r] = lbResults(cluster(svc));
    expect(r.verdict).toBe('REACHABLE');
    expect(r.rule).toBe('K8S-LB-POD-TARGETS');
    expect(r.endpoints.map((e) => `${e.ip}:${e.port} ${e.outcome}`)).toEqual(['10.180.0.5:80 CONNECTS']);
    expect(r.hops).toEqual([]);
    expect(r.sourceIp.reason).toBe('LB_UNKNOWN');
    expect(r.path.at(-1)?.description).toContain('aws-load-balancer-nlb-target-type: ip');
  });

  it('pods as targets with no ready pod: unreachable', () => {
    const [r] = lbResults(
      cluster(
        noNodePort((s) => {
          s.loadBalancerTarget = 'PODS';
        }),
        '1.31',
        false,
      ),
    );
    expect(r.verdict).toBe('UNREACHABLE');
    expect(r.endpoints).toEqual([]);
  });

  it("the Service's own loadBalancerTarget wins over the annotation, and NODES without a NodePort is answered as nodes with the VIP kept", () => {
    const svc = noNodePort((s) => {
      s.loadBalancerTarget = 'NODES';
      s.annotations = { 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' };
    });
    const [r] = lbResults(cluster(svc));
    expect(r.verdict).toBe('REACHABLE');
    expect(r.deliveries).not.toBeNull();
    expect(rulesOf(r)).not.toContain('K8S-LB-POD-TARGETS');
  });
});

describe("the cloud source-range annotation is the load balancer's, not kube-proxy's", () => {
  const annotated = (edit: (s: ServiceDraft) => void = () => undefined) =>
    lbService((s) => {
      s.annotations = { 'service.beta.kubernetes.io/load-balancer-source-ranges': '198.51.100.0/24, 192.0.2.0/24' };
      edit(s);
    });

  it('a client inside it is delivered, with a step naming the allowlist', () => {
    const [r] = lbResults(cluster(annotated()));
    expect(r.verdict).toBe('REACHABLE');
    expect(rulesOf(r)[0]).toBe('K8S-LB-CLOUD-SOURCE-RANGES');
  });

  it('a client outside it: whether the provider enforces it is not known', () => {
    const [r] = lbResults(cluster(annotated()), { external: { network: 'PUBLIC', ip: '203.0.113.99' } });
    expect(r).toMatchObject({ verdict: 'UNKNOWN', missingFact: 'CLOUD_SOURCE_RANGES' });
    const [unknownIp] = lbResults(cluster(annotated()), { external: { network: 'PUBLIC' } });
    expect(unknownIp.missingFact).toBe('CLOUD_SOURCE_RANGES');
  });

  it("kube-proxy does not read it: a node's trace of the same packet forwards, and spec ranges, when set, replace it", () => {
    const outside = { external: { network: 'PUBLIC' as const, ip: '203.0.113.99' } };
    const [r] = lbResults(
      cluster(
        annotated((s) => {
          s.loadBalancerSourceRanges = ['203.0.113.0/24'];
        }),
      ),
      outside,
    );
    expect(r.verdict).toBe('REACHABLE');
    expect(rulesOf(r)).not.toContain('K8S-LB-CLOUD-SOURCE-RANGES');
  });
});

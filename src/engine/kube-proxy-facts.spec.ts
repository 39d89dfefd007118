// kube-proxy configuration facts that depend on the proxy mode or the IP family: nftables reads an
// empty nodePortAddresses as "primary" (cmd/kube-proxy/app/server_linux.go platformApplyDefaults),
// and loadBalancerSourceRanges apply per IP family (pkg/proxy/serviceport.go: a family with no
// range has no firewall).
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ProxyMode } from './model';
import {
  fakeCluster,
  makeService,
  makeSlice,
  port,
  TEST_EXTERNAL_CLIENT,
  TEST_NODE,
  TEST_NODE_IP,
  TEST_NODE_IP_ALT,
  endpoint,
} from './testing/upstream';
import { trace } from './trace';

const nodePortService = makeService('ns1', 'svc1', (s) => {
  s.type = 'NodePort';
  s.clusterIps = ['172.30.0.41'];
  s.ports = [port('p80', 80, { nodePort: 3001 })];
});
const slice = makeSlice('ns1', 'svc1', 1, 'IPv4', [endpoint('10.180.0.1', TEST_NODE)], [{ name: 'p80', port: 80 }]);

function nodePortAt(mode: ProxyMode, ip: string) {
  const model = { ...fakeCluster({ mode, nodePortAddresses: [] }, [nodePortService], [slice]) };
  return trace(compile(model), {
    source: { external: { ip: TEST_EXTERNAL_CLIENT } },
    destination: { ip, port: 3001, protocol: 'TCP' },
    node: TEST_NODE,
  });
}

describe('nodePortAddresses left empty', () => {
  it("nftables answers NodePorts on the node's primary IP only", () => {
    expect(nodePortAt('NFTABLES', TEST_NODE_IP).verdict).toBe('FORWARD');
    const secondary = nodePortAt('NFTABLES', TEST_NODE_IP_ALT);
    expect(secondary.verdict).toBe('NOT_INTERCEPTED');
    expect(secondary.steps.map((s) => s.rule)).toContain('K8S-NODEPORT-ADDRESSES');
  });

  it('iptables and IPVS answer them on every node address', () => {
    for (const mode of ['IPTABLES', 'IPVS'] as const)
      expect(nodePortAt(mode, TEST_NODE_IP_ALT).verdict, mode).toBe('FORWARD');
  });
});

describe('loadBalancerSourceRanges per IP family', () => {
  const dual = makeService('ns1', 'lb', (s) => {
    s.type = 'LoadBalancer';
    s.clusterIps = ['172.30.0.42', 'fd00:10:96::42'];
    s.ports = [port('p80', 80, { nodePort: 3002 })];
    s.loadBalancerIngress = [
      { ip: '1.2.3.4', ipMode: 'VIP' },
      { ip: '2001:db8:9::4', ipMode: 'VIP' },
    ];
    s.loadBalancerSourceRanges = ['203.0.113.0/25'];
  });
  const slices = [
    makeSlice('ns1', 'lb', 1, 'IPv4', [endpoint('10.180.0.2', TEST_NODE)], [{ name: 'p80', port: 80 }]),
    makeSlice('ns1', 'lb', 2, 'IPv6', [endpoint('fd00:10::2', TEST_NODE)], [{ name: 'p80', port: 80 }]),
  ];
  const cc = compile(fakeCluster({ mode: 'IPTABLES' }, [dual], slices));
  const to = (src: string, dst: string) =>
    trace(cc, {
      source: { external: { ip: src } },
      destination: { ip: dst, port: 80, protocol: 'TCP' },
      node: TEST_NODE,
    });

  it('an IPv4 client outside the IPv4 ranges is dropped at the IPv4 load-balancer IP', () => {
    expect(to('203.0.113.200', '1.2.3.4').verdict).toBe('DROP');
    expect(to('203.0.113.2', '1.2.3.4').verdict).toBe('FORWARD');
  });

  it('the IPv6 load-balancer IP has no firewall: no IPv6 range was given', () => {
    const t = to('2001:db8:77::1', '2001:db8:9::4');
    expect(t.verdict).toBe('FORWARD');
    expect(t.steps.map((s) => s.rule)).not.toContain('K8S-LB-SOURCE-RANGES-ALLOW');
  });
});

describe("the ClusterCIDR detector per IP family, from kube-proxy's own clusterCIDR", () => {
  const svc = makeService('ns1', 'dual', (s) => {
    s.clusterIps = ['172.30.0.43', 'fd00:10:96::43'];
    s.ports = [port('p80', 80)];
  });
  const slices = [
    makeSlice('ns1', 'dual', 1, 'IPv4', [endpoint('10.180.0.3', TEST_NODE)], [{ name: 'p80', port: 80 }]),
    makeSlice('ns1', 'dual', 2, 'IPv6', [endpoint('fd00:10::3', TEST_NODE)], [{ name: 'p80', port: 80 }]),
  ];
  const base = fakeCluster({ mode: 'IPTABLES' }, [svc], slices);
  const clusterIpFrom = (clusterCidrs: readonly string[] | undefined, src: string, dst: string) => {
    const cc = compile({ ...base, kubeProxy: { ...base.kubeProxy, clusterCidrs } });
    return trace(cc, {
      source: { external: { ip: src } },
      destination: { ip: dst, port: 80, protocol: 'TCP' },
      node: TEST_NODE,
    });
  };
  // The DNAT step's rule: whether and why the source is masqueraded.
  const masqRule = (t: ReturnType<typeof trace>) => t.steps.find((s) => s.before !== undefined)?.rule;

  it('by default it goes by the pod ranges, in both families', () => {
    expect(masqRule(clusterIpFrom(undefined, '10.0.0.5', '172.30.0.43'))).toBe('K8S-CLUSTERIP-POD-NO-MASQ');
    expect(masqRule(clusterIpFrom(undefined, 'fd00:10::5', 'fd00:10:96::43'))).toBe('K8S-CLUSTERIP-POD-NO-MASQ');
  });

  it('with an IPv4 clusterCIDR only, IPv6 pods go undetected: no detector for that family', () => {
    expect(masqRule(clusterIpFrom(['10.0.0.0/8'], '10.0.0.5', '172.30.0.43'))).toBe('K8S-CLUSTERIP-POD-NO-MASQ');
    expect(masqRule(clusterIpFrom(['10.0.0.0/8'], 'fd00:10::5', 'fd00:10:96::43'))).toBe('K8S-CLUSTERIP-NO-DETECTOR');
  });

  it('with no clusterCIDR at all, no family has a detector', () => {
    expect(masqRule(clusterIpFrom([], '10.0.0.5', '172.30.0.43'))).toBe('K8S-CLUSTERIP-NO-DETECTOR');
  });

  it('a clusterCIDR apart from the pod ranges is what the detector goes by', () => {
    // 10.0.0.5 is in the pod ranges but outside kube-proxy's clusterCIDR: a non-pod source, masqueraded.
    expect(masqRule(clusterIpFrom(['10.99.0.0/16'], '10.0.0.5', '172.30.0.43'))).toBe('K8S-CLUSTERIP-MASQ-NON-POD');
  });
});

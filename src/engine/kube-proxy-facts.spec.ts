// kube-proxy configuration facts that depend on the proxy mode or the IP family: nftables reads an
// empty nodePortAddresses as "primary" (cmd/kube-proxy/app/server_linux.go platformApplyDefaults),
// and loadBalancerSourceRanges apply per IP family (pkg/proxy/serviceport.go: a family with no
// range has no firewall).
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import type { ProxyMode } from './model';
import {
  fakeCluster, makeService, makeSlice, port, TEST_EXTERNAL_CLIENT, TEST_NODE, TEST_NODE_IP, TEST_NODE_IP_ALT, endpoint,
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
  return trace(compile(model), { source: { external: { ip: TEST_EXTERNAL_CLIENT } }, destination: { ip, port: 3001, protocol: 'TCP' }, node: TEST_NODE });
}

describe('nodePortAddresses left empty', () => {
  it('nftables answers NodePorts on the node\'s primary IP only', () => {
    expect(nodePortAt('NFTABLES', TEST_NODE_IP).verdict).toBe('FORWARD');
    const secondary = nodePortAt('NFTABLES', TEST_NODE_IP_ALT);
    expect(secondary.verdict).toBe('NOT_INTERCEPTED');
    expect(secondary.steps.map((s) => s.rule)).toContain('K8S-NODEPORT-ADDRESSES');
  });

  it('iptables and IPVS answer them on every node address', () => {
    for (const mode of ['IPTABLES', 'IPVS'] as const) expect(nodePortAt(mode, TEST_NODE_IP_ALT).verdict, mode).toBe('FORWARD');
  });
});

describe('loadBalancerSourceRanges per IP family', () => {
  const dual = makeService('ns1', 'lb', (s) => {
    s.type = 'LoadBalancer';
    s.clusterIps = ['172.30.0.42', 'fd00:10:96::42'];
    s.ports = [port('p80', 80, { nodePort: 3002 })];
    s.loadBalancerIngress = [{ ip: '1.2.3.4', ipMode: 'VIP' }, { ip: '2001:db8:9::4', ipMode: 'VIP' }];
    s.loadBalancerSourceRanges = ['203.0.113.0/25'];
  });
  const slices = [
    makeSlice('ns1', 'lb', 1, 'IPv4', [endpoint('10.180.0.2', TEST_NODE)], [{ name: 'p80', port: 80 }]),
    makeSlice('ns1', 'lb', 2, 'IPv6', [endpoint('fd00:10::2', TEST_NODE)], [{ name: 'p80', port: 80 }]),
  ];
  const cc = compile(fakeCluster({ mode: 'IPTABLES' }, [dual], slices));
  const to = (src: string, dst: string) => trace(cc, { source: { external: { ip: src } }, destination: { ip: dst, port: 80, protocol: 'TCP' }, node: TEST_NODE });

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

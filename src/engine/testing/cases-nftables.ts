// packetFlowTest tables of pkg/proxy/nftables/proxier_test.go, transcribed row by row.
import type { FakeProxierOptions } from './upstream';
import {
  TEST_EXTERNAL_CLIENT as EXT,
  TEST_EXTERNAL_CLIENT_BLOCKED as BLOCKED,
  TEST_NODE_IP as NODE,
  TEST_NODE_IP_ALT,
  TEST_NODE_IPV6,
  TEST_NODE_IPV6_ALT,
} from './upstream';
import { suite, withOverrides, type Suite } from './cases';
import type { PacketFlowRow } from './packet-flow';
import { flowTests, VARIANTS } from './internal-external-masquerade';
import * as fx from './upstream-services';

const FILE = 'pkg/proxy/nftables/proxier_test.go';
const NFT: FakeProxierOptions = { mode: 'NFTABLES' };

function noEndpoints(): Suite {
  return suite(FILE, 'TestNoEndpointsReject', NFT, fx.noEndpointsReject(), [
    {
      name: 'pod to cluster IP with no endpoints',
      sourceIP: '10.0.0.2',
      destIP: '172.30.0.41',
      destPort: 80,
      output: 'REJECT',
    },
    {
      name: 'external to external IP with no endpoints',
      sourceIP: EXT,
      destIP: '192.168.99.11',
      destPort: 80,
      output: 'REJECT',
    },
    { name: 'pod to NodePort with no endpoints', sourceIP: '10.0.0.2', destIP: NODE, destPort: 3001, output: 'REJECT' },
    { name: 'external to NodePort with no endpoints', sourceIP: EXT, destIP: NODE, destPort: 3001, output: 'REJECT' },
    {
      name: 'pod to LoadBalancer IP with no endpoints',
      sourceIP: '10.0.0.2',
      destIP: '1.2.3.4',
      destPort: 80,
      output: 'REJECT',
    },
    {
      name: 'external to LoadBalancer IP with no endpoints',
      sourceIP: EXT,
      destIP: '1.2.3.4',
      destPort: 80,
      output: 'REJECT',
    },
  ]);
}

function clusterIPGeneral(): Suite {
  const two = (p: number) => `10.180.0.1:${p}, 10.180.2.1:${p}`;
  return suite(FILE, 'TestClusterIPGeneral', NFT, fx.clusterIPGeneral(true), [
    {
      name: 'simple clusterIP',
      sourceIP: '10.180.0.2',
      destIP: '172.30.0.41',
      destPort: 80,
      output: '10.180.0.1:80',
      masq: false,
    },
    {
      name: 'hairpin to cluster IP',
      sourceIP: '10.180.0.1',
      destIP: '172.30.0.41',
      destPort: 80,
      output: '10.180.0.1:80',
      masq: true,
    },
    {
      name: 'clusterIP with multiple endpoints',
      sourceIP: '10.180.0.2',
      destIP: '172.30.0.42',
      destPort: 80,
      output: two(80),
      masq: false,
    },
    {
      name: 'clusterIP with TargetPort',
      sourceIP: '10.180.0.2',
      destIP: '172.30.0.42',
      destPort: 443,
      output: two(8443),
      masq: false,
    },
    {
      name: 'clusterIP with TCP, UDP, and SCTP on same port (TCP)',
      sourceIP: '10.180.0.2',
      protocol: 'TCP',
      destIP: '172.30.0.42',
      destPort: 53,
      output: two(5353),
      masq: false,
    },
    {
      name: 'clusterIP with TCP, UDP, and SCTP on same port (UDP)',
      sourceIP: '10.180.0.2',
      protocol: 'UDP',
      destIP: '172.30.0.42',
      destPort: 53,
      output: two(53),
      masq: false,
    },
    {
      name: 'clusterIP with TCP, UDP, and SCTP on same port (SCTP)',
      sourceIP: '10.180.0.2',
      protocol: 'SCTP',
      destIP: '172.30.0.42',
      destPort: 53,
      output: two(53),
      masq: false,
    },
    {
      name: 'TCP-only port does not match UDP traffic',
      sourceIP: '10.180.0.2',
      protocol: 'UDP',
      destIP: '172.30.0.42',
      destPort: 80,
      output: 'REJECT',
    },
    {
      name: "svc1 does not accept svc2's ports",
      sourceIP: '10.180.0.2',
      destIP: '172.30.0.41',
      destPort: 443,
      output: 'REJECT',
    },
    {
      name: 'packet to unallocated cluster ip',
      sourceIP: '10.180.0.2',
      destIP: '172.30.0.50',
      destPort: 80,
      output: 'DROP',
    },
  ]);
}

export function loadBalancerRows(): Omit<PacketFlowRow, 'test'>[] {
  const ep = '10.180.0.1:80';
  return [
    { name: 'pod to cluster IP', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: ep, masq: false },
    { name: 'external to nodePort', sourceIP: EXT, destIP: NODE, destPort: 3001, output: ep, masq: true },
    {
      name: 'nodePort bypasses LoadBalancerSourceRanges',
      sourceIP: BLOCKED,
      destIP: NODE,
      destPort: 3001,
      output: ep,
      masq: true,
    },
    { name: 'accepted external to LB1', sourceIP: EXT, destIP: '1.2.3.4', destPort: 80, output: ep, masq: true },
    { name: 'accepted external to LB2', sourceIP: EXT, destIP: '5.6.7.8', destPort: 80, output: ep, masq: true },
    { name: 'blocked external to LB1', sourceIP: BLOCKED, destIP: '1.2.3.4', destPort: 80, output: 'DROP' },
    { name: 'blocked external to LB2', sourceIP: BLOCKED, destIP: '5.6.7.8', destPort: 80, output: 'DROP' },
    {
      name: 'pod to LB1 (blocked by LoadBalancerSourceRanges)',
      sourceIP: '10.0.0.2',
      destIP: '1.2.3.4',
      destPort: 80,
      output: 'DROP',
    },
    {
      name: 'pod to LB2 (blocked by LoadBalancerSourceRanges)',
      sourceIP: '10.0.0.2',
      destIP: '5.6.7.8',
      destPort: 80,
      output: 'DROP',
    },
    {
      name: 'node to LB1 (allowed by LoadBalancerSourceRanges)',
      sourceIP: NODE,
      destIP: '1.2.3.4',
      destPort: 80,
      output: ep,
      masq: true,
    },
    {
      name: 'node to LB2 (allowed by LoadBalancerSourceRanges)',
      sourceIP: NODE,
      destIP: '5.6.7.8',
      destPort: 80,
      output: ep,
      masq: true,
    },
    {
      name: 'same node to LB1, SNATted to LB1 (implicitly allowed)',
      sourceIP: '1.2.3.4',
      destIP: '1.2.3.4',
      destPort: 80,
      output: ep,
      masq: true,
    },
    {
      name: 'same node to LB2, SNATted to LB2 (implicitly allowed)',
      sourceIP: '5.6.7.8',
      destIP: '5.6.7.8',
      destPort: 80,
      output: ep,
      masq: true,
    },
  ];
}

function nodePorts(): Suite[] {
  const cases = [
    { name: 'ipv4', family: 4 as const, addrs: null, allowAlt: false },
    {
      name: 'ipv4, multiple nodeport-addresses',
      family: 4 as const,
      addrs: ['192.168.0.0/24', '192.168.1.0/24', '2001:db8::/64'],
      allowAlt: true,
    },
    { name: 'ipv6', family: 6 as const, addrs: null, allowAlt: false },
    {
      name: 'ipv6, multiple nodeport-addresses',
      family: 6 as const,
      addrs: ['192.168.0.0/24', '192.168.1.0/24', '2001:db8::/64', '2001:db8:1::2/128'],
      allowAlt: true,
    },
  ];
  return cases.map((tc) => {
    const v4 = tc.family === 4;
    const output = v4 ? '10.180.0.1:80, 10.180.2.1:80' : '[fd00:10:180::1]:80, [fd00:10:180::2:1]:80';
    const [podIP, ext, nodeIP, alt] = v4
      ? ['10.0.0.2', EXT, NODE, TEST_NODE_IP_ALT]
      : ['fd00:10::2', '2600:5200::1', TEST_NODE_IPV6, TEST_NODE_IPV6_ALT];
    const opts: FakeProxierOptions = tc.addrs === null ? NFT : { ...NFT, nodePortAddresses: tc.addrs };
    return suite(FILE, `TestNodePorts/${tc.name}`, opts, fx.nodePortService(tc.family), [
      {
        name: 'pod to cluster IP',
        sourceIP: podIP,
        destIP: v4 ? '172.30.0.41' : 'fd00:172:30::41',
        destPort: 80,
        output,
        masq: false,
      },
      { name: 'external to nodePort', sourceIP: ext, destIP: nodeIP, destPort: 3001, output, masq: true },
      { name: 'node to nodePort', sourceIP: nodeIP, destIP: nodeIP, destPort: 3001, output, masq: true },
      tc.allowAlt
        ? {
            name: 'external to nodePort on secondary IP',
            sourceIP: ext,
            destIP: alt,
            destPort: 3001,
            output,
            masq: true,
          }
        : { name: 'secondary nodeIP ignores NodePorts', sourceIP: ext, destIP: alt, destPort: 3001, output: '' },
    ]);
  });
}

function externalTrafficPolicy(): Suite[] {
  const both = '10.180.0.1:80, 10.180.2.1:80';
  const local = '10.180.2.1:80';
  return [
    suite(FILE, 'TestExternalTrafficPolicyLocal', NFT, fx.externalTrafficPolicy('Local'), [
      {
        name: 'pod to cluster IP hits both endpoints, unmasqueraded',
        sourceIP: '10.0.0.2',
        destIP: '172.30.0.41',
        destPort: 80,
        output: both,
        masq: false,
      },
      {
        name: 'pod to external IP hits both endpoints, unmasqueraded',
        sourceIP: '10.0.0.2',
        destIP: '192.168.99.11',
        destPort: 80,
        output: both,
        masq: false,
      },
      {
        name: 'external to external IP hits only local endpoint, unmasqueraded',
        sourceIP: EXT,
        destIP: '192.168.99.11',
        destPort: 80,
        output: local,
        masq: false,
      },
      {
        name: 'pod to LB IP hits only both endpoints, unmasqueraded',
        sourceIP: '10.0.0.2',
        destIP: '1.2.3.4',
        destPort: 80,
        output: both,
        masq: false,
      },
      {
        name: 'external to LB IP hits only local endpoint, unmasqueraded',
        sourceIP: EXT,
        destIP: '1.2.3.4',
        destPort: 80,
        output: local,
        masq: false,
      },
      {
        name: 'pod to NodePort hits both endpoints, unmasqueraded',
        sourceIP: '10.0.0.2',
        destIP: NODE,
        destPort: 3001,
        output: both,
        masq: false,
      },
      {
        name: 'external to NodePort hits only local endpoint, unmasqueraded',
        sourceIP: EXT,
        destIP: NODE,
        destPort: 3001,
        output: local,
        masq: false,
      },
    ]),
    suite(FILE, 'TestExternalTrafficPolicyCluster', NFT, fx.externalTrafficPolicy('Cluster'), [
      {
        name: 'pod to cluster IP hits both endpoints, unmasqueraded',
        sourceIP: '10.0.0.2',
        destIP: '172.30.0.41',
        destPort: 80,
        output: both,
        masq: false,
      },
      {
        name: 'pod to external IP hits both endpoints, masqueraded',
        sourceIP: '10.0.0.2',
        destIP: '192.168.99.11',
        destPort: 80,
        output: both,
        masq: true,
      },
      {
        name: 'external to external IP hits both endpoints, masqueraded',
        sourceIP: EXT,
        destIP: '192.168.99.11',
        destPort: 80,
        output: both,
        masq: true,
      },
      {
        name: 'pod to LB IP hits both endpoints, masqueraded',
        sourceIP: '10.0.0.2',
        destIP: '1.2.3.4',
        destPort: 80,
        output: both,
        masq: true,
      },
      {
        name: 'external to LB IP hits both endpoints, masqueraded',
        sourceIP: EXT,
        destIP: '1.2.3.4',
        destPort: 80,
        output: both,
        masq: true,
      },
      {
        name: 'pod to NodePort hits both endpoints, masqueraded',
        sourceIP: '10.0.0.2',
        destIP: NODE,
        destPort: 3001,
        output: both,
        masq: true,
      },
      {
        name: 'external to NodePort hits both endpoints, masqueraded',
        sourceIP: EXT,
        destIP: NODE,
        destPort: 3001,
        output: both,
        masq: true,
      },
    ]),
  ];
}

export { FILE as NFT_FILE, NFT as NFT_OPTIONS };
export const NFT_BASE_SUITES = (): Suite[] => [
  noEndpoints(),
  clusterIPGeneral(),
  suite(FILE, 'TestLoadBalancer', NFT, fx.loadBalancer(), loadBalancerRows()),
  ...nodePorts(),
  ...externalTrafficPolicy(),
];

export function internalExternalMasquerade(file: string, mode: 'NFTABLES' | 'IPTABLES'): Suite[] {
  return VARIANTS.map((v) =>
    suite(
      file,
      `TestInternalExternalMasquerade/${v.name}`,
      { mode, masqueradeAll: v.masqueradeAll, localDetector: v.localDetector ? 'CLUSTER_CIDR' : 'NONE' },
      fx.internalExternalMasquerade(),
      withOverrides(flowTests(mode === 'IPTABLES'), v.overrides, v.name),
    ),
  );
}

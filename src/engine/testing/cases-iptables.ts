// packetFlowTest tables of pkg/proxy/iptables/proxier_test.go, transcribed row by row. The
// iptables fixture accepts NodePorts on every local IP (no nodePortAddresses) and localhost.
import { suite, type Suite } from './cases';
import { loadBalancerRows } from './cases-nftables';
import type { FakeProxierOptions } from './upstream';
import { TEST_EXTERNAL_CLIENT as EXT, TEST_NODE_IP as NODE } from './upstream';
import * as fx from './upstream-services';

export const IPT_FILE = 'pkg/proxy/iptables/proxier_test.go';
const IPT: FakeProxierOptions = { mode: 'IPTABLES' };

function noEndpoints(): Suite {
  return suite(IPT_FILE, 'TestNoEndpointsReject', IPT, fx.noEndpointsReject(), [
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
  return suite(IPT_FILE, 'TestClusterIPGeneral', IPT, fx.clusterIPGeneral(false), [
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
      name: 'clusterIP with TCP and SCTP on same port (TCP)',
      sourceIP: '10.180.0.2',
      protocol: 'TCP',
      destIP: '172.30.0.42',
      destPort: 53,
      output: two(5353),
      masq: false,
    },
    {
      name: 'clusterIP with TCP and SCTP on same port (SCTP)',
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
      output: '',
    },
    {
      name: "svc1 does not accept svc2's ports",
      sourceIP: '10.180.0.2',
      destIP: '172.30.0.41',
      destPort: 443,
      output: '',
    },
  ]);
}

function nodePortAndHealthCheck(): Suite[] {
  const ep = '10.180.0.1:80';
  const nodePort = fx.loadBalancerIpMode('172.30.0.41', '1.2.3.4', 'VIP');
  const nodePortOnly = {
    ...nodePort,
    services: nodePort.services.map((s) => ({ ...s, type: 'NodePort' as const, loadBalancerIngress: [] })),
  };
  return [
    suite(IPT_FILE, 'TestNodePort', IPT, nodePortOnly, [
      { name: 'pod to cluster IP', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: ep, masq: false },
      { name: 'external to nodePort', sourceIP: EXT, destIP: NODE, destPort: 3001, output: ep, masq: true },
      { name: 'node to nodePort', sourceIP: NODE, destIP: NODE, destPort: 3001, output: ep, masq: true },
      {
        name: 'localhost to nodePort gets masqueraded',
        sourceIP: '127.0.0.1',
        destIP: '127.0.0.1',
        destPort: 3001,
        output: ep,
        masq: true,
      },
    ]),
    suite(
      IPT_FILE,
      'TestHealthCheckNodePort',
      { ...IPT, nodePortAddresses: ['127.0.0.0/8'] },
      fx.healthCheckNodePort(),
      [
        {
          name: 'firewall accepts HealthCheckNodePort',
          sourceIP: '1.2.3.4',
          destIP: NODE,
          destPort: 30000,
          output: 'ACCEPT',
          masq: false,
        },
      ],
    ),
    suite(
      IPT_FILE,
      'TestHealthCheckNodePort (service deleted)',
      { ...IPT, nodePortAddresses: ['127.0.0.0/8'] },
      { services: [], slices: [] },
      [
        {
          name: 'HealthCheckNodePort no longer has any rule',
          sourceIP: '1.2.3.4',
          destIP: NODE,
          destPort: 30000,
          output: '',
        },
      ],
    ),
  ];
}

function externalTraffic(): Suite[] {
  const both = '10.180.0.1:80, 10.180.2.1:80';
  const local = '10.180.2.1:80';
  return [
    suite(IPT_FILE, 'TestExternalTrafficPolicyLocal', IPT, fx.externalTrafficPolicy('Local'), [
      {
        name: 'pod to cluster IP hits both endpoints',
        sourceIP: '10.0.0.2',
        destIP: '172.30.0.41',
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
        name: 'external to LB IP hits only local endpoint, unmasqueraded',
        sourceIP: EXT,
        destIP: '1.2.3.4',
        destPort: 80,
        output: local,
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
    suite(IPT_FILE, 'TestNonLocalExternalIPs', IPT, fx.externalTrafficPolicy('Cluster', 'ClusterIP'), [
      {
        name: 'pod to cluster IP',
        sourceIP: '10.0.0.2',
        destIP: '172.30.0.41',
        destPort: 80,
        output: both,
        masq: false,
      },
      {
        name: 'external to external IP',
        sourceIP: EXT,
        destIP: '192.168.99.11',
        destPort: 80,
        output: both,
        masq: true,
      },
    ]),
  ];
}

/** onlyLocalNodePorts(), run by TestOnlyLocalNodePorts and TestOnlyLocalNodePortsNoClusterCIDR. */
function onlyLocalNodePorts(): Suite[] {
  const both = '10.180.0.1:80, 10.180.2.1:80';
  const local = '10.180.2.1:80';
  const opts = (detector: boolean): FakeProxierOptions => ({
    ...IPT,
    localhostNodePorts: false,
    nodePortAddresses: ['192.168.0.0/24', '2001:db8::/64'],
    localDetector: detector ? 'CLUSTER_CIDR' : 'NONE',
  });
  const common = [
    {
      name: 'pod to cluster IP hit both endpoints',
      sourceIP: '10.0.0.2',
      destIP: '172.30.0.41',
      destPort: 80,
      output: both,
      masq: false,
    },
    {
      name: 'external to NodePort hits only local endpoint',
      sourceIP: EXT,
      destIP: NODE,
      destPort: 3001,
      output: local,
      masq: false,
    },
    {
      name: "pod to localhost doesn't work because localhost is not in nodePortAddresses",
      sourceIP: '10.0.0.2',
      destIP: '127.0.0.1',
      destPort: 3001,
      output: '',
    },
  ];
  return [
    suite(IPT_FILE, 'TestOnlyLocalNodePorts', opts(true), fx.nodePortService(4, true), [
      ...common,
      {
        name: 'pod to NodePort hits both endpoints',
        sourceIP: '10.0.0.2',
        destIP: NODE,
        destPort: 3001,
        output: both,
        masq: false,
      },
    ]),
    suite(IPT_FILE, 'TestOnlyLocalNodePortsNoClusterCIDR', opts(false), fx.nodePortService(4, true), [
      ...common,
      {
        name: 'pod to NodePort hits only local endpoint',
        sourceIP: '10.0.0.2',
        destIP: NODE,
        destPort: 3001,
        output: local,
        masq: false,
      },
    ]),
  ];
}

export const IPT_BASE_SUITES = (): Suite[] => [
  noEndpoints(),
  clusterIPGeneral(),
  suite(IPT_FILE, 'TestLoadBalancer', IPT, fx.loadBalancer(), loadBalancerRows()),
  ...nodePortAndHealthCheck(),
  ...externalTraffic(),
  ...onlyLocalNodePorts(),
];

// IPVS differences. kube-proxy's IPVS tests assert ipvs/ipset state rather than packet flows,
// so these rows restate what those tests (and the cited issues) pin, as packet flows on the
// TestInternalExternalMasquerade and TestClusterIPGeneral fixtures.
import { suite, type Suite } from './cases';
import { TEST_EXTERNAL_CLIENT as EXT, TEST_NODE_IP as NODE } from './upstream';
import * as fx from './upstream-services';

const FILE = 'pkg/proxy/ipvs/proxier_test.go';

export function ipvsSuites(): Suite[] {
  return [
    suite(
      FILE,
      'TestOnlyLocalNodePorts / TestOnlyLocalLoadBalancing (eTP Local keeps only local real servers)',
      { mode: 'IPVS' },
      fx.internalExternalMasquerade(),
      [
        {
          name: 'pod to ClusterIP',
          sourceIP: '10.0.0.2',
          destIP: '172.30.0.41',
          destPort: 80,
          output: '10.180.0.1:80, 10.180.1.1:80',
          masq: false,
        },
        {
          name: 'node to ClusterIP is masqueraded (KUBE-CLUSTER-IP, ! -s clusterCIDR)',
          sourceIP: NODE,
          destIP: '172.30.0.41',
          destPort: 80,
          output: '10.180.0.1:80, 10.180.1.1:80',
          masq: true,
        },
        {
          name: 'external to NodePort, eTP Cluster',
          sourceIP: EXT,
          destIP: NODE,
          destPort: 3001,
          output: '10.180.0.1:80, 10.180.1.1:80',
          masq: true,
        },
        {
          name: 'pod to LB with eTP:Local gets only the local real server',
          sourceIP: '10.0.0.2',
          destIP: '5.6.7.8',
          destPort: 80,
          output: '10.180.0.2:80',
          masq: false,
        },
        {
          name: 'pod to NodePort with eTP:Local gets only the local real server',
          sourceIP: '10.0.0.2',
          destIP: NODE,
          destPort: 3002,
          output: '10.180.0.2:80',
          masq: false,
        },
        {
          name: 'node to LB with eTP:Local gets only the local real server',
          sourceIP: NODE,
          destIP: '5.6.7.8',
          destPort: 80,
          output: '10.180.0.2:80',
          masq: false,
        },
        {
          name: 'external to LB with eTP:Local',
          sourceIP: EXT,
          destIP: '5.6.7.8',
          destPort: 80,
          output: '10.180.0.2:80',
          masq: false,
        },
        {
          name: 'pod to ClusterIP with iTP:Local',
          sourceIP: '10.0.0.2',
          destIP: '172.30.0.43',
          destPort: 80,
          output: '10.180.0.3:80',
          masq: false,
        },
        {
          name: 'localhost NodePorts are not served by IPVS',
          sourceIP: '127.0.0.1',
          destIP: '127.0.0.1',
          destPort: 3001,
          output: '',
        },
      ],
    ),
    suite(
      FILE,
      'TestOnlyLocalLoadBalancing, no local endpoint (issue #100925: refused by the bound VIP)',
      { mode: 'IPVS' },
      fx.terminating('Local', fx.TERMINATING_CASES['terminating endpoints on remote node']),
      [
        {
          name: 'external to LB with no local real server is refused',
          sourceIP: EXT,
          destIP: '1.2.3.4',
          destPort: 80,
          output: 'REJECT',
        },
        {
          name: 'pod to clusterIP still reaches the remote endpoint',
          sourceIP: '10.0.0.2',
          destIP: '172.30.1.1',
          destPort: 80,
          output: '10.0.1.5:80',
          masq: false,
        },
      ],
    ),
    suite(
      FILE,
      'TestClusterIP (Service IPs bound to kube-ipvs0; KUBE-IPVS-FILTER)',
      { mode: 'IPVS' },
      fx.clusterIPGeneral(false),
      [
        {
          name: 'clusterIP with multiple endpoints',
          sourceIP: '10.180.0.2',
          destIP: '172.30.0.42',
          destPort: 80,
          output: '10.180.0.1:80, 10.180.2.1:80',
          masq: false,
        },
        {
          name: 'hairpin to cluster IP is masqueraded (KUBE-LOOP-BACK)',
          sourceIP: '10.180.0.1',
          destIP: '172.30.0.41',
          destPort: 80,
          output: '10.180.0.1:80',
          masq: true,
        },
        {
          name: 'unknown port on a bound ClusterIP is refused',
          sourceIP: '10.180.0.2',
          destIP: '172.30.0.41',
          destPort: 443,
          output: 'REJECT',
        },
        {
          name: 'unallocated ClusterIP is not bound, not intercepted',
          sourceIP: '10.180.0.2',
          destIP: '172.30.0.50',
          destPort: 80,
          output: '',
        },
      ],
    ),
    suite(FILE, 'TestLoadBalancerSourceRanges', { mode: 'IPVS' }, fx.loadBalancer(), [
      {
        name: 'accepted external to LB1',
        sourceIP: EXT,
        destIP: '1.2.3.4',
        destPort: 80,
        output: '10.180.0.1:80',
        masq: true,
      },
      { name: 'blocked external to LB1', sourceIP: '203.0.113.130', destIP: '1.2.3.4', destPort: 80, output: 'DROP' },
    ]),
    suite(
      FILE,
      'TestNoEndpointsReject equivalent (virtual server without real servers)',
      { mode: 'IPVS' },
      fx.noEndpointsReject(),
      [
        {
          name: 'pod to cluster IP with no endpoints is refused',
          sourceIP: '10.0.0.2',
          destIP: '172.30.0.41',
          destPort: 80,
          output: 'REJECT',
        },
      ],
    ),
  ];
}

// The Services and EndpointSlices of kube-proxy's packet-flow tests, shared by the iptables and
// nftables tables (both files build the same fixtures). Names follow the upstream tests.
import type { EndpointSliceModel, ServiceModel } from '../model';
import { endpoint, makeService, makeSlice, port, TEST_NODE, type EndpointDraft } from './upstream';

export interface Fixture {
  readonly services: readonly ServiceModel[];
  readonly slices: readonly EndpointSliceModel[];
}

const p80 = [{ name: 'p80', port: 80 }];

/** TestNoEndpointsReject */
export function noEndpointsReject(): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = 'LoadBalancer';
        s.clusterIps = ['172.30.0.41'];
        s.externalIps = ['192.168.99.11'];
        s.ports = [port('p80', 80, { nodePort: 3001 })];
        s.loadBalancerIngress = [{ ip: '1.2.3.4', ipMode: 'VIP' }];
      }),
    ],
    slices: [],
  };
}

/** TestClusterIPGeneral (the nftables version also has a UDP port). */
export function clusterIPGeneral(withUdp: boolean): Fixture {
  const svc2Ports = [
    port('http', 80),
    port('https', 443, { targetPort: 8443 }),
    ...(withUdp ? [port('dns-udp', 53, { protocol: 'UDP' })] : []),
    port('dns-tcp', 53, { targetPort: 5353 }),
    port('dns-sctp', 53, { protocol: 'SCTP' }),
  ];
  const slicePorts = [
    { name: 'http', port: 80 },
    { name: 'https', port: 8443 },
    ...(withUdp ? [{ name: 'dns-udp', port: 53, protocol: 'UDP' as const }] : []),
    { name: 'dns-tcp', port: 5353 },
    { name: 'dns-sctp', port: 53, protocol: 'SCTP' as const },
  ];
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.clusterIps = ['172.30.0.41'];
        s.ports = [port('http', 80)];
      }),
      makeService('ns2', 'svc2', (s) => {
        s.clusterIps = ['172.30.0.42'];
        s.ports = svc2Ports;
      }),
    ],
    slices: [
      makeSlice('ns1', 'svc1', 1, 'IPv4', [endpoint('10.180.0.1', TEST_NODE)], [{ name: 'http', port: 80 }]),
      makeSlice(
        'ns2',
        'svc2',
        1,
        'IPv4',
        [endpoint('10.180.0.1', TEST_NODE), endpoint('10.180.2.1', 'node2')],
        slicePorts,
      ),
    ],
  };
}

/** TestLoadBalancer */
export function loadBalancer(): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = 'LoadBalancer';
        s.clusterIps = ['172.30.0.41'];
        s.ports = [port('p80', 80, { nodePort: 3001 })];
        s.loadBalancerIngress = [
          { ip: '1.2.3.4', ipMode: 'VIP' },
          { ip: '5.6.7.8', ipMode: 'VIP' },
        ];
        s.loadBalancerSourceRanges = ['192.168.0.0/24', ' 203.0.113.0/25'];
      }),
    ],
    slices: [makeSlice('ns1', 'svc1', 1, 'IPv4', [endpoint('10.180.0.1')], p80)],
  };
}

/** TestNodePorts (nftables) / the NodePort Service of TestOnlyLocalNodePorts (iptables, eTP Local). */
export function nodePortService(family: 4 | 6, etpLocal = false): Fixture {
  const v4 = family === 4;
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = 'NodePort';
        s.clusterIps = [v4 ? '172.30.0.41' : 'fd00:172:30::41'];
        s.ports = [port('p80', 80, { nodePort: 3001 })];
        if (etpLocal) s.externalTrafficPolicy = 'Local';
      }),
    ],
    slices: [
      makeSlice(
        'ns1',
        'svc1',
        1,
        v4 ? 'IPv4' : 'IPv6',
        [endpoint(v4 ? '10.180.0.1' : 'fd00:10:180::1'), endpoint(v4 ? '10.180.2.1' : 'fd00:10:180::2:1', TEST_NODE)],
        p80,
      ),
    ],
  };
}

/** TestExternalTrafficPolicyLocal / TestExternalTrafficPolicyCluster / TestNonLocalExternalIPs */
export function externalTrafficPolicy(
  policy: 'Local' | 'Cluster',
  type: 'LoadBalancer' | 'ClusterIP' = 'LoadBalancer',
): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = type;
        s.clusterIps = ['172.30.0.41'];
        s.externalIps = ['192.168.99.11'];
        s.ports = [port('p80', 80, { nodePort: type === 'ClusterIP' ? null : 3001 })];
        if (type === 'LoadBalancer') s.loadBalancerIngress = [{ ip: '1.2.3.4', ipMode: 'VIP' }];
        s.externalTrafficPolicy = policy;
        if (policy === 'Local') s.healthCheckNodePort = 30000;
      }),
    ],
    slices: [makeSlice('ns1', 'svc1', 1, 'IPv4', [endpoint('10.180.0.1'), endpoint('10.180.2.1', TEST_NODE)], p80)],
  };
}

/** The four EndpointSlices of TestTerminatingEndpointsTrafficPolicy{Local,Cluster}. */
export const TERMINATING_CASES: Readonly<Record<string, readonly EndpointDraft[]>> = {
  'ready endpoints exist': [
    endpoint('10.0.1.1', TEST_NODE, { ready: true, serving: true, terminating: false }),
    endpoint('10.0.1.2', TEST_NODE, { ready: true, serving: true, terminating: false }),
    endpoint('10.0.1.3', TEST_NODE, { ready: false, serving: true, terminating: true }),
    endpoint('10.0.1.4', TEST_NODE, { ready: false, serving: false, terminating: true }),
    endpoint('10.0.1.5', 'host-1', { ready: true, serving: true, terminating: false }),
  ],
  'only terminating endpoints exist': [
    endpoint('10.0.1.2', TEST_NODE, { ready: false, serving: true, terminating: true }),
    endpoint('10.0.1.3', TEST_NODE, { ready: false, serving: true, terminating: true }),
    endpoint('10.0.1.4', TEST_NODE, { ready: false, serving: false, terminating: true }),
    endpoint('10.0.1.5', 'host-1', { ready: true, serving: true, terminating: false }),
  ],
  'terminating endpoints on remote node': [
    endpoint('10.0.1.5', 'host-1', { ready: false, serving: true, terminating: true }),
  ],
  'no usable endpoints on any node': [
    endpoint('10.0.1.5', TEST_NODE, { ready: false, serving: false, terminating: true }),
    endpoint('10.0.1.5', 'host-1', { ready: false, serving: false, terminating: true }),
  ],
};

/** The cluster-policy variant uses another "ready endpoints exist" slice (10.0.1.3/4 on another node). */
export const TERMINATING_CLUSTER_READY: readonly EndpointDraft[] = [
  endpoint('10.0.1.1', TEST_NODE, { ready: true, serving: true, terminating: false }),
  endpoint('10.0.1.2', TEST_NODE, { ready: true, serving: true, terminating: false }),
  endpoint('10.0.1.3', 'another-node', { ready: false, serving: true, terminating: true }),
  endpoint('10.0.1.4', 'another-node', { ready: false, serving: false, terminating: true }),
  endpoint('10.0.1.5', 'another-node', { ready: true, serving: true, terminating: false }),
];

/** ...and another "only terminating endpoints exist" slice (10.0.1.5 is terminating too). */
export const TERMINATING_CLUSTER_ONLY_TERMINATING: readonly EndpointDraft[] = [
  endpoint('10.0.1.2', TEST_NODE, { ready: false, serving: true, terminating: true }),
  endpoint('10.0.1.3', TEST_NODE, { ready: false, serving: true, terminating: true }),
  endpoint('10.0.1.4', 'another-node', { ready: false, serving: false, terminating: true }),
  endpoint('10.0.1.5', 'another-node', { ready: false, serving: true, terminating: true }),
];

/** TestTerminatingEndpointsTrafficPolicy{Local,Cluster}: LB 1.2.3.4, no NodePort. */
export function terminating(policy: 'Local' | 'Cluster', endpoints: readonly EndpointDraft[] | null): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = 'LoadBalancer';
        s.clusterIps = ['172.30.1.1'];
        s.externalTrafficPolicy = policy;
        s.healthCheckNodePort = 30000;
        s.ports = [port(null, 80)];
        s.loadBalancerIngress = [{ ip: '1.2.3.4', ipMode: 'VIP' }];
      }),
    ],
    slices: endpoints === null ? [] : [makeSlice('ns1', 'svc1', 1, 'IPv4', endpoints, [{ name: '', port: 80 }])],
  };
}

/** TestInternalExternalMasquerade: svc1 plain, svc2 eTP Local, svc3 iTP Local; each with a local and a remote endpoint. */
export function internalExternalMasquerade(): Fixture {
  const lb = (
    ns: string,
    name: string,
    ip: string,
    nodePort: number,
    hc: number,
    lbIp: string,
    edit: (s: { externalTrafficPolicy: 'Cluster' | 'Local'; internalTrafficPolicy: 'Cluster' | 'Local' }) => void,
  ) =>
    makeService(ns, name, (s) => {
      s.type = 'LoadBalancer';
      s.clusterIps = [ip];
      s.ports = [port('p80', 80, { nodePort })];
      s.healthCheckNodePort = hc;
      s.loadBalancerIngress = [{ ip: lbIp, ipMode: 'VIP' }];
      edit(s);
    });
  const eps = (ns: string, name: string, last: number) =>
    makeSlice(
      ns,
      name,
      1,
      'IPv4',
      [endpoint(`10.180.0.${last}`, TEST_NODE), endpoint(`10.180.1.${last}`, 'remote')],
      p80,
    );
  return {
    services: [
      lb('ns1', 'svc1', '172.30.0.41', 3001, 30001, '1.2.3.4', () => undefined),
      lb('ns2', 'svc2', '172.30.0.42', 3002, 30002, '5.6.7.8', (s) => {
        s.externalTrafficPolicy = 'Local';
      }),
      lb('ns3', 'svc3', '172.30.0.43', 3003, 30003, '9.10.11.12', (s) => {
        s.internalTrafficPolicy = 'Local';
      }),
    ],
    slices: [eps('ns1', 'svc1', 1), eps('ns2', 'svc2', 2), eps('ns3', 'svc3', 3)],
  };
}

/** TestInternalTrafficPolicy: ClusterIP 172.30.1.1 with three ready endpoints on the given nodes. */
export function internalTrafficPolicy(
  policy: 'Local' | 'Cluster',
  endpoints: readonly (readonly [string, string])[] | null,
): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.clusterIps = ['172.30.1.1'];
        s.selector = { foo: 'bar' };
        s.ports = [port(null, 80)];
        s.internalTrafficPolicy = policy;
      }),
    ],
    slices:
      endpoints === null
        ? []
        : [
            makeSlice(
              'ns1',
              'svc1',
              1,
              'IPv4',
              endpoints.map(([ip, node]) => endpoint(ip, node, { ready: true })),
              [{ name: '', port: 80 }],
            ),
          ],
  };
}

/** TestLoadBalancerIngressRouteTypeProxy (LoadBalancerIPMode enabled). */
export function loadBalancerIpMode(svcIP: string, lbIP: string, ipMode: 'VIP' | 'Proxy'): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = 'LoadBalancer';
        s.clusterIps = [svcIP];
        s.ports = [port('p80', 80, { nodePort: 3001 })];
        s.loadBalancerIngress = [{ ip: lbIP, ipMode }];
      }),
    ],
    slices: [makeSlice('ns1', 'svc1', 1, 'IPv4', [endpoint('10.180.0.1')], p80)],
  };
}

/** TestHealthCheckNodePort (iptables): eTP Local LB with healthCheckNodePort 30000 and no endpoints. */
export function healthCheckNodePort(): Fixture {
  return {
    services: [
      makeService('ns1', 'svc1', (s) => {
        s.type = 'LoadBalancer';
        s.clusterIps = ['172.30.0.42'];
        s.ports = [port('p80', 80, { nodePort: 3001 })];
        s.healthCheckNodePort = 30000;
        s.externalTrafficPolicy = 'Local';
      }),
    ],
    slices: [],
  };
}

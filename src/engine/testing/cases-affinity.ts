// Service session affinity (spec.sessionAffinity: ClientIP, spec.sessionAffinityConfig.clientIP.timeoutSeconds):
// upstream facts transcribed as conformance rows (issue 13), replayed by conformance-affinity.spec.ts.
// Each row names its source (file or page, and the test, function or section, verbatim) and quotes
// what that source states; the row asserts only that.
//
// Versions read (kubernetes/kubernetes unless said otherwise):
// - pkg/apis/core/v1/defaults.go @ 023f88a32c95647b94e47df54948a0af9517dd0c (SetDefaults_Service)
// - pkg/apis/core/types.go @ 32d8e0ce4fce42c4dc62c32ffde66f3f1ee32c1a (the affinity constants, ClientIPConfig)
// - pkg/proxy/serviceport.go @ 78fc8e44052f699bf598f84b697b41e5a328c9c5 (newBaseServiceInfo, StickyMaxAgeSeconds)
// - pkg/proxy/nftables/proxier_test.go @ 030880a5dc5449403c6d1f0aa146a7dc21d6c6dc (TestOverallNFTablesRules)
// - pkg/proxy/iptables/proxier_test.go: two stored versions. TestOverallIPTablesRules comes from the
//   version whose fixtures use ptr.To (255,041 characters); TestTerminatingEndpointsTrafficPolicy{Local,Cluster}
//   with ClientIP affinity come from an older version whose fixtures use pointer.String/pointer.Bool
//   (154,003 characters). The commit of neither was reported by the index.
// - pkg/proxy/ipvs/proxier_test.go, TestSessionAffinity (the version using ptr.To[int32](v1.DefaultClientIPServiceAffinitySeconds))
// - test/e2e/network/service.go @ 5230bab600cb6371e296635191bd78649e1b8e41
// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md @ 0180cc4bf06b4253f3bdf0b66d49b6c1b5feb105
//   (https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity)
//
// Mapping choices:
// - The model keeps spec.sessionAffinity as `sessionAffinity` (absent = the API's "") and
//   clientIP.timeoutSeconds as `sessionAffinityTimeoutSeconds` (absent or null = Go's nil).
// - Upstream's "no sticky age" (StickyMaxAgeSeconds 0 with None) is the engine's timeoutSeconds null.
// - Packets are processed on the fixture's test node (TEST_NODE, 192.168.0.2), as the proxier
//   tests' packet-flow runner does: a source that is one of its addresses is the node itself,
//   any other an outside packet that the local-traffic detector classifies (10.0.0.0/8 = pods).
// - `output`/`masq` are upstream's packetFlowTest values where the test has them; for
//   TestOverall*Rules (no packet flows) they are read off the expected rules, and the row says so.
//   null output: the source states nothing about where the packet goes.
// - `pinnedFor`: the address the affinity match is kept for. Upstream matches it in the Service's
//   chain (iptables `-m recent --rcheck` in KUBE-SVC-*/KUBE-SVL-*, nft `ip saddr @affinity-*` in
//   service-*), which runs in the nat PREROUTING/OUTPUT path, before the masquerade that
//   KUBE-POSTROUTING / nat-postrouting applies. So it is the source address the load-balancing
//   node receives, masqueraded later or not. null: no affinity match is reached (the packet is
//   dropped or rejected before the Service chain, or the Service has no ClientIP affinity).
//   undefined: the source says nothing about it.
import type { ClusterModel, EndpointSliceModel, PodModel, ProxyMode, ServiceModel } from '../model';
import type { ReachabilityClient } from '../reachability';
import type { SessionAffinityInfo } from '../results';
import {
  endpoint,
  fakeCluster,
  makeService,
  makeSlice,
  port,
  TEST_EXTERNAL_CLIENT as EXT,
  TEST_EXTERNAL_CLIENT_BLOCKED as BLOCKED,
  TEST_NODE,
  TEST_NODE_IP as NODE,
  type EndpointDraft,
  type ServiceDraft,
} from './upstream';

export const ALL_MODES: readonly ProxyMode[] = ['IPTABLES', 'NFTABLES', 'IPVS'];

export interface AffinityFlow {
  /** upstream packetFlowTest name where the test has one; otherwise what the packet is */
  readonly name: string;
  readonly sourceIP: string;
  readonly destIP: string;
  readonly destPort: number;
  /** "ip:port, ip:port" | "REJECT" | "DROP", as upstream writes it; null when the source states none */
  readonly output: string | null;
  /** upstream's masq (a packetFlowTest that omits it means false); undefined: not stated, not checked */
  readonly masq?: boolean;
  /** see the header: the address the affinity pin is kept for; null none; undefined not stated */
  readonly pinnedFor?: string | null;
}

/**
 * A reachability() question and what the source says of its answers (the e2e tests' exec pod).
 * NodePort results count only on a node's first InternalIP: the test connects to
 * e2enode.FirstAddressByTypeAndFamily(nodes, v1.NodeInternalIP, family).
 */
export interface AffinityReach {
  readonly client: ReachabilityClient;
  /** Which results the source speaks of: ways of addressing the Service */
  readonly kinds: readonly ('CLUSTER_IP' | 'NODE_PORT')[];
  /** every result of those kinds forwards to exactly these endpoints (ip), sorted */
  readonly endpoints: readonly string[];
  /** the address every path's affinity step names */
  readonly pinnedFor: string;
}

export interface AffinityRow {
  /** unique, short: the test name */
  readonly name: string;
  /** file (kubernetes/kubernetes unless a URL) */
  readonly source: string;
  /** the upstream test, case, function or section, verbatim */
  readonly case: string;
  /** what the source states, verbatim (joined excerpts separated by " … ") */
  readonly quote: string;
  readonly modes: readonly ProxyMode[];
  readonly cluster: (mode: ProxyMode) => ClusterModel;
  /** `namespace/name` of the Service under test */
  readonly service: string;
  /** the engine's SessionAffinityInfo the source implies (trace's service.sessionAffinity, reachability's sessionAffinity) */
  readonly sessionAffinity: SessionAffinityInfo;
  /** client whose reachability() answer carries sessionAffinity; default the test node */
  readonly asker?: ReachabilityClient;
  readonly flows: readonly AffinityFlow[];
  readonly reach?: AffinityReach;
  /**
   * The source shows the affinity rules only adding a match ahead of the usual random choice over
   * the same endpoints: every flow must then forward to the same candidates, with the same
   * masquerade, as the same cluster with sessionAffinity None.
   */
  readonly sameCandidatesAsNone: boolean;
}

const NS = (key: string): [string, string] => key.split('/') as [string, string];

function clientIp(edit: ServiceDraft, timeout: number | null | undefined): void {
  edit.sessionAffinity = 'ClientIP';
  if (timeout !== undefined) edit.sessionAffinityTimeoutSeconds = timeout;
}

// ---------------------------------------------------------------------------------------------
// A small ClusterIP Service (three ready endpoints, one on the test node) for the API-level facts.

const SMALL = 'ns1/svc1';
const SMALL_IP = '172.30.1.1';
const SMALL_EPS = ['10.0.1.1', '10.0.1.2', '10.0.1.3'];

function small(mode: ProxyMode, edit: (s: ServiceDraft) => void): ClusterModel {
  const [ns, name] = NS(SMALL);
  const svc = makeService(ns, name, (s) => {
    s.clusterIps = [SMALL_IP];
    s.ports = [port('p80', 80)];
    edit(s);
  });
  const slice = makeSlice(
    ns,
    name,
    1,
    'IPv4',
    [
      endpoint(SMALL_EPS[0], TEST_NODE, { ready: true }),
      endpoint(SMALL_EPS[1], 'node1', { ready: true }),
      endpoint(SMALL_EPS[2], 'node2', { ready: true }),
    ],
    [{ name: 'p80', port: 80 }],
  );
  return fakeCluster({ mode }, [svc], [slice]);
}

const ALL_SMALL = SMALL_EPS.map((ip) => `${ip}:80`).join(', ');
const podToSmall = (pinnedFor: string | null): AffinityFlow => ({
  name: 'pod to ClusterIP',
  sourceIP: '10.0.0.2',
  destIP: SMALL_IP,
  destPort: 80,
  output: null,
  pinnedFor,
});

const DEFAULTS = 'pkg/apis/core/v1/defaults.go';
const TYPES = 'pkg/apis/core/types.go';

function apiRows(): AffinityRow[] {
  return [
    {
      name: 'ClientIP without sessionAffinityConfig gets DefaultClientIPServiceAffinitySeconds',
      source: DEFAULTS,
      case: 'SetDefaults_Service',
      quote:
        'if obj.Spec.SessionAffinity == v1.ServiceAffinityClientIP { if obj.Spec.SessionAffinityConfig == nil || obj.Spec.SessionAffinityConfig.ClientIP == nil || obj.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds == nil { timeoutSeconds := v1.DefaultClientIPServiceAffinitySeconds … ' +
        `(${TYPES}: DefaultClientIPServiceAffinitySeconds int32 = 10800)`,
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, undefined)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: [podToSmall('10.0.0.2')],
      sameCandidatesAsNone: false,
    },
    {
      // The model's null timeout is Go's nil TimeoutSeconds.
      name: 'ClientIP with clientIP.timeoutSeconds nil gets DefaultClientIPServiceAffinitySeconds',
      source: DEFAULTS,
      case: 'SetDefaults_Service',
      quote:
        'obj.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds == nil { timeoutSeconds := v1.DefaultClientIPServiceAffinitySeconds',
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, null)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: [podToSmall('10.0.0.2')],
      sameCandidatesAsNone: false,
    },
    {
      // A stray timeout left on a Service with None (the API would have dropped it).
      name: 'None drops sessionAffinityConfig',
      source: DEFAULTS,
      case: 'SetDefaults_Service',
      quote: 'if obj.Spec.SessionAffinity == v1.ServiceAffinityNone { obj.Spec.SessionAffinityConfig = nil }',
      modes: ALL_MODES,
      cluster: (mode) =>
        small(mode, (s) => {
          s.sessionAffinity = 'None';
          s.sessionAffinityTimeoutSeconds = 600;
        }),
      service: SMALL,
      sessionAffinity: { type: 'None', timeoutSeconds: null },
      flows: [podToSmall(null)],
      sameCandidatesAsNone: false,
    },
    {
      name: 'an empty sessionAffinity defaults to None',
      source: DEFAULTS,
      case: 'SetDefaults_Service',
      quote: 'if obj.Spec.SessionAffinity == "" { obj.Spec.SessionAffinity = v1.ServiceAffinityNone }',
      modes: ALL_MODES,
      cluster: (mode) => small(mode, () => undefined),
      service: SMALL,
      sessionAffinity: { type: 'None', timeoutSeconds: null },
      flows: [podToSmall(null)],
      sameCandidatesAsNone: false,
    },
    {
      name: 'the largest accepted timeout, MaxClientIPServiceAffinitySeconds, is kept',
      source: TYPES,
      case: 'MaxClientIPServiceAffinitySeconds; ClientIPConfig.TimeoutSeconds',
      quote:
        '// MaxClientIPServiceAffinitySeconds is the max timeout seconds // of Client IP based session affinity - 1 day. MaxClientIPServiceAffinitySeconds int32 = 86400 … ' +
        '// timeoutSeconds specifies the seconds of ClientIP type session sticky time. // The value must be >0 && <=86400(for 1 day) if ServiceAffinity == "ClientIP".',
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, 86400)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 86400 },
      flows: [podToSmall('10.0.0.2')],
      sameCandidatesAsNone: false,
    },
    {
      name: 'kube-proxy takes the sticky age from clientIP.timeoutSeconds',
      source: 'pkg/proxy/serviceport.go',
      case: 'newBaseServiceInfo (StickyMaxAgeSeconds)',
      quote:
        "var stickyMaxAgeSeconds int if service.Spec.SessionAffinity == v1.ServiceAffinityClientIP { // Kube-apiserver side guarantees SessionAffinityConfig won't be nil when session affinity type is ClientIP stickyMaxAgeSeconds = int(*service.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds) }",
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, 60)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 60 },
      flows: [podToSmall('10.0.0.2')],
      sameCandidatesAsNone: false,
    },
    {
      name: 'kube-proxy has no sticky age without ClientIP',
      source: 'pkg/proxy/serviceport.go',
      case: 'newBaseServiceInfo (StickyMaxAgeSeconds)',
      quote:
        'var stickyMaxAgeSeconds int if service.Spec.SessionAffinity == v1.ServiceAffinityClientIP { … } … sessionAffinityType: service.Spec.SessionAffinity, stickyMaxAgeSeconds: stickyMaxAgeSeconds,',
      modes: ALL_MODES,
      cluster: (mode) =>
        small(mode, (s) => {
          s.sessionAffinity = 'None';
        }),
      service: SMALL,
      sessionAffinity: { type: 'None', timeoutSeconds: null },
      flows: [podToSmall(null)],
      sameCandidatesAsNone: false,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// TestOverallIPTablesRules / TestOverallNFTablesRules: svc5, "LoadBalancer service with Cluster
// traffic policy, source ranges, and session affinity". Neither test sends packets: outputs are
// read off the expected rules (one endpoint, 10.180.0.3:80; masquerade as the rules mark it).

function overallSvc5(mode: ProxyMode): ClusterModel {
  const svc = makeService('ns5', 'svc5', (s) => {
    s.type = 'LoadBalancer';
    s.externalTrafficPolicy = 'Cluster';
    s.clusterIps = ['172.30.0.45'];
    s.ports = [port('p80', 80, { nodePort: 3002 })];
    s.loadBalancerIngress = [{ ip: '5.6.7.8', ipMode: 'VIP' }];
    s.healthCheckNodePort = 30000;
    s.loadBalancerSourceRanges = [' 203.0.113.0/25'];
    clientIp(s, 10800);
  });
  return fakeCluster(
    { mode },
    [svc],
    [makeSlice('ns5', 'svc5', 1, 'IPv4', [endpoint('10.180.0.3')], [{ name: 'p80', port: 80 }])],
  );
}

const SVC5_FLOWS: readonly AffinityFlow[] = [
  {
    name: 'pod to cluster IP (not masqueraded: source in 10.0.0.0/8)',
    sourceIP: '10.0.0.2',
    destIP: '172.30.0.45',
    destPort: 80,
    output: '10.180.0.3:80',
    masq: false,
    pinnedFor: '10.0.0.2',
  },
  {
    name: 'node to cluster IP (masqueraded: source outside 10.0.0.0/8)',
    sourceIP: NODE,
    destIP: '172.30.0.45',
    destPort: 80,
    output: '10.180.0.3:80',
    masq: true,
    pinnedFor: NODE,
  },
  {
    name: 'external to NodePort 3002 (masqueraded, eTP Cluster)',
    sourceIP: EXT,
    destIP: NODE,
    destPort: 3002,
    output: '10.180.0.3:80',
    masq: true,
    pinnedFor: EXT,
  },
  {
    name: 'external to LB IP from inside loadBalancerSourceRanges (masqueraded, eTP Cluster)',
    sourceIP: EXT,
    destIP: '5.6.7.8',
    destPort: 80,
    output: '10.180.0.3:80',
    masq: true,
    pinnedFor: EXT,
  },
  {
    name: 'external to LB IP from outside loadBalancerSourceRanges is dropped before the Service chain',
    sourceIP: BLOCKED,
    destIP: '5.6.7.8',
    destPort: 80,
    output: 'DROP',
    pinnedFor: null,
  },
];

function overallRows(): AffinityRow[] {
  return [
    {
      name: 'svc5: affinity match per endpoint ahead of the random choice, --seconds 10800, kept for the pre-masquerade source',
      source: 'pkg/proxy/iptables/proxier_test.go',
      case: 'TestOverallIPTablesRules',
      quote:
        'svc.Spec.SessionAffinity = v1.ServiceAffinityClientIP svc.Spec.SessionAffinityConfig = &v1.SessionAffinityConfig{ ClientIP: &v1.ClientIPConfig{ TimeoutSeconds: ptr.To[int32](10800), }, } … ' +
        '-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ … ' +
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE … ' +
        '-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80 … ' +
        '-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -m recent --name KUBE-SEP-I77PXRDZVX7PMWMN --rcheck --seconds 10800 --reap -j KUBE-SEP-I77PXRDZVX7PMWMN ' +
        '-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN',
      modes: ['IPTABLES'],
      cluster: overallSvc5,
      service: 'ns5/svc5',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: SVC5_FLOWS,
      sameCandidatesAsNone: true,
    },
    {
      name: 'svc5: affinity set with timeout 10800s matched on ip saddr ahead of numgen, kept for the pre-masquerade source',
      source: 'pkg/proxy/nftables/proxier_test.go',
      case: 'TestOverallNFTablesRules',
      quote:
        'add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; } … ' +
        'add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 ' +
        'add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 } … ' +
        'add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 jump mark-for-masquerade add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 goto service-HVFWP5L3-ns5/svc5/tcp/p80 … ' +
        'add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr } … ' +
        'add rule ip kube-proxy nat-postrouting jump masquerading … add rule ip kube-proxy masquerading masquerade fully-random',
      modes: ['NFTABLES'],
      cluster: overallSvc5,
      service: 'ns5/svc5',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: SVC5_FLOWS,
      sameCandidatesAsNone: true,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// TestTerminatingEndpointsTrafficPolicy{Local,Cluster} (iptables, the older stored version): the
// Service has ClientIP affinity with DefaultClientIPServiceAffinitySeconds, and the expected rules
// put the affinity match in both the cluster (KUBE-SVC-*) and the local (KUBE-SVL-*) chains, each
// ahead of the random choice over that chain's endpoints; the packet flows are upstream's.

const TERM_FILE = 'pkg/proxy/iptables/proxier_test.go';
const TERM_QUOTE_SERVICE =
  'timeout := v1.DefaultClientIPServiceAffinitySeconds … SessionAffinity: v1.ServiceAffinityClientIP, SessionAffinityConfig: &v1.SessionAffinityConfig{ ClientIP: &v1.ClientIPConfig{ TimeoutSeconds: &timeout, }, },';

function terminatingCluster(policy: 'Local' | 'Cluster', eps: readonly EndpointDraft[]) {
  return (mode: ProxyMode): ClusterModel => {
    const svc = makeService('ns1', 'svc1', (s) => {
      s.type = 'LoadBalancer';
      s.clusterIps = ['172.30.1.1'];
      s.externalTrafficPolicy = policy;
      s.selector = { foo: 'bar' };
      s.ports = [port(null, 80)];
      s.healthCheckNodePort = 30000;
      s.loadBalancerIngress = [{ ip: '1.2.3.4', ipMode: 'VIP' }];
      clientIp(s, 10800);
    });
    return fakeCluster({ mode }, [svc], [makeSlice('ns1', 'svc1', 1, 'IPv4', eps, [{ name: '', port: 80 }])]);
  };
}

const rts = (ready: boolean, serving: boolean, terminating: boolean) => ({ ready, serving, terminating });
const LOCAL_SLICES: Readonly<Record<string, readonly EndpointDraft[]>> = {
  'ready endpoints exist': [
    endpoint('10.0.1.1', TEST_NODE, rts(true, true, false)),
    endpoint('10.0.1.2', TEST_NODE, rts(true, true, false)),
    endpoint('10.0.1.3', TEST_NODE, rts(false, true, true)),
    endpoint('10.0.1.4', TEST_NODE, rts(false, false, true)),
    endpoint('10.0.1.5', 'host-1', rts(true, true, false)),
  ],
  'only terminating endpoints exist': [
    endpoint('10.0.1.2', TEST_NODE, rts(false, true, true)),
    endpoint('10.0.1.3', TEST_NODE, rts(false, true, true)),
    endpoint('10.0.1.4', TEST_NODE, rts(false, false, true)),
    endpoint('10.0.1.5', 'host-1', rts(true, true, false)),
  ],
  'terminating endpoints on remote node': [endpoint('10.0.1.5', 'host-1', rts(false, true, true))],
  'no usable endpoints on any node': [
    endpoint('10.0.1.5', TEST_NODE, rts(false, false, true)),
    endpoint('10.0.1.5', 'host-1', rts(false, false, true)),
  ],
};
const CLUSTER_SLICES: Readonly<Record<string, readonly EndpointDraft[]>> = {
  'ready endpoints exist': [
    endpoint('10.0.1.1', TEST_NODE, rts(true, true, false)),
    endpoint('10.0.1.2', TEST_NODE, rts(true, true, false)),
    endpoint('10.0.1.3', 'another-host', rts(false, true, true)),
    endpoint('10.0.1.4', 'another-host', rts(false, false, true)),
    endpoint('10.0.1.5', 'another-host', rts(true, true, false)),
  ],
  'only terminating endpoints exist': [
    endpoint('10.0.1.2', TEST_NODE, rts(false, true, true)),
    endpoint('10.0.1.3', TEST_NODE, rts(false, true, true)),
    endpoint('10.0.1.4', 'another-host', rts(false, false, true)),
    endpoint('10.0.1.5', 'another-host', rts(false, true, true)),
  ],
  'terminating endpoints on remote node': [endpoint('10.0.1.5', 'host-1', rts(false, true, true))],
  'no usable endpoints on any node': [
    endpoint('10.0.1.5', TEST_NODE, rts(false, false, true)),
    endpoint('10.0.1.5', 'host-1', rts(false, false, true)),
  ],
};

type Flow2 = [podOut: string, lbName: string, lbOut: string, lbMasq: boolean];
const LOCAL_FLOWS: Readonly<Record<string, Flow2>> = {
  'ready endpoints exist': [
    '10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80',
    'external to LB',
    '10.0.1.1:80, 10.0.1.2:80',
    false,
  ],
  'only terminating endpoints exist': ['10.0.1.5:80', 'external to LB', '10.0.1.2:80, 10.0.1.3:80', false],
  'terminating endpoints on remote node': ['10.0.1.5:80', 'external to LB, no locally-usable endpoints', 'DROP', false],
  'no usable endpoints on any node': ['REJECT', 'external to LB, no usable endpoints', 'REJECT', false],
};
const CLUSTER_FLOWS: Readonly<Record<string, Flow2>> = {
  'ready endpoints exist': [
    '10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80',
    'external to LB',
    '10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80',
    true,
  ],
  'only terminating endpoints exist': [
    '10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80',
    'external to LB',
    '10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80',
    true,
  ],
  'terminating endpoints on remote node': ['10.0.1.5:80', 'external to LB', '10.0.1.5:80', true],
  'no usable endpoints on any node': ['REJECT', 'external to LB', 'REJECT', false],
};

/** The expected rules' affinity lines of each case, verbatim (none where nothing is forwarded). */
const LOCAL_RULES: Readonly<Record<string, string>> = {
  'ready endpoints exist':
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m recent --name KUBE-SEP-3JOIVZTXZZRGORX4 --rcheck --seconds 10800 --reap -j KUBE-SEP-3JOIVZTXZZRGORX4 … ' +
    '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m recent --name KUBE-SEP-3JOIVZTXZZRGORX4 --rcheck --seconds 10800 --reap -j KUBE-SEP-3JOIVZTXZZRGORX4 ' +
    '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m recent --name KUBE-SEP-IO5XOSKPAXIFQXAJ --rcheck --seconds 10800 --reap -j KUBE-SEP-IO5XOSKPAXIFQXAJ ' +
    '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-3JOIVZTXZZRGORX4 ' +
    '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -j KUBE-SEP-IO5XOSKPAXIFQXAJ',
  'only terminating endpoints exist':
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --rcheck --seconds 10800 --reap -j KUBE-SEP-EQCHZ7S2PJ72OHAY … ' +
    '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m recent --name KUBE-SEP-IO5XOSKPAXIFQXAJ --rcheck --seconds 10800 --reap -j KUBE-SEP-IO5XOSKPAXIFQXAJ ' +
    '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.3:80" -m recent --name KUBE-SEP-XGJFVO3L2O5SRFNT --rcheck --seconds 10800 --reap -j KUBE-SEP-XGJFVO3L2O5SRFNT',
  'terminating endpoints on remote node':
    '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP … ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --rcheck --seconds 10800 --reap -j KUBE-SEP-EQCHZ7S2PJ72OHAY',
  'no usable endpoints on any node':
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1 has no endpoints" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j REJECT ' +
    '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1 has no endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT',
};
const CLUSTER_RULES: Readonly<Record<string, string>> = {
  'ready endpoints exist':
    '-A KUBE-EXT-AQI2S6QIMU7PVVRP -m comment --comment "masquerade traffic for ns1/svc1 external destinations" -j KUBE-MARK-MASQ -A KUBE-EXT-AQI2S6QIMU7PVVRP -j KUBE-SVC-AQI2S6QIMU7PVVRP … ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m recent --name KUBE-SEP-3JOIVZTXZZRGORX4 --rcheck --seconds 10800 --reap -j KUBE-SEP-3JOIVZTXZZRGORX4 ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m recent --name KUBE-SEP-IO5XOSKPAXIFQXAJ --rcheck --seconds 10800 --reap -j KUBE-SEP-IO5XOSKPAXIFQXAJ ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --rcheck --seconds 10800 --reap -j KUBE-SEP-EQCHZ7S2PJ72OHAY ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-3JOIVZTXZZRGORX4 …',
  'only terminating endpoints exist':
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m recent --name KUBE-SEP-IO5XOSKPAXIFQXAJ --rcheck --seconds 10800 --reap -j KUBE-SEP-IO5XOSKPAXIFQXAJ ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.3:80" -m recent --name KUBE-SEP-XGJFVO3L2O5SRFNT --rcheck --seconds 10800 --reap -j KUBE-SEP-XGJFVO3L2O5SRFNT ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --rcheck --seconds 10800 --reap -j KUBE-SEP-EQCHZ7S2PJ72OHAY',
  'terminating endpoints on remote node':
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --rcheck --seconds 10800 --reap -j KUBE-SEP-EQCHZ7S2PJ72OHAY ' +
    '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -j KUBE-SEP-EQCHZ7S2PJ72OHAY',
  'no usable endpoints on any node':
    '-A KUBE-SERVICES -m comment --comment "ns1/svc1 has no endpoints" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j REJECT ' +
    '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1 has no endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT',
};

const forwards = (output: string) => output !== 'REJECT' && output !== 'DROP' && output !== '';

function terminatingRows(policy: 'Local' | 'Cluster'): AffinityRow[] {
  const slices = policy === 'Local' ? LOCAL_SLICES : CLUSTER_SLICES;
  const flows = policy === 'Local' ? LOCAL_FLOWS : CLUSTER_FLOWS;
  const rules = policy === 'Local' ? LOCAL_RULES : CLUSTER_RULES;
  return Object.keys(slices).map((name): AffinityRow => {
    const [podOut, lbName, lbOut, lbMasq] = flows[name];
    return {
      name,
      source: TERM_FILE,
      case: `TestTerminatingEndpointsTrafficPolicy${policy}/${name}`,
      quote: `${TERM_QUOTE_SERVICE} … ExternalTrafficPolicy: v1.ServiceExternalTrafficPolicy${policy}, … ${rules[name]}`,
      modes: ['IPTABLES'],
      cluster: terminatingCluster(policy, slices[name]),
      service: 'ns1/svc1',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: [
        {
          name: 'pod to clusterIP',
          sourceIP: '10.0.0.2',
          destIP: '172.30.1.1',
          destPort: 80,
          output: podOut,
          masq: false,
          pinnedFor: forwards(podOut) ? '10.0.0.2' : null,
        },
        {
          name: lbName,
          sourceIP: EXT,
          destIP: '1.2.3.4',
          destPort: 80,
          output: lbOut,
          masq: lbMasq,
          pinnedFor: forwards(lbOut) ? EXT : null,
        },
      ],
      sameCandidatesAsNone: true,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// TestSessionAffinity (IPVS): a NodePort Service with an external IP and ClientIP affinity; every
// virtual server kube-proxy makes for it (ClusterIP, external IP, NodePort on the node IP) has the
// timeout. The test has no endpoints and sends no packet: only the affinity is checked. Its node
// IP (100.101.102.103) is the fixture's test node here.

function ipvsSessionAffinity(mode: ProxyMode): ClusterModel {
  const svc = makeService('ns1', 'svc1', (s) => {
    s.type = 'NodePort';
    s.clusterIps = ['10.20.30.41'];
    s.externalIps = ['50.60.70.81'];
    s.ports = [port('p80', 80, { nodePort: 3001 })];
    clientIp(s, 10800);
  });
  return fakeCluster({ mode }, [svc], []);
}

function ipvsRows(): AffinityRow[] {
  const vs = (what: string, ip: string, p: number): AffinityFlow => ({
    name: `virtual server ${what}`,
    sourceIP: EXT,
    destIP: ip,
    destPort: p,
    output: null,
  });
  return [
    {
      name: 'every virtual server of the Service is persistent with the timeout',
      source: 'pkg/proxy/ipvs/proxier_test.go',
      case: 'TestSessionAffinity',
      quote:
        'svc.Spec.Type = "NodePort" svc.Spec.ClusterIP = svcIP svc.Spec.ExternalIPs = []string{svcExternalIPs} svc.Spec.SessionAffinity = v1.ServiceAffinityClientIP svc.Spec.SessionAffinityConfig = &v1.SessionAffinityConfig{ ClientIP: &v1.ClientIPConfig{ TimeoutSeconds: ptr.To[int32](v1.DefaultClientIPServiceAffinitySeconds), }, } … ' +
        'for _, svc := range services { if svc.Timeout != uint32(v1.DefaultClientIPServiceAffinitySeconds) { t.Errorf("Unexpected mismatch ipvs service session affinity timeout: %d, expected: %d", svc.Timeout, v1.DefaultClientIPServiceAffinitySeconds)',
      modes: ['IPVS'],
      cluster: ipvsSessionAffinity,
      service: 'ns1/svc1',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: [
        vs('10.20.30.41:80 (ClusterIP)', '10.20.30.41', 80),
        vs('50.60.70.81:80 (external IP)', '50.60.70.81', 80),
        vs(`${NODE}:3001 (NodePort)`, NODE, 3001),
      ],
      sameCandidatesAsNone: false,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// test/e2e/network/service.go: getServeHostnameService (three serve-hostname pods behind port 80,
// target 9376) reached from an exec pod, ClusterIP or NodePort. Run in every proxy mode: the e2e
// tests are conformance tests, not tied to one.

const E2E = 'test/e2e/network/service.go';
const EXEC_POD = { name: 'execpod-affinity', ip: '10.0.0.2' };
const SERVE = [
  ['10.0.0.11', TEST_NODE],
  ['10.1.0.11', 'node-1'],
  ['10.1.1.11', 'node-2'],
] as const;

function servePod(ns: string, name: string, ip: string, node: string, labels: Record<string, string>): PodModel {
  return {
    namespace: ns,
    name,
    labels,
    nodeName: node,
    ips: [ip],
    hostNetwork: false,
    phase: 'Running',
    ready: true,
    terminating: false,
    containerPorts: [],
  };
}

function e2eCluster(name: string, type: 'ClusterIP' | 'NodePort', edit: (s: ServiceDraft) => void) {
  return (mode: ProxyMode): ClusterModel => {
    const labels = { name };
    const svc: ServiceModel = makeService('e2e', name, (s) => {
      s.type = type;
      s.selector = labels;
      s.clusterIps = ['172.30.7.7'];
      s.ports = [port(null, 80, { targetPort: 9376, nodePort: type === 'NodePort' ? 30080 : null })];
      edit(s);
    });
    const slice: EndpointSliceModel = makeSlice(
      'e2e',
      name,
      1,
      'IPv4',
      SERVE.map(([ip, node]) => endpoint(ip, node, { ready: true })),
      [{ name: '', port: 9376 }],
    );
    // kube-proxy's default nodePortAddresses (empty: every node address; nftables kube-proxy reads it
    // as the primary one), not the fixture's test-node-only nftables list: every node takes the NodePort.
    const base = fakeCluster({ mode, nodePortAddresses: [] }, [svc], [slice]);
    const pods = [
      servePod('e2e', EXEC_POD.name, EXEC_POD.ip, TEST_NODE, {}),
      ...SERVE.map(([ip, node], i) => servePod('e2e', `${name}-${i}`, ip, node, labels)),
    ];
    return { ...base, pods };
  };
}

const SERVE_IPS = SERVE.map(([ip]) => ip).sort();

function e2eRows(): AffinityRow[] {
  const reach = (kinds: AffinityReach['kinds']): AffinityReach => ({
    client: { pod: `e2e/${EXEC_POD.name}` },
    kinds,
    endpoints: SERVE_IPS,
    pinnedFor: EXEC_POD.ip,
  });
  const execClient: ReachabilityClient = { pod: `e2e/${EXEC_POD.name}` };
  const sticky = 'Service MUST serve the hostname from the same pod of the replica for all consecutive requests.';
  const timeoutQuote =
    '// set an affinity timeout equal to the number of connection requests svcSessionAffinityTimeout := int32(SessionAffinityTimeout) svc.Spec.SessionAffinity = v1.ServiceAffinityClientIP svc.Spec.SessionAffinityConfig = &v1.SessionAffinityConfig{ ClientIP: &v1.ClientIPConfig{TimeoutSeconds: &svcSessionAffinityTimeout}, } … ' +
    'err = jig.CheckServiceReachability(ctx, svc, execPod) … // the service should be sticky until the timeout expires … // but it should return different hostnames after the timeout expires … SessionAffinityTimeout = 125';
  return [
    {
      name: "ClusterIP: all requests from the exec pod stick to one pod (the pin is the exec pod's address)",
      source: E2E,
      case: 'should have session affinity work for service with type clusterIP [LinuxOnly]',
      quote: `Testname: Service, ClusterIP type, session affinity to ClientIP … Create another pod to make requests to the service. ${sticky} Service MUST be reachable over serviceName and the ClusterIP on servicePort. … svc.Spec.SessionAffinity = v1.ServiceAffinityClientIP (execAffinityTestForNonLBServiceWithOptionalTransition sets no sessionAffinityConfig, so the API default applies)`,
      modes: ALL_MODES,
      cluster: e2eCluster('affinity-clusterip', 'ClusterIP', (s) => clientIp(s, undefined)),
      service: 'e2e/affinity-clusterip',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      asker: execClient,
      flows: [],
      reach: reach(['CLUSTER_IP']),
      sameCandidatesAsNone: false,
    },
    {
      name: 'NodePort: all requests from the exec pod to a node IP:NodePort stick to one pod',
      source: E2E,
      case: 'should have session affinity work for NodePort service [LinuxOnly]',
      quote: `Testname: Service, NodePort type, session affinity to ClientIP … Create another pod to make requests to the service on node's IP and NodePort. ${sticky} Service MUST be reachable over serviceName and the ClusterIP on servicePort. Service MUST also be reachable over node's IP on NodePort.`,
      modes: ALL_MODES,
      cluster: e2eCluster('affinity-nodeport', 'NodePort', (s) => clientIp(s, undefined)),
      service: 'e2e/affinity-nodeport',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      asker: execClient,
      flows: [],
      reach: reach(['CLUSTER_IP', 'NODE_PORT']),
      sameCandidatesAsNone: false,
    },
    {
      name: 'ClusterIP: sticky until the 125 s timeout expires',
      source: E2E,
      case: 'should have session affinity timeout work for service with type clusterIP [LinuxOnly]',
      quote: timeoutQuote,
      modes: ALL_MODES,
      cluster: e2eCluster('affinity-clusterip-timeout', 'ClusterIP', (s) => clientIp(s, 125)),
      service: 'e2e/affinity-clusterip-timeout',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 125 },
      asker: execClient,
      flows: [],
      reach: reach(['CLUSTER_IP']),
      sameCandidatesAsNone: false,
    },
    {
      name: 'NodePort: sticky until the 125 s timeout expires',
      source: E2E,
      case: 'should have session affinity timeout work for NodePort service [LinuxOnly]',
      quote: timeoutQuote,
      modes: ALL_MODES,
      cluster: e2eCluster('affinity-nodeport-timeout', 'NodePort', (s) => clientIp(s, 125)),
      service: 'e2e/affinity-nodeport-timeout',
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 125 },
      asker: execClient,
      flows: [],
      reach: reach(['CLUSTER_IP', 'NODE_PORT']),
      sameCandidatesAsNone: false,
    },
    {
      name: 'after switching to None, any pod may serve (no pin)',
      source: E2E,
      case: 'should be able to switch session affinity for service with type clusterIP [LinuxOnly]',
      quote:
        'Update the service\'s sessionAffinity to "None". Service update MUST be successful. When a requests are made to the service, it MUST be able serve the hostname from any pod of the replica.',
      modes: ALL_MODES,
      cluster: e2eCluster('affinity-clusterip-transition', 'ClusterIP', (s) => {
        s.sessionAffinity = 'None';
      }),
      service: 'e2e/affinity-clusterip-transition',
      sessionAffinity: { type: 'None', timeoutSeconds: null },
      asker: execClient,
      flows: [
        {
          name: 'exec pod to ClusterIP reaches any of the three pods',
          sourceIP: EXEC_POD.ip,
          destIP: '172.30.7.7',
          destPort: 80,
          output: SERVE_IPS.map((ip) => `${ip}:9376`).join(', '),
          pinnedFor: null,
        },
      ],
      sameCandidatesAsNone: false,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The documentation page (virtual-ips.md, "Session affinity" and "Session stickiness timeout").

const DOC = 'https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity';

function docRows(): AffinityRow[] {
  const select =
    "If you want to make sure that connections from a particular client are passed to the same Pod each time, you can select the session affinity based on the client's IP addresses by setting `.spec.sessionAffinity` to `ClientIP` for a Service (the default is `None`).";
  return [
    {
      name: 'the default is None: no client is pinned',
      source: DOC,
      case: 'Session affinity',
      quote: select,
      modes: ALL_MODES,
      cluster: (mode) => small(mode, () => undefined),
      service: SMALL,
      sessionAffinity: { type: 'None', timeoutSeconds: null },
      flows: [podToSmall(null)],
      sameCandidatesAsNone: false,
    },
    {
      name: 'ClientIP: each client is pinned by its own IP address',
      source: DOC,
      case: 'Session affinity',
      quote: select,
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, undefined)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: [
        {
          name: 'one pod to ClusterIP',
          sourceIP: '10.0.0.2',
          destIP: SMALL_IP,
          destPort: 80,
          output: ALL_SMALL,
          masq: false,
          pinnedFor: '10.0.0.2',
        },
        {
          name: 'another pod to ClusterIP',
          sourceIP: '10.0.0.3',
          destIP: SMALL_IP,
          destPort: 80,
          output: ALL_SMALL,
          masq: false,
          pinnedFor: '10.0.0.3',
        },
      ],
      sameCandidatesAsNone: false,
    },
    {
      name: 'the sticky time is timeoutSeconds, 10800 (3 hours) by default',
      source: DOC,
      case: 'Session stickiness timeout',
      quote:
        'You can also set the maximum session sticky time by setting `.spec.sessionAffinityConfig.clientIP.timeoutSeconds` appropriately for a Service. (the default value is 10800, which works out to be 3 hours).',
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, undefined)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 10800 },
      flows: [podToSmall('10.0.0.2')],
      sameCandidatesAsNone: false,
    },
    {
      name: 'a timeoutSeconds set on the Service is the sticky time',
      source: DOC,
      case: 'Session stickiness timeout',
      quote:
        'You can also set the maximum session sticky time by setting `.spec.sessionAffinityConfig.clientIP.timeoutSeconds` appropriately for a Service.',
      modes: ALL_MODES,
      cluster: (mode) => small(mode, (s) => clientIp(s, 600)),
      service: SMALL,
      sessionAffinity: { type: 'ClientIP', timeoutSeconds: 600 },
      flows: [podToSmall('10.0.0.2')],
      sameCandidatesAsNone: false,
    },
  ];
}

export const AFFINITY_ROWS: readonly AffinityRow[] = [
  ...apiRows(),
  ...overallRows(),
  ...terminatingRows('Local'),
  ...terminatingRows('Cluster'),
  ...ipvsRows(),
  ...e2eRows(),
  ...docRows(),
];

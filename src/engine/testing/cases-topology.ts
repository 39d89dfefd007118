// Rows transcribed from kubernetes/kubernetes pkg/proxy/topology_test.go, TestCategorizeEndpoints
// (commit 6c039d9075ef18d200bb0ba7dbdb362f4d0deef0): one row per upstream case, named as upstream names it.
//
// Version: two versions of topology_test.go are stored (02756999a07f133c152b3078ed93c4b870f800d4, the
// older one with hintsEnabled / hintsAnnotation / sets.String, and 6c039d9…, which uses sets.Set[string]
// and BaseServicePortInfo). These rows come from 6c039d9…, the newer one. In that version the
// test calls CategorizeEndpoints(endpoints, serviceInfo, nodeLabels). It has no node hints, no nodeName
// and no PreferSameTrafficDistribution cases.
//
// Mapping choices:
// - gates: this version's test sets no feature gate. Its struct has a `pteEnabled` field, and three
//   cases set it to true, but the test loop never reads it, so every row has gates: {}. The rows
//   that set it say so in a comment.
// - nodeName: this version has no node name input, so nodeName is '' (Go's zero value) on every row.
// - nodeHints: the endpoints in this version have no node hints, so nodeHints is [] on every endpoint.
// - zone: the case's nodeLabels[topology.kubernetes.io/zone]. It is null when the case gives no
//   nodeLabels or gives an empty map. It is '' when the label is there but empty ("empty zone label").
// - Endpoint fields the case leaves out get Go's zero value: serving/terminating/local false and
//   zoneHints []. `zoneHints: nil` is also written as []. Every case gives `ready` explicitly.
// - other: the case's BaseServicePortInfo fields other than the two policies. The only one is
//   nodePort: 8080. Its type here allows only string | boolean, so it is written as the string
//   '8080'. nodePort != 0 is what makes the port externally accessible, so eTP:Local only takes
//   effect when nodePort is present.
// - Endpoint sets keep the order the case lists them in. Upstream compares them as sets.
// - allEndpoints is the set the test code checks: clusterEndpoints when only clusterEndpoints is
//   non-nil, localEndpoints when only localEndpoints is non-nil, otherwise the case's own allEndpoints.
//   Rows where this applies say so in a comment. The test expects hasAnyEndpoints =
//   len(allEndpoints) > 0 || onlyRemoteEndpoints. onlyRemoteEndpoints appears only on the two rows that
//   set it.
export interface TopologyEndpointRow {
  /** "ip:port" exactly as upstream writes the endpoint */
  readonly ep: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** upstream's isLocal (the endpoint is on the node under test) */
  readonly local: boolean;
  /** zone hints (upstream ZoneHints), [] when none */
  readonly zoneHints: readonly string[];
  /** node hints (upstream NodeHints), [] when none */
  readonly nodeHints: readonly string[];
}
export interface TopologyRow {
  /** upstream's case name, verbatim */
  readonly name: string;
  readonly source: 'pkg/proxy/topology_test.go';
  readonly case: string; // `TestCategorizeEndpoints/${name}`
  /** feature gates the case sets, verbatim by gate name, e.g. { PreferSameTrafficDistribution: true }; {} when none */
  readonly gates: Readonly<Record<string, boolean>>;
  readonly nodeName: string;
  /** the node's topology.kubernetes.io/zone label, or null when the case gives none */
  readonly zone: string | null;
  /** the service port's traffic policies as the case sets them (upstream's externalPolicyLocal / internalPolicyLocal, and anything else the case sets on serviceInfo, e.g. hintsAnnotation or trafficDistribution, kept in `other` verbatim) */
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  readonly other: Readonly<Record<string, string | boolean>>;
  readonly endpoints: readonly TopologyEndpointRow[];
  /** expected upstream outputs, as sets of "ip:port"; null where upstream expects nil */
  readonly clusterEndpoints: readonly string[] | null;
  readonly localEndpoints: readonly string[] | null;
  readonly allEndpoints: readonly string[] | null;
  /** upstream's onlyRemoteEndpoints expectation if the case has it, else omitted */
  readonly onlyRemoteEndpoints?: boolean;
}
export const TOPOLOGY_ROWS: readonly TopologyRow[] = [
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: "should use topology since all endpoints have hints, node has a zone label and and there are endpoints for the node's zone",
    source: 'pkg/proxy/topology_test.go',
    case: "TestCategorizeEndpoints/should use topology since all endpoints have hints, node has a zone label and and there are endpoints for the node's zone",
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-c'], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
  },
  {
    name: 'externalTrafficPolicy: Local, topology ignored for Local endpoints',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/externalTrafficPolicy: Local, topology ignored for Local endpoints',
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: true,
    internalPolicyLocal: false,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: true, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: true, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-c'], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
    localEndpoints: ['10.1.2.3:80', '10.1.2.4:80'],
    allEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
  },
  {
    name: 'internalTrafficPolicy: Local, topology ignored for Local endpoints',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/internalTrafficPolicy: Local, topology ignored for Local endpoints',
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: true, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: true, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-c'], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.6:80'],
    localEndpoints: ['10.1.2.3:80', '10.1.2.4:80'],
    allEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
  },
  {
    // nodeLabels: map[string]string{} (no zone label) -> zone: null
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'empty node labels',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/empty node labels',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80'],
  },
  {
    // nodeLabels: {topology.kubernetes.io/zone: ""} (label present, empty) -> zone: ""
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'empty zone label',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/empty zone label',
    gates: {},
    nodeName: '',
    zone: '',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'node in different zone, no endpoint filtering',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/node in different zone, no endpoint filtering',
    gates: {},
    nodeName: '',
    zone: 'zone-b',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'unready endpoint',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/unready endpoint',
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-c'], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: false, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'only unready endpoints in same zone (should not filter)',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/only unready endpoints in same zone (should not filter)',
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: false, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-c'], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: false, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.4:80', '10.1.2.5:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.4:80', '10.1.2.5:80'],
  },
  {
    // 10.1.2.5:80 has zoneHints: nil upstream -> zoneHints: []
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'missing hints, no filtering applied',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/missing hints, no filtering applied',
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.5:80', '10.1.2.6:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.5:80', '10.1.2.6:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'multiple hints per endpoint, filtering includes any endpoint with zone included',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/multiple hints per endpoint, filtering includes any endpoint with zone included',
    gates: {},
    nodeName: '',
    zone: 'zone-c',
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.1.2.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a', 'zone-b', 'zone-c'], nodeHints: [] },
      { ep: '10.1.2.4:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b', 'zone-c'], nodeHints: [] },
      { ep: '10.1.2.5:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b', 'zone-d'], nodeHints: [] },
      { ep: '10.1.2.6:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-c'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
    localEndpoints: null,
    allEndpoints: ['10.1.2.3:80', '10.1.2.4:80', '10.1.2.6:80'],
  },
  {
    name: 'conflicting topology and localness require merging allEndpoints',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/conflicting topology and localness require merging allEndpoints',
    gates: {},
    nodeName: '',
    zone: 'zone-a',
    externalPolicyLocal: true,
    internalPolicyLocal: false,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: true, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: true, zoneHints: ['zone-b'], nodeHints: [] },
      { ep: '10.0.0.2:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-a'], nodeHints: [] },
      { ep: '10.0.0.3:80', ready: true, serving: false, terminating: false, local: false, zoneHints: ['zone-b'], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.2:80'],
    localEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80', '10.0.0.2:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses localEndpoints since clusterEndpoints is nil
    name: 'internalTrafficPolicy: Local, with empty endpoints',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/internalTrafficPolicy: Local, with empty endpoints',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: {},
    endpoints: [],
    clusterEndpoints: null,
    localEndpoints: [],
    allEndpoints: [],
  },
  {
    // allEndpoints: not given upstream; the test code uses localEndpoints since clusterEndpoints is nil
    name: 'internalTrafficPolicy: Local, but all endpoints are remote',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/internalTrafficPolicy: Local, but all endpoints are remote',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: null,
    localEndpoints: [],
    allEndpoints: [],
    onlyRemoteEndpoints: true,
  },
  {
    // allEndpoints: not given upstream; the test code uses localEndpoints since clusterEndpoints is nil
    name: 'internalTrafficPolicy: Local, all endpoints are local',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/internalTrafficPolicy: Local, all endpoints are local',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: null,
    localEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses localEndpoints since clusterEndpoints is nil
    name: 'internalTrafficPolicy: Local, some endpoints are local',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/internalTrafficPolicy: Local, some endpoints are local',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: null,
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80'],
  },
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'Cluster traffic policy, endpoints not Ready',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/Cluster traffic policy, endpoints not Ready',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: false, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: false, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: [],
    localEndpoints: null,
    allEndpoints: [],
  },
  {
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'Cluster traffic policy, some endpoints are Ready',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/Cluster traffic policy, some endpoints are Ready',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: false, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.1:80'],
    localEndpoints: null,
    allEndpoints: ['10.0.0.1:80'],
  },
  {
    // upstream sets pteEnabled: true on this case, but the test loop never reads pteEnabled (no feature gate is set) -> gates: {}
    // allEndpoints: not given upstream; the test code uses clusterEndpoints since localEndpoints is nil
    name: 'Cluster traffic policy, all endpoints are terminating',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/Cluster traffic policy, all endpoints are terminating',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: false, serving: true, terminating: true, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: false, serving: true, terminating: true, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: null,
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Local, eTP: Cluster, some endpoints local',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/iTP: Local, eTP: Cluster, some endpoints local',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Cluster, eTP: Local, some endpoints local',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/iTP: Cluster, eTP: Local, some endpoints local',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: true,
    internalPolicyLocal: false,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Local, eTP: Local, some endpoints local',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/iTP: Local, eTP: Local, some endpoints local',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: true,
    internalPolicyLocal: true,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: ['10.0.0.0:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    name: 'iTP: Local, eTP: Local, all endpoints remote',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/iTP: Local, eTP: Local, all endpoints remote',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: true,
    internalPolicyLocal: true,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: [],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    // upstream sets pteEnabled: true on this case, but the test loop never reads pteEnabled (no feature gate is set) -> gates: {}
    name: 'iTP: Local, eTP: Local, all endpoints remote and terminating',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/iTP: Local, eTP: Local, all endpoints remote and terminating',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: true,
    internalPolicyLocal: true,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: false, serving: true, terminating: true, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: false, serving: true, terminating: true, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: [],
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    onlyRemoteEndpoints: true,
  },
  {
    // upstream sets pteEnabled: true on this case, but the test loop never reads pteEnabled (no feature gate is set) -> gates: {}
    name: 'iTP: Cluster, eTP: Local, with terminating endpoints',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/iTP: Cluster, eTP: Local, with terminating endpoints',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: true,
    internalPolicyLocal: false,
    other: { nodePort: '8080' },
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: false, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.2:80', ready: false, serving: true, terminating: true, local: true, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.3:80', ready: false, serving: true, terminating: true, local: false, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80'],
    localEndpoints: ['10.0.0.2:80'],
    allEndpoints: ['10.0.0.0:80', '10.0.0.2:80'],
  },
  {
    // allEndpoints: upstream also gives allEndpoints (identical), but the test code uses clusterEndpoints since localEndpoints is nil
    name: 'externalTrafficPolicy ignored if not externally accessible',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/externalTrafficPolicy ignored if not externally accessible',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: true,
    internalPolicyLocal: false,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
    localEndpoints: null,
    allEndpoints: ['10.0.0.0:80', '10.0.0.1:80'],
  },
  {
    // allEndpoints: upstream also gives allEndpoints (identical), but the test code uses localEndpoints since clusterEndpoints is nil
    name: 'no cluster endpoints for iTP:Local internal-only service',
    source: 'pkg/proxy/topology_test.go',
    case: 'TestCategorizeEndpoints/no cluster endpoints for iTP:Local internal-only service',
    gates: {},
    nodeName: '',
    zone: null,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    other: {},
    endpoints: [
      { ep: '10.0.0.0:80', ready: true, serving: false, terminating: false, local: false, zoneHints: [], nodeHints: [] },
      { ep: '10.0.0.1:80', ready: true, serving: false, terminating: false, local: true, zoneHints: [], nodeHints: [] },
    ],
    clusterEndpoints: null,
    localEndpoints: ['10.0.0.1:80'],
    allEndpoints: ['10.0.0.1:80'],
  },
];

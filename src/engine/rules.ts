// Rules as data. Every decision the engine makes cites one of these ids; each carries the
// evidence behind it and whether it is documented fact (a test or doc pins it) or inference.
import { CCE_PAGE, cellRuleSpecs, type CceCellRuleId } from './profiles/cce/table';
import type { Profile } from './model';

export interface Evidence {
  /** Repository path (kubernetes/kubernetes unless prefixed) or documentation URL. */
  readonly source: string;
  /** Test function and case name, or section. */
  readonly case?: string;
}

export interface RuleSpec {
  readonly statement: string;
  readonly evidence: readonly Evidence[];
  readonly inferred: boolean;
  readonly profiles: readonly Profile[];
}

export interface Rule extends RuleSpec {
  readonly id: RuleId;
}

const ALL: readonly Profile[] = ['KUBERNETES', 'CCE', 'CCE_TURBO'];
const NFT = 'pkg/proxy/nftables/proxier_test.go';
const IPT = 'pkg/proxy/iptables/proxier_test.go';
const IPVS = 'pkg/proxy/ipvs/proxier_test.go';
const TOPO = 'pkg/proxy/topology.go';
const TOPO_TEST = 'pkg/proxy/topology_test.go';
const SP = 'pkg/proxy/serviceport.go';
const NETPOL_DOC = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';
const SOURCE_IP_DOC = 'https://kubernetes.io/docs/tutorials/services/source-ip/';

function fact(statement: string, ...evidence: Evidence[]): RuleSpec {
  return { statement, evidence, inferred: false, profiles: ALL };
}
function inference(statement: string, ...evidence: Evidence[]): RuleSpec {
  return { statement, evidence, inferred: true, profiles: ALL };
}

const KUBERNETES_RULES = {
  'K8S-SVC-IGNORED-HEADLESS': fact('A headless Service (no ClusterIP) gets no kube-proxy rules.', {
    source: NFT,
    case: 'TestBuildServiceMapServiceHeadless',
  }),
  'K8S-SVC-IGNORED-LABEL': fact(
    'Services labelled service.kubernetes.io/service-proxy-name or service.kubernetes.io/headless are ignored by the default kube-proxy.',
    { source: 'pkg/proxy/config/config.go', case: 'service-proxy-name / headless label selector' },
  ),
  'K8S-CLUSTERIP-FRONTEND': fact(
    'Traffic to ClusterIP:port/protocol is captured and load-balanced to the Service endpoints.',
    { source: NFT, case: 'TestClusterIPGeneral/simple clusterIP' },
  ),
  'K8S-EXTERNALIP-FRONTEND': fact('Traffic to an externalIP:port/protocol is captured as external traffic.', {
    source: NFT,
    case: 'TestExternalTrafficPolicyCluster/external to external IP hits both endpoints, masqueraded',
  }),
  'K8S-LB-VIP-FRONTEND': fact(
    'Traffic to a load-balancer ingress IP (ipMode VIP):port/protocol is captured as external traffic.',
    { source: NFT, case: 'TestLoadBalancer/accepted external to LB1' },
  ),
  'K8S-NODEPORT-FRONTEND': fact(
    'Traffic to a node address accepting NodePorts on nodePort/protocol is captured as external traffic.',
    { source: NFT, case: 'TestNodePorts/external to nodePort' },
  ),
  'K8S-LB-IPMODE-PROXY': fact(
    'A load-balancer ingress with ipMode Proxy gets no in-cluster rule: traffic goes to the real load balancer.',
    { source: NFT, case: 'TestLoadBalancerIngressRouteTypeProxy/LoadBalancerIPMode enabled, ipMode Proxy' },
  ),
  'K8S-ENDPOINTS-READY': fact(
    'Only ready endpoints are used while any ready endpoint exists.',
    { source: TOPO, case: 'CategorizeEndpoints' },
    { source: NFT, case: 'TestTerminatingEndpointsTrafficPolicyCluster/ready endpoints exist' },
  ),
  'K8S-ENDPOINTS-TERMINATING-FALLBACK': fact(
    'With no ready endpoint cluster-wide, serving-and-terminating endpoints are used; non-serving ones never.',
    { source: TOPO, case: 'CategorizeEndpoints' },
    { source: NFT, case: 'TestTerminatingEndpointsTrafficPolicyCluster/only terminating endpoints exist' },
  ),
  'K8S-ENDPOINTS-LOCAL-TERMINATING-FALLBACK': fact(
    "For a Local policy the choice is made among this node's endpoints only: ready ones, else serving-and-terminating ones.",
    { source: TOPO, case: 'CategorizeEndpoints' },
    { source: NFT, case: 'TestTerminatingEndpointsTrafficPolicyLocal/only terminating endpoints exist' },
  ),
  'K8S-TOPOLOGY-SAME-ZONE': fact(
    "Topology-aware routing (PreferSameZone): when every ready endpoint carries zone hints and some are hinted for the node's zone, the node uses only those for Cluster policies.",
    { source: TOPO, case: 'topologyModeFromHints' },
    {
      source: TOPO_TEST,
      case: "TestCategorizeEndpoints/should use topology since all endpoints have hints, node has a zone label and and there are endpoints for the node's zone",
    },
    {
      source: TOPO_TEST,
      case: 'TestCategorizeEndpoints/multiple hints per endpoint, filtering includes any endpoint with zone included',
    },
  ),
  'K8S-TOPOLOGY-SAME-NODE': fact(
    'Topology-aware routing (PreferSameNode, kube-proxy v1.34 and later): when every ready endpoint carries node hints and some are hinted for this node, the node uses only those for Cluster policies.',
    { source: TOPO, case: 'topologyModeFromHints (PreferSameTrafficDistribution)' },
  ),
  'K8S-TOPOLOGY-IGNORED-MISSING-HINT': fact(
    'Topology hints are ignored (every ready endpoint is used) when some ready endpoint has no zone hint.',
    { source: TOPO, case: 'topologyModeFromHints' },
    { source: TOPO_TEST, case: 'TestCategorizeEndpoints/missing hints, no filtering applied' },
  ),
  'K8S-TOPOLOGY-IGNORED-NO-ZONE-LABEL': fact(
    'Topology hints are ignored on a node without a topology.kubernetes.io/zone label.',
    { source: TOPO, case: 'topologyModeFromHints' },
    { source: TOPO_TEST, case: 'TestCategorizeEndpoints/empty node labels' },
    { source: TOPO_TEST, case: 'TestCategorizeEndpoints/empty zone label' },
  ),
  'K8S-TOPOLOGY-IGNORED-NO-ENDPOINT-FOR-ZONE': fact(
    'Topology hints are ignored on a node when no ready endpoint is hinted for its zone: it uses every ready endpoint.',
    { source: TOPO, case: 'topologyModeFromHints' },
    { source: TOPO_TEST, case: 'TestCategorizeEndpoints/node in different zone, no endpoint filtering' },
    { source: TOPO_TEST, case: 'TestCategorizeEndpoints/only unready endpoints in same zone (should not filter)' },
  ),
  'K8S-TOPOLOGY-HINTS-UNREAD': inference(
    "This kube-proxy does not read the endpoints' topology hints: before v1.24 the feature is off by default (TopologyAwareHints), and from v1.24 to v1.30 only Services annotated service.kubernetes.io/topology-aware-hints (or, from v1.27, topology-mode) with a value other than empty or disabled (v1.23: Auto) use them; from v1.31 the hints alone decide.",
    {
      source: TOPO,
      case: 'canUseTopology (v1.24-v1.30: "Any non-empty and non-disabled values for the hints annotation are acceptable")',
    },
    {
      source: 'keps/sig-network/4444-service-traffic-distribution/README.md (kubernetes/enhancements)',
      case: 'Design Details',
    },
  ),
  'K8S-TOPOLOGY-HINTS-INFERRED': inference(
    "The Service has no EndpointSlices here: its endpoints' hints are those the EndpointSlice controller writes for its trafficDistribution (each ready endpoint hinted for its own zone; PreferSameNode also for its own node).",
    { source: 'staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go', case: 'preferCloseHeuristic.update' },
  ),
  'K8S-SESSION-AFFINITY-CLIENTIP': fact(
    'With sessionAffinity ClientIP, every connection from one source address (as the node that load-balances it sees it) goes to the endpoint chosen for that address first, until timeoutSeconds (default 10800) pass without a connection; IPVS makes the virtual server persistent with that timeout.',
    { source: IPVS, case: 'TestSessionAffinity' },
    {
      source: 'test/e2e/network/service.go',
      case: 'should have session affinity work for service with type clusterIP [LinuxOnly]',
    },
    { source: 'https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity' },
  ),
  'K8S-NO-ENDPOINTS-REJECT': fact(
    'A Service port with no usable endpoint anywhere rejects connections (ClusterIP, externalIP, NodePort and LB IP alike).',
    { source: NFT, case: 'TestNoEndpointsReject' },
    { source: IPT, case: 'TestNoEndpointsReject' },
  ),
  'K8S-ITP-LOCAL': fact("internalTrafficPolicy Local sends ClusterIP traffic to this node's endpoints only.", {
    source: NFT,
    case: 'TestInternalTrafficPolicy/internalTrafficPolicy is local and there is one local endpoint',
  }),
  'K8S-ITP-LOCAL-DROP': fact(
    'internalTrafficPolicy Local with endpoints elsewhere but none on this node drops ClusterIP traffic.',
    { source: NFT, case: 'TestInternalTrafficPolicy/internalTrafficPolicy is local and there are no local endpoints' },
  ),
  'K8S-ITP-CLUSTERIP-ONLY': fact(
    'internalTrafficPolicy applies only to ClusterIP traffic, not NodePort/LB/externalIP.',
    { source: NFT, case: 'TestInternalExternalMasquerade/pod to NodePort with iTP:Local' },
  ),
  'K8S-ETP-EXTERNAL-ONLY': fact(
    'externalTrafficPolicy applies only to external destinations (NodePort, externalIP, LB VIP), not to the ClusterIP.',
    { source: NFT, case: 'TestInternalExternalMasquerade/pod to ClusterIP with eTP:Local' },
  ),
  'K8S-ETP-LOCAL-TYPE': fact('externalTrafficPolicy Local only takes effect for NodePort and LoadBalancer Services.', {
    source: 'pkg/apis/core/v1/helper / pkg/api/v1/service/util.go',
    case: 'ExternalPolicyLocal',
  }),
  'K8S-ETP-CLUSTER-MASQUERADE': fact(
    'externalTrafficPolicy Cluster: external-destination traffic goes to all endpoints and is always masqueraded.',
    { source: NFT, case: 'TestExternalTrafficPolicyCluster' },
    { source: SOURCE_IP_DOC, case: 'Source IP for Services with Type=NodePort' },
  ),
  'K8S-ETP-LOCAL-PRESERVE': fact(
    "externalTrafficPolicy Local: traffic from outside goes to this node's endpoints only and is not masqueraded.",
    { source: NFT, case: 'TestExternalTrafficPolicyLocal/external to LB IP hits only local endpoint, unmasqueraded' },
  ),
  'K8S-ETP-LOCAL-DROP': fact(
    'externalTrafficPolicy Local with endpoints elsewhere but none usable on this node drops external traffic.',
    { source: NFT, case: 'TestTerminatingEndpointsTrafficPolicyLocal/terminating endpoints on remote node' },
  ),
  'K8S-ETP-LOCAL-POD-SHORTCIRCUIT': fact(
    'externalTrafficPolicy Local: traffic from a pod (per the local-traffic detector) is short-circuited to all endpoints, not masqueraded.',
    { source: NFT, case: 'TestInternalExternalMasquerade/pod to LB with eTP:Local' },
  ),
  'K8S-ETP-LOCAL-NODE-SHORTCIRCUIT': fact(
    "externalTrafficPolicy Local: the node's own traffic goes to all endpoints, masqueraded.",
    { source: NFT, case: 'TestInternalExternalMasquerade/node to LB with eTP:Local' },
  ),
  'K8S-CLUSTERIP-MASQ-NON-POD': fact(
    'ClusterIP traffic whose source the local-traffic detector does not recognise as a pod (node or external source) is masqueraded.',
    { source: NFT, case: 'TestInternalExternalMasquerade/node to ClusterIP' },
  ),
  'K8S-CLUSTERIP-NO-DETECTOR': fact(
    "With no local-traffic detector for the packet's IP family (detectLocalMode none, or no kube-proxy clusterCIDR / node pod CIDR of that family), ClusterIP traffic is never masqueraded (unless masqueradeAll) and there is no eTP Local pod short-circuit.",
    { source: NFT, case: 'TestInternalExternalMasquerade/no LocalTrafficDetector' },
    {
      source: 'cmd/kube-proxy/app/server_linux.go',
      case: 'getLocalDetectors: one detector per IP family, a no-op one for a family with no CIDR',
    },
  ),
  'K8S-CLUSTERIP-POD-NO-MASQ': fact('ClusterIP traffic from a pod is not masqueraded.', {
    source: NFT,
    case: 'TestInternalExternalMasquerade/pod to ClusterIP',
  }),
  'K8S-MASQUERADE-ALL': fact('masqueradeAll masquerades all ClusterIP traffic.', {
    source: NFT,
    case: 'TestInternalExternalMasquerade/masqueradeAll',
  }),
  'K8S-HAIRPIN-MASQUERADE': fact('A pod reaching itself through its Service is masqueraded (hairpin).', {
    source: NFT,
    case: 'TestClusterIPGeneral/hairpin to cluster IP',
  }),
  'K8S-LB-SOURCE-RANGES-DROP': fact(
    'A source outside loadBalancerSourceRanges hitting the LB IP is dropped (pods included). The ranges apply per IP family: a family with no range has no firewall.',
    { source: NFT, case: 'TestLoadBalancer/blocked external to LB1' },
    { source: NFT, case: 'TestLoadBalancer/pod to LB1 (blocked by LoadBalancerSourceRanges)' },
    { source: SP, case: 'newBaseServiceInfo: loadBalancerSourceRanges by IP family (MapCIDRsByIPFamily)' },
  ),
  'K8S-LB-SOURCE-RANGES-ALLOW': fact(
    'A source inside loadBalancerSourceRanges is allowed to the LB IP; if a node IP is in the ranges, the LB IPs themselves are allowed as sources too.',
    { source: NFT, case: 'TestLoadBalancer/same node to LB1, SNATted to LB1 (implicitly allowed)' },
  ),
  'K8S-NODEPORT-BYPASSES-SOURCE-RANGES': fact('loadBalancerSourceRanges do not apply to NodePort traffic.', {
    source: NFT,
    case: 'TestLoadBalancer/nodePort bypasses LoadBalancerSourceRanges',
  }),
  'K8S-NODEPORT-ADDRESSES': fact(
    'NodePorts answer only on node addresses selected by nodePortAddresses (when empty: every node IP in iptables and IPVS mode, the primary IPs in nftables mode; the primary IPs for "primary").',
    { source: NFT, case: 'TestNodePorts/secondary nodeIP ignores NodePorts' },
    { source: IPT, case: 'TestOnlyLocalNodePorts' },
    {
      source: 'cmd/kube-proxy/app/server_linux.go',
      case: 'platformApplyDefaults (nftables: empty nodePortAddresses means primary)',
    },
  ),
  'K8S-NODEPORT-LOCALHOST': fact(
    '127.0.0.1:<nodePort> works only in iptables mode, IPv4, with localhostNodePorts on (and 127.0.0.0/8 allowed by nodePortAddresses); it is masqueraded.',
    { source: IPT, case: 'TestNodePort/localhost to nodePort gets masqueraded' },
    { source: IPT, case: 'TestDisableLocalhostNodePortsIPv4' },
  ),
  'K8S-HEALTHCHECK-NODEPORT': fact(
    'The healthCheckNodePort of an eTP Local Service is accepted by the node (kube-proxy listens on it).',
    { source: IPT, case: 'TestHealthCheckNodePort/firewall accepts HealthCheckNodePort' },
  ),
  'K8S-NFT-REJECT-UNUSED-CLUSTERIP-PORT': fact(
    'nftables rejects traffic to a ClusterIP on a port/protocol the Service does not expose.',
    { source: NFT, case: "TestClusterIPGeneral/svc1 does not accept svc2's ports" },
  ),
  'K8S-NFT-DROP-UNALLOCATED-CLUSTERIP': fact('nftables drops traffic to unallocated addresses of the Service CIDRs.', {
    source: NFT,
    case: 'TestClusterIPGeneral/packet to unallocated cluster ip',
  }),
  'K8S-IPT-UNUSED-PORT-PASSES': fact(
    'iptables does not intercept traffic to a ClusterIP on a port/protocol the Service does not expose.',
    { source: IPT, case: "TestClusterIPGeneral/svc1 does not accept svc2's ports" },
  ),
  'K8S-NOT-INTERCEPTED': fact('No Service rule matches: the packet travels on unmodified.', {
    source: NFT,
    case: 'TestNodePorts/secondary nodeIP ignores NodePorts',
  }),
  'K8S-IPVS-SERVICE-IPS-BOUND': inference(
    'IPVS binds every Service IP to kube-ipvs0, so traffic to a Service IP on an unknown port is refused by the node.',
    { source: 'https://github.com/kubernetes/kubernetes/issues/100925' },
    { source: 'pkg/proxy/ipvs/proxier.go', case: 'KUBE-IPVS-FILTER' },
  ),
  'K8S-IPVS-NO-REAL-SERVERS-REJECT': inference(
    'IPVS: a virtual server without real servers falls through to the local stack, which refuses the connection.',
    { source: 'https://github.com/kubernetes/kubernetes/pull/72534', case: 'IPVS proxier does not need a REJECT rule' },
    { source: 'https://github.com/kubernetes/kubernetes/issues/100925' },
  ),
  'K8S-IPVS-ETP-LOCAL-LOCAL-ONLY': inference(
    "IPVS: NodePort/LB/externalIP virtual servers of an eTP Local Service hold only this node's endpoints, for every source (no short-circuit).",
    { source: IPVS, case: 'TestOnlyLocalNodePorts' },
    { source: IPVS, case: 'TestOnlyLocalLoadBalancing' },
  ),
  'K8S-LB-DELIVERS-TO-NODES': inference(
    'A load balancer in VIP mode delivers traffic to cluster nodes that pass its health check, destination still the LB IP.',
    { source: 'test/e2e/network/loadbalancer.go', case: 'should work for type=LoadBalancer' },
  ),
  'K8S-LB-HEALTHCHECK-LOCAL': fact(
    'For eTP Local the LB health check (healthCheckNodePort) passes only on nodes with local ready endpoints; terminating ones do not count.',
    { source: NFT, case: 'TestHealthCheckNodePortWhenTerminating' },
    { source: 'test/e2e/network/loadbalancer.go', case: 'should only target nodes with endpoints' },
  ),
  'K8S-LB-EXCLUDED-NODE': fact(
    'Nodes labelled node.kubernetes.io/exclude-from-external-load-balancers are not load-balancer targets.',
    {
      source:
        'https://kubernetes.io/docs/reference/labels-annotations-taints/#node-kubernetes-io-exclude-from-external-load-balancers',
    },
  ),
  'K8S-LB-PROXY-DELIVERY': inference(
    "A load balancer in Proxy mode terminates the connection and opens a new one to a node's NodePort: the backend sees the LB address.",
    { source: 'https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode' },
  ),
  'K8S-LB-IPMODE-GATE': fact(
    'Before v1.30 kube-proxy does not read ipMode (the LoadBalancerIPMode feature gate is alpha and off in v1.29, on by default as of v1.30, GA in v1.32): an ingress IP with ipMode Proxy gets the same rules as a VIP.',
    {
      source: 'pkg/features/kube_features.go',
      case: 'LoadBalancerIPMode: 1.29 Alpha default false, 1.30 Beta default true, 1.32 GA',
    },
    { source: NFT, case: 'TestLoadBalancerIngressRouteTypeProxy/LoadBalancerIPMode disabled, ipMode Proxy' },
  ),
  'K8S-LB-HOSTNAME': inference(
    "A load balancer known only by hostname (status.loadBalancer.ingress[].hostname, the AWS default) gets no kube-proxy rule, which is programmed for ingress IPs only: traffic goes through the real load balancer to the nodes' NodePort (or to the pods), and whether the client's address reaches the node depends on the load balancer (a proxy replaces it).",
    { source: SP, case: 'LoadBalancerVIPs (ingress IPs only)' },
    {
      source: 'https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer',
      case: 'status.loadBalancer.ingress',
    },
  ),
  'K8S-LB-POD-TARGETS': inference(
    "A load balancer that targets pods (container-native, e.g. the AWS Load Balancer Controller's target type ip) sends traffic straight to the ready pods' IPs: kube-proxy and the nodes' NodePorts are not on the path, and externalTrafficPolicy does not apply; the address the pod sees depends on the load balancer.",
    {
      source: 'https://kubernetes-sigs.github.io/aws-load-balancer-controller/v2.5/guide/service/nlb/',
      case: 'IP mode: "the AWS NLB targets traffic directly to the Kubernetes pods behind the service"',
    },
    { source: 'https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-nodeport-allocation' },
  ),
  'K8S-LB-TARGET-UNKNOWN': inference(
    'Without a NodePort (spec.allocateLoadBalancerNodePorts: false) a load balancer must deliver either straight to the pods or to the nodes with its own address kept; which one, the Service does not say.',
    { source: 'https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-nodeport-allocation' },
  ),
  'K8S-LB-CLOUD-SOURCE-RANGES': inference(
    "The service.beta.kubernetes.io/load-balancer-source-ranges annotation is a cloud load balancer's allowlist, read by cloud providers only when spec.loadBalancerSourceRanges is empty; kube-proxy reads only the spec field. Not every provider supports it (AWS and GCE do).",
    {
      source: 'pkg/api/service/annotations.go',
      case: 'AnnotationLoadBalancerSourceRangesKey: "Not all cloud providers support this annotation, though AWS & GCE do."',
    },
    { source: 'staging/src/k8s.io/cloud-provider/service/helpers/helper.go', case: 'GetLoadBalancerSourceRanges' },
    { source: SP, case: 'LoadBalancerSourceRanges (spec field only)' },
  ),
  'K8S-ASYMMETRIC-RETURN': inference(
    "A connection DNATed without masquerade on a node other than the client's and the endpoint's fails: the reply bypasses the node that holds the conntrack entry.",
    { source: SOURCE_IP_DOC, case: 'Source IP for Services with Type=NodePort' },
  ),
  'K8S-EIP-NAT': inference(
    "A node's public EIP is 1:1 NATed to its primary internal IP before the packet reaches the node.",
    { source: 'https://kubernetes.io/docs/concepts/architecture/nodes/#addresses', case: 'ExternalIP' },
  ),
  'IMPORT-REDACTED-VALUE': inference(
    'A value the imported dump redacted (a support bundle writes ***HIDDEN***) is unknown: an answer that depends on it cannot be given.',
    { source: 'https://troubleshoot.sh/docs/redact/', case: 'MASK_TEXT ***HIDDEN***' },
  ),
  'K8S-EXTERNAL-IP-ROUTING': inference(
    'Which node receives traffic for an externalIP from outside the cluster depends on routing the cluster does not describe.',
    { source: 'https://kubernetes.io/docs/concepts/services-networking/service/#external-ips' },
  ),
  'K8S-INTERNET-EGRESS': inference(
    'Reaching a public address from inside the VPC needs internet egress (NAT gateway or EIP) the model does not describe.',
    { source: 'https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer' },
  ),
  'K8S-CLIENT-FAMILY': fact('A client can only use addresses of an IP family it has an address in.', {
    source: 'https://kubernetes.io/docs/concepts/services-networking/dual-stack/',
  }),
  'K8S-NAMED-TARGET-PORT': fact(
    'A named targetPort resolves per pod against its container ports; pods without the name get no endpoint.',
    { source: 'pkg/controller/endpointslice/reconciler.go', case: 'podutil.FindPort' },
  ),
  'K8S-SERVICEPORT-PREDICATES': fact(
    'ExternallyAccessible / UsesClusterEndpoints / UsesLocalEndpoints decide which endpoint sets a Service port needs.',
    { source: SP, case: 'ExternallyAccessible, UsesClusterEndpoints, UsesLocalEndpoints' },
  ),
  'K8S-POD-IP-DIRECT': fact(
    "A packet to a pod's own IP is no Service address: kube-proxy leaves it alone (no DNAT, no masquerade) and the pod network delivers it with the client's address; the two ends' NetworkPolicies decide.",
    {
      source: 'https://kubernetes.io/docs/concepts/services-networking/',
      case: 'The Kubernetes network model ("pods can communicate with all other pods on any other node without NAT")',
    },
    { source: NETPOL_DOC, case: 'The two sorts of pod isolation' },
  ),
  'K8S-ADDRESS-DIRECT': inference(
    "A packet to an address outside the cluster: only the client pod's egress policies are modelled; whether the network routes it, and whether the network plugin masquerades the pod's address on the way out, are not.",
    { source: NETPOL_DOC, case: 'Behavior of to and from selectors (ipBlock: "cluster-external IPs")' },
  ),
} as const satisfies Record<string, RuleSpec>;

const NETPOL_E2E = 'test/e2e/network/netpol/network_policy.go';
const NETPOL_TYPES = 'staging/src/k8s.io/api/networking/v1/types.go';

const NETWORK_POLICY_RULES = {
  'K8S-NETPOL-NOT-ENFORCED': fact(
    'The network plugin does not enforce NetworkPolicy: stored policies have no effect and every connection is allowed as far as policy goes.',
    {
      source: NETPOL_DOC,
      case: 'Prerequisites ("Creating a NetworkPolicy resource without a controller that implements it will have no effect")',
    },
  ),
  'K8S-NETPOL-NOT-A-POD': fact(
    'NetworkPolicy isolates pods only: an end that is not a pod (a node, an external address) has no ingress or egress policy of its own.',
    {
      source: NETPOL_DOC,
      case: 'The NetworkPolicy resource (podSelector selects the pods to which the policy applies)',
    },
    { source: NETPOL_TYPES, case: 'NetworkPolicySpec.PodSelector' },
  ),
  'K8S-NETPOL-NOT-ISOLATED': fact(
    'A pod is isolated for ingress (egress) only when some NetworkPolicy in its namespace selects it (podSelector; {} = every pod of the namespace) and has Ingress (Egress) in policyTypes; policyTypes left empty default to Ingress, plus Egress when the policy has egress rules. A pod not isolated for a direction allows all traffic in that direction.',
    { source: NETPOL_DOC, case: 'Isolated and Non-isolated Pods' },
    { source: 'pkg/apis/networking/v1/defaults.go', case: 'SetDefaults_NetworkPolicy' },
    {
      source: NETPOL_E2E,
      case: "should support a 'default-deny-ingress' policy (X-to-Y and Y-to-Y traffic remain allowed)",
    },
  ),
  'K8S-NETPOL-ALLOWED': fact(
    "Policies are additive: an isolated pod allows a connection when some rule of some policy selecting it for that direction matches both a peer and a port. A rule without peers matches every peer, without ports every port; a peer with podSelector and namespaceSelector selects those pods in those namespaces (AND), podSelector alone pods of the policy's namespace, namespaceSelector alone every pod of the matching namespaces, ipBlock the addresses in cidr minus except; a port matches its protocol, every port when port is unset, port..endPort inclusive, or a named port resolved on the destination pod's container ports.",
    { source: NETPOL_DOC, case: 'Behavior of to and from selectors' },
    { source: NETPOL_DOC, case: 'Targeting a range of ports' },
    {
      source: NETPOL_TYPES,
      case: 'NetworkPolicyIngressRule, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicyPort, IPBlock',
    },
    {
      source: NETPOL_E2E,
      case: 'should enforce multiple ingress policies with ingress allow-all policy taking precedence',
    },
    { source: NETPOL_E2E, case: 'should enforce policy based on PodSelector and NamespaceSelector' },
    { source: NETPOL_E2E, case: 'should allow ingress access on one named port' },
  ),
  'K8S-NETPOL-DENIED-INGRESS': fact(
    'The destination pod is isolated for ingress and no ingress rule of the policies selecting it allows this source, port and protocol (an empty ingress list allows nothing): the connection is dropped.',
    { source: NETPOL_DOC, case: 'Default deny all ingress traffic' },
    { source: NETPOL_E2E, case: "should support a 'default-deny-ingress' policy" },
    { source: NETPOL_E2E, case: 'should not allow access by TCP when a policy specifies only UDP' },
  ),
  'K8S-NETPOL-DENIED-EGRESS': fact(
    "The source pod is isolated for egress and no egress rule of the policies selecting it allows this destination, port and protocol (an empty egress list allows nothing): the connection is dropped, whatever the destination's ingress policy allows.",
    { source: NETPOL_DOC, case: 'Default deny all egress traffic' },
    { source: NETPOL_E2E, case: 'should deny egress from all pods in a namespace' },
    {
      source: NETPOL_E2E,
      case: 'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    },
  ),
  'K8S-NETPOL-NODE-EXCEPTION': fact(
    "Traffic between a pod and the node it runs on (the node's addresses, which hostNetwork pods on it share) is always allowed, whatever the pod's policies.",
    {
      source: NETPOL_DOC,
      case: 'overview: "traffic to and from the node where a Pod is running is always allowed, regardless of the IP address of the Pod or the node"',
    },
    { source: NETPOL_TYPES, case: 'NetworkPolicySpec.Ingress ("OR if the traffic source is the pod\'s local node")' },
  ),
  'K8S-NETPOL-HOST-NETWORK': inference(
    "hostNetwork pods are not selected by NetworkPolicy (podSelector or peer selectors); their traffic is treated as the node's. The documentation leaves this undefined and names it the most common implementation.",
    { source: NETPOL_DOC, case: 'NetworkPolicy and hostNetwork pods' },
  ),
  'K8S-NETPOL-SAME-POD': fact(
    'A pod cannot block access to itself: a connection from a pod to itself is allowed whatever its policies.',
    { source: NETPOL_DOC, case: 'overview: "a pod cannot block access to itself"' },
    {
      source: NETPOL_E2E,
      case: 'ignoreLoopback (kubernetes/kubernetes#95879: CNIs differ on loopback through a Service)',
    },
  ),
  'K8S-NETPOL-IPBLOCK-POD-IP': inference(
    'An ipBlock matched the address of a pod: upstream conformance tests expect that to work, but the documentation says ipBlock is meant for cluster-external addresses and some network plugins (Cilium) never match pod addresses with ipBlock, so this allowance depends on the CNI.',
    { source: NETPOL_DOC, case: 'Behavior of to and from selectors (ipBlock: "These should be cluster-external IPs")' },
    { source: NETPOL_E2E, case: 'should allow egress access to server in CIDR block' },
    { source: 'https://github.com/cilium/cilium/issues/9209' },
  ),
} as const satisfies Record<string, RuleSpec>;

export type NetworkPolicyRuleId = keyof typeof NETWORK_POLICY_RULES;

const CCE_ONLY: readonly Profile[] = ['CCE'];
const CCE_BOTH: readonly Profile[] = ['CCE', 'CCE_TURBO'];
const TURBO: readonly Profile[] = ['CCE_TURBO'];
const T1 = 'Table 1 Comparison of the two types of service affinity';
const WHY = 'Why a Service Fail to Be Accessed from Within the Cluster';
const PASS = 'Why a Service Fail to Be Accessed from Within the Cluster, pass-through notes';

function cceFact(profiles: readonly Profile[], statement: string, ...cases: string[]): RuleSpec {
  return { statement, evidence: cases.map((c) => ({ source: CCE_PAGE, case: c })), inferred: false, profiles };
}
function cceInference(profiles: readonly Profile[], statement: string, ...cases: string[]): RuleSpec {
  return { statement, evidence: cases.map((c) => ({ source: CCE_PAGE, case: c })), inferred: true, profiles };
}

const PROFILE_RULES = {
  'K8S-NETPOL-ENFORCED-DEFAULT': inference(
    'The cluster does not say whether its network plugin enforces NetworkPolicy (networkPolicyEnforced unset): for plain Kubernetes the answer assumes it does, as the upstream conformance tests do. Set networkPolicyEnforced false for a plugin that does not (kubenet, flannel alone).',
    { source: NETPOL_DOC, case: 'Prerequisites ("Network policies are implemented by the network plugin")' },
    { source: NETPOL_E2E },
  ),
  'CCE-NETPOL-TUNNEL': {
    ...fact(
      "A CCE cluster on the container tunnel network enforces NetworkPolicy (the tunnel network's add-on implements network policy-based isolation).",
      {
        source: 'https://support.huaweicloud.com/intl/en-us/bestpractice-cce/cce_bestpractice_00162.html',
        case: 'Selecting a Network: tunnel network ("advanced features, such as network policy-based isolation")',
      },
    ),
    profiles: CCE_BOTH,
  },
  'CCE-NETPOL-DATAPLANE-V2': {
    ...inference(
      'On the VPC network and Cloud Native Network 2.0, CCE enforces NetworkPolicy only with DataPlane V2 (Cilium, eBPF), which can be enabled only when the cluster is created and is off unless chosen: the answer assumes it is off. Set networkPolicyEnforced true for a cluster created with DataPlane V2.',
      {
        source: 'https://support.huaweicloud.com/intl/en-us/usermanual-cce/cce_10_0945.html',
        case: 'DataPlane V2 ("can be enabled in clusters that use VPC networks or Cloud Native Network 2.0 … to enable features like … NetworkPolicy"; "can only be enabled for new clusters")',
      },
    ),
    profiles: CCE_BOTH,
  },
  'CCE-UPSTREAM-FALLBACK': {
    statement:
      'The CCE page says nothing specific about this case; the answer uses upstream Kubernetes semantics plus the CCE data-plane facts.',
    evidence: [{ source: CCE_PAGE }],
    inferred: true,
    profiles: ['CCE', 'CCE_TURBO'],
  },
  'CCE-AFFINITY-CLUSTER': cceFact(
    CCE_BOTH,
    "externalTrafficPolicy Cluster (cluster-level affinity): every node's IP and port reach the workload; the client source IP cannot be obtained; the next hop may be another node (route redirection, performance loss); load is balanced well; no other special case.",
    `${T1}, column "Cluster-level (Cluster)"`,
  ),
  'CCE-AFFINITY-LOCAL': cceFact(
    CCE_BOTH,
    'externalTrafficPolicy Local (node-level affinity): only the IP and port of a node where the workload runs reach it; the client source IP is obtained (no source address translation); no route redirection; risk of unbalanced traffic; access from within the cluster may fail (failure table).',
    `${T1}, column "Node-level (Local)"`,
  ),
  'CCE-AFFINITY-SHARES': cceInference(
    CCE_BOTH,
    'Expected share per backend pod with Local: the load balancer spreads evenly over the nodes with a ready backend, and each node evenly over its own backends (so a pod alone on its node gets more). The page only says the risk exists; the arithmetic is inferred.',
    `${T1}, row "Load balancing"`,
  ),
  'CCE-T2-NOT-LISTED': cceFact(
    CCE_ONLY,
    'The failure table lists only the scenarios where the access may fail; scenarios not listed succeed.',
    `${WHY}, note "The table lists only the scenarios where the access may fail. Other scenarios that are not listed in the table indicate that the access is normal."`,
  ),
  'CCE-T2-MULTI-POD': cceFact(
    CCE_ONLY,
    'For a multi-pod workload every pod must be accessible, otherwise access to the workload may fail: connections landing on pods whose cell fails fail.',
    `${WHY}, note "For a multi-pod workload, ensure that all pods are accessible. Otherwise, there is a possibility that the access to the workload fails."`,
  ),
  'CCE-T2-NO-COLUMN': cceInference(
    CCE_BOTH,
    'The failure table has columns for tunnel and VPC networks with iptables or IPVS only; for this cluster (Cloud Native 2.0 network, or nftables) the page is silent and upstream kube-proxy semantics apply.',
    `${WHY}, table columns`,
  ),
  'CCE-LB-KUBE-PROXY-INTERCEPT': cceFact(
    CCE_BOTH,
    "kube-proxy adds the load balancer's address as an external IP to iptables/IPVS: a request from inside the cluster to it is forwarded by kube-proxy without passing through the load balancer.",
    `${WHY}, "It is common that a load balancer in a cluster cannot be accessed. The reason is as follows"`,
  ),
  'CCE-MECH-LB-ALL-ENDPOINTS': cceInference(
    CCE_ONLY,
    "In-cluster traffic to an eTP Local load-balancer address is forwarded by kube-proxy to any endpoint of the Service (IPVS mode too): the page lists access from other nodes as normal, which only holds if such traffic is not restricted to the client node's own endpoints.",
    `${WHY}, LoadBalancer rows and "not listed" note`,
  ),
  'CCE-MECH-REMOTE-HOST-IPTABLES': cceInference(
    CCE_ONLY,
    "iptables columns: the page says access from the host of a node without the backend pod to any IP:NodePort succeeds; the engine forwards another cluster node's host traffic like the node's own (to any endpoint, masqueraded). The mechanism is not documented.",
    `${WHY}, row "NodePort Service / Public/Private network / Different nodes from the service pod", iptables columns`,
  ),
  'CCE-MECH-VPC-SAME-NODE-CONTAINER': cceInference(
    CCE_ONLY,
    "VPC network: a container on the backend's node fails even through that node's own IP:NodePort; presumably the backend's reply to a container on the same node is delivered over the node-local VPC route and misses the reverse translation. The verdict is documented; the mechanism is inferred.",
    `${WHY}, row "NodePort Service / Public/Private network / Other containers on the same node as the service pod", VPC columns`,
  ),
  'CCE-MECH-LB-SAME-NODE': cceInference(
    CCE_ONLY,
    "Dedicated ELB private IP from the backend's own node (host or another container): kube-proxy answers it in the node and the backend's reply on the same node misses the reverse translation. The verdict is documented; the mechanism is inferred.",
    `${WHY}, rows "LoadBalancer Service using a dedicated load balancer"`,
  ),
  'CCE-ELB-DEDICATED': cceFact(
    CCE_BOTH,
    "kubernetes.io/elb.class: performance is a dedicated load balancer; the failure table's LoadBalancer rows speak of dedicated load balancers.",
    `${WHY}, row "LoadBalancer Service using a dedicated load balancer"`,
  ),
  'CCE-ELB-SHARED-INFERRED': cceInference(
    CCE_BOTH,
    "kubernetes.io/elb.class: union is a shared load balancer. The table documents dedicated load balancers only; because kube-proxy intercepts every load balancer's address from inside the cluster and the page's own pass-through example uses a shared load balancer, the dedicated rows are applied to shared load balancers too. This is inferred, not documented.",
    `${WHY}, "It is common that a load balancer in a cluster cannot be accessed"`,
    `${PASS}, example with kubernetes.io/elb.class: union`,
  ),
  'CCE-ELB-CLASS-MISSING': cceInference(
    CCE_BOTH,
    'No (known) kubernetes.io/elb.class annotation: the load balancer is treated as a shared (union) one.',
    `${PASS}, example annotations`,
  ),
  'CCE-ELB-PASSTHROUGH': cceFact(
    CCE_BOTH,
    'ELB pass-through (kubernetes.io/elb.pass-through: "true"): kube-proxy is bypassed when the ELB address is used for access; the ELB is accessed first, then the workload.',
    `${WHY}, remedy "Leveraging the pass-through feature of the Service"`,
  ),
  'CCE-ELB-PASSTHROUGH-DEDICATED-LIMIT': cceFact(
    CCE_ONLY,
    'In a CCE standard cluster, after pass-through is configured for a dedicated load balancer, its private IP cannot be accessed from the node where the workload pod resides or from other containers on that node.',
    `${PASS}, "In a CCE standard cluster, after passthrough networking is configured for a dedicated load balancer ..."`,
  ),
  'CCE-ELB-PASSTHROUGH-UNSUPPORTED-VERSION': cceFact(
    CCE_BOTH,
    'Pass-through is not supported for clusters of v1.15 or earlier.',
    `${PASS}, "Passthrough networking is not supported for clusters of v1.15 or earlier."`,
  ),
  'CCE-ELB-PASSTHROUGH-IPVS-SAME-LB': cceFact(
    CCE_BOTH,
    'In IPVS mode, the pass-through settings of Services connected to the same load balancer must be the same.',
    `${PASS}, "In IPVS network mode, the passthrough settings of Services connected to the same load balancer must be the same."`,
  ),
  'CCE-ELB-PASSTHROUGH-ONLYLOCAL': cceFact(
    CCE_BOTH,
    'With node-level (Local) affinity, kubernetes.io/elb.pass-through is automatically set to onlyLocal to enable pass-through.',
    `${PASS}, "If node-level (local) service affinity is used, kubernetes.io/elb.pass-through is automatically set to onlyLocal"`,
  ),
  'CCE-TURBO-LOCAL-HOSTNETWORK': cceFact(
    TURBO,
    'In a CCE Turbo cluster (Cloud Native 2.0 network), node-level affinity (externalTrafficPolicy Local) is supported only when the Service backend is a HostNetwork pod.',
    `${WHY}, note "In a CCE Turbo cluster that utilizes a Cloud Native 2.0 network model, node-level affinity is supported only when the Service backend is connected to a HostNetwork pod."`,
  ),
  'CCE-TURBO-LOCAL-UNSUPPORTED-BACKEND': cceInference(
    TURBO,
    "A non-HostNetwork backend behind an externalTrafficPolicy Local Service on CCE Turbo is an unsupported configuration: connections through the Service's external addresses to it are not counted as working.",
    `${WHY}, note on CCE Turbo node-level affinity`,
  ),
} as const satisfies Record<string, RuleSpec>;

const CCE_CELL_RULES: Record<CceCellRuleId, RuleSpec> = cellRuleSpecs();

const SPECS = { ...KUBERNETES_RULES, ...NETWORK_POLICY_RULES, ...PROFILE_RULES, ...CCE_CELL_RULES };

export type RuleId = keyof typeof SPECS;

export const RULES: Readonly<Record<RuleId, Rule>> = Object.freeze(
  Object.fromEntries(Object.entries(SPECS).map(([id, spec]) => [id, Object.freeze({ id, ...spec })])) as Record<
    RuleId,
    Rule
  >,
);

export function ruleById(id: RuleId): Rule {
  return RULES[id];
}

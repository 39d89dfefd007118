// Rows transcribed from the Kubernetes documentation's NetworkPolicy examples (issue 14, item 7):
// the concept page https://kubernetes.io/docs/concepts/services-networking/network-policies/
// (kubernetes/website content/en/docs/concepts/services-networking/network-policies.md) with its
// example manifests under content/en/examples/service/networking/, and the task page
// https://kubernetes.io/docs/tasks/administer-cluster/declare-network-policy/ (the nginx
// `access-nginx` walkthrough). Companion of cases-netpol.ts (the upstream e2e suite); its
// manifest shapes and networkPolicyModel() are reused here.
//
// Versions read.
// - Concept page: the stored copy of network-policies.md with the sections "The two sorts of pod
//   isolation", "Targeting a range of ports" (feature-state v1.25 stable), "Targeting multiple
//   namespaces by label" and "Targeting a Namespace by its name" (22,863 characters, stored-file id
//   756788330). The older copy stored for kubernetes/website itself (commit a799505a, 15,648
//   characters) predates the last two sections; the statements used below read the same in both
//   where both have them.
// - Example manifests: kubernetes/website networkpolicy.yaml (commit 3842a284),
//   network-policy-default-deny-ingress.yaml (57121873), network-policy-allow-all-ingress.yaml
//   (7a090ad7), network-policy-default-deny-egress.yaml (7a090ad7),
//   network-policy-allow-all-egress.yaml (81dca134), network-policy-default-deny-all.yaml (7a090ad7),
//   networkpolicy-multiport-egress.yaml (32b80366).
// - Task page: the rendered release-1.34 page (https://kubernetes.io/docs/tasks/administer-cluster/
//   declare-network-policy/, "Last modified April 23, 2026"), whose nginx-policy.yaml selects
//   `app: nginx` and whose note says "this policy selects Pods with the label `app=nginx`". The
//   nginx-policy.yaml stored for kubernetes/website main (commit 3389c10e) selects
//   `app.kubernetes.io/name: nginx` instead; the page's prose (`kubectl create deployment nginx`,
//   which labels the pod app=nginx) goes with the release-1.34 manifest, so that one is used.
//
// Rules of the transcription.
// - Each manifest is written as the YAML has it (cases-netpol.ts NetworkPolicy shape: absent
//   fields absent) and stored with networkPolicyModel(): policyTypes left out stays [] (defaulted as
//   the API server does), a port without protocol is TCP. Manifests without metadata.namespace are
//   created in `default` (kubectl's namespace when none is given).
// - The "Behavior of `to` and `from` selectors" snippets are fragments (`...` around an ingress
//   list). Only their `ingress` is the page's; the wrapper (name, namespace default,
//   podSelector app=server) is this file's, and says so.
// - "Targeting a Namespace by its name" has no manifest: its policy here is the "Targeting multiple
//   namespaces by label" manifest with the standardized key kubernetes.io/metadata.name instead of
//   the hand-set `namespace` key, as the section's sentence describes. It is marked as constructed.
// - Clusters: the pods and namespace labels each example names; two nodes; pod IPs in
//   10.244.0.0/16 (never inside a CIDR an example allows, so no ipBlock matches a pod), Service IPs
//   in 10.96.0.0/12, external addresses from 172.17.0.0/16 / 10.0.0.0/24 (the examples' own CIDRs)
//   and 203.0.113.0/24.
// - A row is one probe (from, to, port, protocol) with the verdict the documentation states, and
//   the sentence(s) that state it, verbatim, in `case`. A probe to a pod is on its container port
//   (what NetworkPolicy sees after Service DNAT). Where the page's sentence is about an isolated pod,
//   the denial of a connection its rules do not list rests on the page's definition of isolation
//   (quoted with it). No row is written for a pair the page says nothing about.
// - `deniedBy` is exactly the direction(s) the quoted statements deny; the other end of such a row
//   is never isolated in the other direction (an unselected pod, which the page says allows all,
//   or not a pod), so the other direction must allow.
// - `service`: rows also checked end-to-end through reachability() via this ClusterIP Service in
//   front of the destination pod (port = targetPort = the row's port).
import type {
  ClusterModel,
  NamespaceModel,
  NetworkPolicyModel,
  NodeModel,
  PodModel,
  PolicyType,
  Protocol,
  ServiceModel,
} from '../model';
import { NAMESPACE_LABEL_KEY, networkPolicyModel, newPodString, type NetworkPolicy } from './cases-netpol';

export const CONCEPT_PAGE = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';
export const TASK_PAGE = 'https://kubernetes.io/docs/tasks/administer-cluster/declare-network-policy/';
const EXAMPLES = 'content/en/examples/service/networking/';

/** A party of a probe: `ns/pod`, `node:<name>` (the node's first internal IP) or `ip:<address>` (outside the cluster). */
export type Party = string;

export interface DocsSource {
  /** The page and section anchor. */
  readonly url: string;
  /** The section heading, as on the page. */
  readonly section: string;
  /** The example manifest (kubernetes/website path), or null when the policy is inline or constructed. */
  readonly file: string | null;
}

/** One cluster state: the cluster the example's manifests and kubectl steps produce. */
export interface DocsScenario {
  readonly name: string;
  /** What was applied, as the page does it (kubectl apply / label / run). */
  readonly steps: readonly string[];
  readonly cluster: ClusterModel;
}

export interface DocsNetpolRow {
  /** Unique, `<example>-<n>`. */
  readonly id: string;
  readonly example: string;
  readonly source: DocsSource;
  /** The sentence(s) of the page that state this verdict, verbatim. */
  readonly case: string;
  readonly scenario: DocsScenario;
  readonly from: Party;
  readonly to: Party;
  readonly port: number;
  readonly protocol: Protocol;
  /** The documented verdict for the connection. */
  readonly allowed: boolean;
  /** For a denied row: the direction(s) the documentation denies it in ([] when allowed). */
  readonly deniedBy: readonly PolicyType[];
  /** `ns/name` of a ClusterIP Service in front of `to`: also checked through reachability(). */
  readonly service: string | null;
}

// ---------------------------------------------------------------------------------------------
// Sentences used by several examples (concept page, "The two sorts of pod isolation", and the list
// of identifiers at the top of the page).
// ---------------------------------------------------------------------------------------------

const ISOLATED_INGRESS =
  "When a pod is isolated for ingress, the only allowed connections into the pod are those from the pod's node and those allowed by the `ingress` list of some NetworkPolicy that applies to the pod for ingress.";
const ISOLATED_EGRESS =
  'When a pod is isolated for egress, the only allowed connections from the pod are those allowed by the `egress` list of some NetworkPolicy that applies to the pod for egress.';
const NON_ISOLATED_INGRESS = 'By default, a pod is non-isolated for ingress; all inbound connections are allowed.';
const NON_ISOLATED_EGRESS = 'By default, a pod is non-isolated for egress; all outbound connections are allowed.';
const SELF = 'Other pods that are allowed (exception: a pod cannot block access to itself)';
const OWN_NODE =
  'IP blocks (exception: traffic to and from the node where a Pod is running is always allowed, regardless of the IP address of the Pod or the node)';
const POD_SELECTOR_PEER =
  '**podSelector**: This selects particular Pods in the same namespace as the NetworkPolicy which should be allowed as ingress sources or egress destinations.';

// ---------------------------------------------------------------------------------------------
// Cluster fixture
// ---------------------------------------------------------------------------------------------

export const DOCS_NODES: readonly NodeModel[] = [1, 2].map((n) => ({
  name: `docs-node-${n}`,
  internalIps: [`192.168.0.${10 + n}`],
  externalIp: null,
  podCidrs: [`10.244.${n}.0/24`],
  labels: {},
}));

interface PodSpec {
  readonly ns: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Container ports; default: http 80/TCP. */
  readonly ports?: readonly { readonly name: string; readonly containerPort: number; readonly protocol?: Protocol }[];
}

interface ServiceSpec {
  readonly ns: string;
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly port: number;
  readonly clusterIp: string;
}

interface ScenarioSpec {
  readonly name: string;
  readonly steps: readonly string[];
  /** Namespaces and the labels set on them (kubernetes.io/metadata.name is added, as the API server does; `stored: false` leaves the namespace out of the model). */
  readonly namespaces: readonly {
    readonly name: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly stored?: boolean;
  }[];
  readonly pods: readonly PodSpec[];
  /** Manifests with the namespace they are created in. */
  readonly policies: readonly (readonly [NetworkPolicy, string])[];
  readonly services?: readonly ServiceSpec[];
}

function scenario(spec: ScenarioSpec): DocsScenario {
  const namespaces: NamespaceModel[] = spec.namespaces
    .filter((n) => n.stored !== false)
    .map((n) => ({ name: n.name, labels: { ...(n.labels ?? {}), [NAMESPACE_LABEL_KEY]: n.name } }));
  const pods: PodModel[] = spec.pods.map((p, i) => {
    const node = i % DOCS_NODES.length;
    return {
      namespace: p.ns,
      name: p.name,
      labels: { ...p.labels },
      nodeName: DOCS_NODES[node].name,
      ips: [`10.244.${node + 1}.${10 + i}`],
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      terminating: false,
      containerPorts: (p.ports ?? [{ name: 'http', containerPort: 80 }]).map((c) => ({
        name: c.name,
        containerPort: c.containerPort,
        protocol: c.protocol ?? 'TCP',
      })),
    };
  });
  const services: ServiceModel[] = (spec.services ?? []).map((s) => ({
    namespace: s.ns,
    name: s.name,
    type: 'ClusterIP',
    selector: { ...s.selector },
    ports: [{ name: null, protocol: 'TCP', port: s.port, targetPort: s.port, nodePort: null }],
    clusterIps: [s.clusterIp],
    externalIps: [],
    loadBalancerIngress: [],
    loadBalancerSourceRanges: [],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    healthCheckNodePort: null,
    publishNotReadyAddresses: false,
    labels: {},
    annotations: {},
  }));
  const networkPolicies: NetworkPolicyModel[] = spec.policies.map(([policy, ns]) => networkPolicyModel(policy, ns));
  return {
    name: spec.name,
    steps: spec.steps,
    cluster: {
      name: 'netpol-docs',
      profile: 'KUBERNETES',
      kubernetesVersion: '1.34',
      networkModel: 'VPC',
      proxyMode: 'IPTABLES',
      clusterCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.96.0.0/12'],
      nodePortRange: { min: 30000, max: 32767 },
      kubeProxy: {
        masqueradeAll: false,
        localDetector: 'CLUSTER_CIDR',
        nodePortAddresses: [],
        localhostNodePorts: true,
      },
      nodes: DOCS_NODES,
      pods,
      services,
      endpointSlices: [],
      namespaces,
      networkPolicies,
      networkPolicyEnforced: true,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Row builder
// ---------------------------------------------------------------------------------------------

type Verdict = 'allowed' | 'denied:Ingress' | 'denied:Egress' | 'denied:Egress+Ingress';
type Probe = `${Protocol}/${number}`;

interface RowSpec {
  readonly from: Party;
  readonly to: Party;
  readonly probe: Probe;
  readonly verdict: Verdict;
  readonly quote: readonly string[];
  readonly service?: string;
}

const rows: DocsNetpolRow[] = [];

function example(name: string, source: DocsSource, sc: DocsScenario, specs: readonly RowSpec[]): void {
  specs.forEach((r, i) => {
    const [protocol, port] = r.probe.split('/') as [Protocol, string];
    const deniedBy: PolicyType[] =
      r.verdict === 'allowed' ? [] : (r.verdict.slice('denied:'.length).split('+') as PolicyType[]);
    rows.push({
      id: `${name}-${i + 1}`,
      example: name,
      source,
      case: r.quote.map((q) => `"${q}"`).join(' '),
      scenario: sc,
      from: r.from,
      to: r.to,
      port: Number(port),
      protocol,
      allowed: r.verdict === 'allowed',
      deniedBy,
      service: r.service ?? null,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The NetworkPolicy resource: service/networking/networkpolicy.yaml
// ---------------------------------------------------------------------------------------------

const TEST_NETWORK_POLICY: NetworkPolicy = {
  name: 'test-network-policy', // namespace: default
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } } },
          { podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ],
    egress: [
      {
        to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
        ports: [{ protocol: 'TCP', port: 5978 }],
      },
    ],
  },
};

{
  const sc = scenario({
    name: 'networkpolicy.yaml in default',
    steps: ['kubectl apply -f https://k8s.io/examples/service/networking/networkpolicy.yaml'],
    namespaces: [{ name: 'default' }, { name: 'myproject', labels: { project: 'myproject' } }, { name: 'other' }],
    pods: [
      { ns: 'default', name: 'db', labels: { role: 'db' }, ports: [{ name: 'redis', containerPort: 6379 }] },
      { ns: 'default', name: 'frontend', labels: { role: 'frontend' } },
      { ns: 'default', name: 'cache', labels: { role: 'cache' } },
      { ns: 'myproject', name: 'client', labels: { app: 'client' } },
      { ns: 'other', name: 'frontend', labels: { role: 'frontend' } },
    ],
    policies: [[TEST_NETWORK_POLICY, 'default']],
  });
  const ISOLATES =
    "isolates `role=db` pods in the `default` namespace for both ingress and egress traffic (if they weren't already isolated)";
  const INGRESS =
    '(Ingress rules) allows connections to all pods in the `default` namespace with the label `role=db` on TCP port 6379 from:';
  const FROM_FRONTEND = 'any pod in the `default` namespace with the label `role=frontend`';
  const FROM_PROJECT = 'any pod in a namespace with the label `project=myproject`';
  const FROM_IPS =
    'IP addresses in the ranges `172.17.0.0`–`172.17.0.255` and `172.17.2.0`–`172.17.255.255` (ie, all of `172.17.0.0/16` except `172.17.1.0/24`)';
  const EGRESS =
    '(Egress rules) allows connections from any pod in the `default` namespace with the label `role=db` to CIDR `10.0.0.0/24` on TCP port 5978';
  example(
    'networkpolicy-resource',
    {
      url: `${CONCEPT_PAGE}#networkpolicy-resource`,
      section: 'The NetworkPolicy resource',
      file: `${EXAMPLES}networkpolicy.yaml`,
    },
    sc,
    [
      {
        from: 'default/frontend',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'allowed',
        quote: [INGRESS, FROM_FRONTEND],
      },
      {
        from: 'myproject/client',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'allowed',
        quote: [INGRESS, FROM_PROJECT],
      },
      { from: 'ip:172.17.0.0', to: 'default/db', probe: 'TCP/6379', verdict: 'allowed', quote: [INGRESS, FROM_IPS] },
      { from: 'ip:172.17.0.255', to: 'default/db', probe: 'TCP/6379', verdict: 'allowed', quote: [INGRESS, FROM_IPS] },
      { from: 'ip:172.17.2.0', to: 'default/db', probe: 'TCP/6379', verdict: 'allowed', quote: [INGRESS, FROM_IPS] },
      {
        from: 'ip:172.17.255.255',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'allowed',
        quote: [INGRESS, FROM_IPS],
      },
      {
        from: 'ip:172.17.1.0',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, FROM_IPS, ISOLATED_INGRESS],
      },
      {
        from: 'ip:172.17.1.255',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, FROM_IPS, ISOLATED_INGRESS],
      },
      {
        from: 'ip:172.18.0.10',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, FROM_IPS, ISOLATED_INGRESS],
      },
      {
        from: 'default/frontend',
        to: 'default/db',
        probe: 'TCP/6380',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, ISOLATED_INGRESS],
      },
      {
        from: 'default/frontend',
        to: 'default/db',
        probe: 'UDP/6379',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, ISOLATED_INGRESS],
      },
      {
        from: 'default/cache',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, FROM_FRONTEND, ISOLATED_INGRESS],
      },
      {
        from: 'other/frontend',
        to: 'default/db',
        probe: 'TCP/6379',
        verdict: 'denied:Ingress',
        quote: [ISOLATES, INGRESS, FROM_FRONTEND, POD_SELECTOR_PEER, ISOLATED_INGRESS],
      },
      { from: 'default/db', to: 'ip:10.0.0.5', probe: 'TCP/5978', verdict: 'allowed', quote: [EGRESS] },
      { from: 'default/db', to: 'ip:10.0.0.255', probe: 'TCP/5978', verdict: 'allowed', quote: [EGRESS] },
      {
        from: 'default/db',
        to: 'ip:10.0.1.5',
        probe: 'TCP/5978',
        verdict: 'denied:Egress',
        quote: [ISOLATES, EGRESS, ISOLATED_EGRESS],
      },
      {
        from: 'default/db',
        to: 'ip:10.0.0.5',
        probe: 'TCP/6379',
        verdict: 'denied:Egress',
        quote: [ISOLATES, EGRESS, ISOLATED_EGRESS],
      },
      {
        from: 'default/db',
        to: 'default/frontend',
        probe: 'TCP/80',
        verdict: 'denied:Egress',
        quote: [ISOLATES, EGRESS, ISOLATED_EGRESS, NON_ISOLATED_INGRESS],
      },
      {
        from: 'default/frontend',
        to: 'default/cache',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [NON_ISOLATED_EGRESS, NON_ISOLATED_INGRESS],
      },
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Behavior of `to` and `from` selectors: one peer with both selectors (AND) vs two peers (OR)
// ---------------------------------------------------------------------------------------------

{
  const namespaces = [
    { name: 'default' },
    { name: 'alice', labels: { user: 'alice' } },
    { name: 'bob', labels: { user: 'bob' } },
  ];
  const pods: PodSpec[] = [
    { ns: 'default', name: 'server', labels: { app: 'server' } },
    { ns: 'default', name: 'client', labels: { role: 'client' } },
    { ns: 'default', name: 'other', labels: { role: 'other' } },
    { ns: 'alice', name: 'client', labels: { role: 'client' } },
    { ns: 'alice', name: 'other', labels: { role: 'other' } },
    { ns: 'bob', name: 'client', labels: { role: 'client' } },
  ];
  const services: ServiceSpec[] = [
    { ns: 'default', name: 'server', selector: { app: 'server' }, port: 80, clusterIp: '10.96.0.20' },
  ];
  // Wrapper (name, namespace, podSelector) is this file's; `ingress` is the page's snippet.
  const andPolicy: NetworkPolicy = {
    name: 'and-example',
    spec: {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } },
          ],
        },
      ],
    },
  };
  const orPolicy: NetworkPolicy = {
    name: 'or-example',
    spec: {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { user: 'alice' } } },
            { podSelector: { matchLabels: { role: 'client' } } },
          ],
        },
      ],
    },
  };
  const source: DocsSource = {
    url: `${CONCEPT_PAGE}#behavior-of-to-and-from-selectors`,
    section: 'Behavior of `to` and `from` selectors',
    file: null,
  };
  const BOTH =
    '**namespaceSelector** *and* **podSelector**: A single `to`/`from` entry that specifies both `namespaceSelector` and `podSelector` selects particular Pods within particular namespaces.';
  const AND =
    'This policy contains a single `from` element allowing connections from Pods with the label `role=client` in namespaces with the label `user=alice`.';
  const OR =
    'It contains two elements in the `from` array, and allows connections from Pods in the local Namespace with the label `role=client`, *or* from any Pod in any namespace with the label `user=alice`.';
  const and = scenario({
    name: 'single from element (namespaceSelector AND podSelector)',
    steps: ['create and-example in default'],
    namespaces,
    pods,
    services,
    policies: [[andPolicy, 'default']],
  });
  example('selectors-and', source, and, [
    {
      from: 'alice/client',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'allowed',
      quote: [AND],
      service: 'default/server',
    },
    {
      from: 'alice/other',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'denied:Ingress',
      quote: [BOTH, AND, ISOLATED_INGRESS],
    },
    {
      from: 'bob/client',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'denied:Ingress',
      quote: [BOTH, AND, ISOLATED_INGRESS],
    },
    {
      from: 'default/client',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'denied:Ingress',
      quote: [BOTH, AND, ISOLATED_INGRESS],
      service: 'default/server',
    },
  ]);
  const or = scenario({
    name: 'two from elements (namespaceSelector OR podSelector)',
    steps: ['create or-example in default'],
    namespaces,
    pods,
    services,
    policies: [[orPolicy, 'default']],
  });
  example('selectors-or', source, or, [
    {
      from: 'default/client',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'allowed',
      quote: [OR],
      service: 'default/server',
    },
    { from: 'alice/client', to: 'default/server', probe: 'TCP/80', verdict: 'allowed', quote: [OR] },
    { from: 'alice/other', to: 'default/server', probe: 'TCP/80', verdict: 'allowed', quote: [OR] },
    {
      from: 'bob/client',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'denied:Ingress',
      quote: [OR, POD_SELECTOR_PEER, ISOLATED_INGRESS],
    },
    {
      from: 'default/other',
      to: 'default/server',
      probe: 'TCP/80',
      verdict: 'denied:Ingress',
      quote: [OR, ISOLATED_INGRESS],
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Default policies: the five manifests (created in `default`; pods a, b there, c in `other`)
// ---------------------------------------------------------------------------------------------

const DEFAULT_DENY_INGRESS: NetworkPolicy = {
  name: 'default-deny-ingress',
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};
const ALLOW_ALL_INGRESS: NetworkPolicy = {
  name: 'allow-all-ingress',
  spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
};
const DEFAULT_DENY_EGRESS: NetworkPolicy = {
  name: 'default-deny-egress',
  spec: { podSelector: {}, policyTypes: ['Egress'] },
};
const ALLOW_ALL_EGRESS: NetworkPolicy = {
  name: 'allow-all-egress',
  spec: { podSelector: {}, egress: [{}], policyTypes: ['Egress'] },
};
const DEFAULT_DENY_ALL: NetworkPolicy = {
  name: 'default-deny-all',
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
};

function defaultsScenario(name: string, files: readonly string[], policies: readonly NetworkPolicy[]): DocsScenario {
  return scenario({
    name,
    steps: files.map((f) => `kubectl apply -f https://k8s.io/examples/service/networking/${f}`),
    namespaces: [{ name: 'default' }, { name: 'other' }],
    pods: [
      { ns: 'default', name: 'a', labels: { app: 'a' } },
      { ns: 'default', name: 'b', labels: { app: 'b' } },
      { ns: 'other', name: 'c', labels: { app: 'c' } },
    ],
    policies: policies.map((p) => [p, 'default'] as const),
    services: [
      { ns: 'default', name: 'a', selector: { app: 'a' }, port: 80, clusterIp: '10.96.0.31' },
      { ns: 'other', name: 'c', selector: { app: 'c' }, port: 80, clusterIp: '10.96.0.33' },
    ],
  });
}

{
  const sc = defaultsScenario(
    'default-deny-ingress in default',
    ['network-policy-default-deny-ingress.yaml'],
    [DEFAULT_DENY_INGRESS],
  );
  const CREATES =
    'You can create a "default" ingress isolation policy for a namespace by creating a NetworkPolicy that selects all pods but does not allow any ingress traffic to those pods.';
  const ENSURES =
    "This ensures that even pods that aren't selected by any other NetworkPolicy will still be isolated for ingress.";
  const NO_EGRESS = 'This policy does not affect isolation for egress from any pod.';
  example(
    'default-deny-ingress',
    {
      url: `${CONCEPT_PAGE}#default-deny-all-ingress-traffic`,
      section: 'Default deny all ingress traffic',
      file: `${EXAMPLES}network-policy-default-deny-ingress.yaml`,
    },
    sc,
    [
      {
        from: 'default/b',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'denied:Ingress',
        quote: [CREATES, ENSURES],
        service: 'default/a',
      },
      { from: 'other/c', to: 'default/a', probe: 'TCP/80', verdict: 'denied:Ingress', quote: [CREATES, ENSURES] },
      {
        from: 'ip:203.0.113.5',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'denied:Ingress',
        quote: [CREATES, ENSURES],
      },
      {
        from: 'default/a',
        to: 'other/c',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [NO_EGRESS, NON_ISOLATED_INGRESS],
      },
      { from: 'default/a', to: 'ip:203.0.113.5', probe: 'TCP/443', verdict: 'allowed', quote: [NO_EGRESS] },
    ],
  );
}

{
  const sc = defaultsScenario(
    'default-deny-ingress and allow-all-ingress in default',
    ['network-policy-default-deny-ingress.yaml', 'network-policy-allow-all-ingress.yaml'],
    [DEFAULT_DENY_INGRESS, ALLOW_ALL_INGRESS],
  );
  const ALLOWS =
    'If you want to allow all incoming connections to all pods in a namespace, you can create a policy that explicitly allows that.';
  const NO_DENY =
    'With this policy in place, no additional policy or policies can cause any incoming connection to those pods to be denied.';
  const NO_EGRESS = 'This policy has no effect on isolation for egress from any pod.';
  example(
    'allow-all-ingress',
    {
      url: `${CONCEPT_PAGE}#allow-all-ingress-traffic`,
      section: 'Allow all ingress traffic',
      file: `${EXAMPLES}network-policy-allow-all-ingress.yaml`,
    },
    sc,
    [
      {
        from: 'default/b',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [ALLOWS, NO_DENY],
        service: 'default/a',
      },
      { from: 'other/c', to: 'default/a', probe: 'TCP/8080', verdict: 'allowed', quote: [ALLOWS, NO_DENY] },
      { from: 'ip:203.0.113.5', to: 'default/a', probe: 'UDP/53', verdict: 'allowed', quote: [ALLOWS, NO_DENY] },
      {
        from: 'default/a',
        to: 'ip:203.0.113.5',
        probe: 'TCP/443',
        verdict: 'allowed',
        quote: [NO_EGRESS, NON_ISOLATED_EGRESS],
      },
    ],
  );
}

{
  const sc = defaultsScenario(
    'default-deny-egress in default',
    ['network-policy-default-deny-egress.yaml'],
    [DEFAULT_DENY_EGRESS],
  );
  const CREATES =
    'You can create a "default" egress isolation policy for a namespace by creating a NetworkPolicy that selects all pods but does not allow any egress traffic from those pods.';
  const ENSURES =
    "This ensures that even pods that aren't selected by any other NetworkPolicy will not be allowed egress traffic.";
  const NO_INGRESS = 'This policy does not change the ingress isolation behavior of any pod.';
  example(
    'default-deny-egress',
    {
      url: `${CONCEPT_PAGE}#default-deny-all-egress-traffic`,
      section: 'Default deny all egress traffic',
      file: `${EXAMPLES}network-policy-default-deny-egress.yaml`,
    },
    sc,
    [
      { from: 'default/a', to: 'default/b', probe: 'TCP/80', verdict: 'denied:Egress', quote: [CREATES, ENSURES] },
      {
        from: 'default/a',
        to: 'other/c',
        probe: 'TCP/80',
        verdict: 'denied:Egress',
        quote: [CREATES, ENSURES],
        service: 'other/c',
      },
      {
        from: 'default/a',
        to: 'ip:203.0.113.5',
        probe: 'TCP/443',
        verdict: 'denied:Egress',
        quote: [CREATES, ENSURES],
      },
      { from: 'default/a', to: 'ip:203.0.113.5', probe: 'UDP/53', verdict: 'denied:Egress', quote: [CREATES, ENSURES] },
      {
        from: 'other/c',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [NO_INGRESS, NON_ISOLATED_INGRESS, NON_ISOLATED_EGRESS],
      },
      {
        from: 'ip:203.0.113.5',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [NO_INGRESS, NON_ISOLATED_INGRESS],
      },
    ],
  );
}

{
  const sc = defaultsScenario(
    'default-deny-egress and allow-all-egress in default',
    ['network-policy-default-deny-egress.yaml', 'network-policy-allow-all-egress.yaml'],
    [DEFAULT_DENY_EGRESS, ALLOW_ALL_EGRESS],
  );
  const ALLOWS =
    'If you want to allow all connections from all pods in a namespace, you can create a policy that explicitly allows all outgoing connections from pods in that namespace.';
  const NO_DENY =
    'With this policy in place, no additional policy or policies can cause any outgoing connection from those pods to be denied.';
  const NO_INGRESS = 'This policy has no effect on isolation for ingress to any pod.';
  example(
    'allow-all-egress',
    {
      url: `${CONCEPT_PAGE}#allow-all-egress-traffic`,
      section: 'Allow all egress traffic',
      file: `${EXAMPLES}network-policy-allow-all-egress.yaml`,
    },
    sc,
    [
      {
        from: 'default/a',
        to: 'default/b',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [ALLOWS, NO_DENY, NON_ISOLATED_INGRESS],
      },
      {
        from: 'default/a',
        to: 'other/c',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [ALLOWS, NO_DENY, NON_ISOLATED_INGRESS],
        service: 'other/c',
      },
      { from: 'default/a', to: 'ip:203.0.113.5', probe: 'UDP/53', verdict: 'allowed', quote: [ALLOWS, NO_DENY] },
      {
        from: 'other/c',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [NO_INGRESS, NON_ISOLATED_INGRESS, NON_ISOLATED_EGRESS],
      },
    ],
  );
}

{
  const sc = defaultsScenario(
    'default-deny-all in default',
    ['network-policy-default-deny-all.yaml'],
    [DEFAULT_DENY_ALL],
  );
  const CREATES =
    'You can create a "default" policy for a namespace which prevents all ingress AND egress traffic by creating the following NetworkPolicy in that namespace.';
  const ENSURES =
    "This ensures that even pods that aren't selected by any other NetworkPolicy will not be allowed ingress or egress traffic.";
  // default/a runs on docs-node-1 (pods are spread over the nodes in order: a node-1, b node-2, c node-1).
  example(
    'default-deny-all',
    {
      url: `${CONCEPT_PAGE}#default-deny-all-ingress-and-all-egress-traffic`,
      section: 'Default deny all ingress and all egress traffic',
      file: `${EXAMPLES}network-policy-default-deny-all.yaml`,
    },
    sc,
    [
      {
        from: 'default/b',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'denied:Egress+Ingress',
        quote: [CREATES, ENSURES],
      },
      {
        from: 'other/c',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'denied:Ingress',
        quote: [CREATES, ENSURES],
        service: 'default/a',
      },
      { from: 'default/a', to: 'other/c', probe: 'TCP/80', verdict: 'denied:Egress', quote: [CREATES, ENSURES] },
      {
        from: 'ip:203.0.113.5',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'denied:Ingress',
        quote: [CREATES, ENSURES],
      },
      {
        from: 'default/a',
        to: 'ip:203.0.113.5',
        probe: 'TCP/443',
        verdict: 'denied:Egress',
        quote: [CREATES, ENSURES],
      },
      // The exceptions the page lists at its top, under the same deny-all policy.
      { from: 'default/a', to: 'default/a', probe: 'TCP/80', verdict: 'allowed', quote: [SELF] },
      {
        from: 'node:docs-node-1',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [OWN_NODE, ISOLATED_INGRESS],
      },
      { from: 'default/a', to: 'node:docs-node-1', probe: 'TCP/10250', verdict: 'allowed', quote: [OWN_NODE] },
      {
        from: 'node:docs-node-2',
        to: 'default/a',
        probe: 'TCP/80',
        verdict: 'denied:Ingress',
        quote: [CREATES, ENSURES, ISOLATED_INGRESS],
      },
      {
        from: 'default/a',
        to: 'node:docs-node-2',
        probe: 'TCP/10250',
        verdict: 'denied:Egress',
        quote: [CREATES, ENSURES, ISOLATED_EGRESS],
      },
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Targeting a range of ports: service/networking/networkpolicy-multiport-egress.yaml
// ---------------------------------------------------------------------------------------------

const MULTI_PORT_EGRESS: NetworkPolicy = {
  name: 'multi-port-egress', // namespace: default
  spec: {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Egress'],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
  },
};

{
  const sc = scenario({
    name: 'networkpolicy-multiport-egress.yaml in default',
    steps: ['kubectl apply -f https://k8s.io/examples/service/networking/networkpolicy-multiport-egress.yaml'],
    namespaces: [{ name: 'default' }],
    pods: [
      { ns: 'default', name: 'db', labels: { role: 'db' }, ports: [{ name: 'redis', containerPort: 6379 }] },
      { ns: 'default', name: 'web', labels: { role: 'web' } },
    ],
    policies: [[MULTI_PORT_EGRESS, 'default']],
  });
  const RULE =
    'The above rule allows any Pod with label `role=db` on the namespace `default` to communicate with any IP within the range `10.0.0.0/24` over TCP, provided that the target port is between the range 32000 and 32768.';
  example(
    'multiport-egress',
    {
      url: `${CONCEPT_PAGE}#targeting-a-range-of-ports`,
      section: 'Targeting a range of ports',
      file: `${EXAMPLES}networkpolicy-multiport-egress.yaml`,
    },
    sc,
    [
      { from: 'default/db', to: 'ip:10.0.0.5', probe: 'TCP/32000', verdict: 'allowed', quote: [RULE] },
      { from: 'default/db', to: 'ip:10.0.0.5', probe: 'TCP/32500', verdict: 'allowed', quote: [RULE] },
      { from: 'default/db', to: 'ip:10.0.0.5', probe: 'TCP/32768', verdict: 'allowed', quote: [RULE] },
      {
        from: 'default/db',
        to: 'ip:10.0.0.5',
        probe: 'TCP/31999',
        verdict: 'denied:Egress',
        quote: [RULE, ISOLATED_EGRESS],
      },
      {
        from: 'default/db',
        to: 'ip:10.0.0.5',
        probe: 'TCP/32769',
        verdict: 'denied:Egress',
        quote: [RULE, ISOLATED_EGRESS],
      },
      {
        from: 'default/db',
        to: 'ip:10.0.0.5',
        probe: 'UDP/32000',
        verdict: 'denied:Egress',
        quote: [RULE, ISOLATED_EGRESS],
      },
      {
        from: 'default/db',
        to: 'ip:10.0.1.5',
        probe: 'TCP/32000',
        verdict: 'denied:Egress',
        quote: [RULE, ISOLATED_EGRESS],
      },
      { from: 'default/web', to: 'ip:10.0.1.5', probe: 'TCP/80', verdict: 'allowed', quote: [NON_ISOLATED_EGRESS] },
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Targeting multiple namespaces by label (inline manifest `egress-namespaces`, no namespace: default)
// ---------------------------------------------------------------------------------------------

const EGRESS_NAMESPACES: NetworkPolicy = {
  name: 'egress-namespaces',
  spec: {
    podSelector: { matchLabels: { app: 'myapp' } },
    policyTypes: ['Egress'],
    egress: [
      {
        to: [
          {
            namespaceSelector: {
              matchExpressions: [{ key: 'namespace', operator: 'In', values: ['frontend', 'backend'] }],
            },
          },
        ],
      },
    ],
  },
};

const NAMESPACE_PODS: readonly PodSpec[] = [
  { ns: 'default', name: 'myapp', labels: { app: 'myapp' } },
  { ns: 'frontend', name: 'web', labels: { app: 'web' } },
  { ns: 'backend', name: 'api', labels: { app: 'api' } },
  { ns: 'other', name: 'db', labels: { app: 'db' } },
];

{
  const source: DocsSource = {
    url: `${CONCEPT_PAGE}#targeting-multiple-namespaces-by-label`,
    section: 'Targeting multiple namespaces by label',
    file: null,
  };
  const SCENARIO =
    'In this scenario, your `Egress` NetworkPolicy targets more than one namespace using their label names.';
  const LABEL = 'For this to work, you need to label the target namespaces.';
  const NOTE = 'It is not possible to directly specify the name of the namespaces in a NetworkPolicy.';
  const labelled = scenario({
    name: 'egress-namespaces in default, frontend and backend labelled',
    steps: [
      'kubectl label namespace frontend namespace=frontend',
      'kubectl label namespace backend namespace=backend',
      'create egress-namespaces in default',
    ],
    namespaces: [
      { name: 'default' },
      { name: 'frontend', labels: { namespace: 'frontend' } },
      { name: 'backend', labels: { namespace: 'backend' } },
      { name: 'other' },
    ],
    pods: NAMESPACE_PODS,
    policies: [[EGRESS_NAMESPACES, 'default']],
  });
  example('namespaces-by-label', source, labelled, [
    { from: 'default/myapp', to: 'frontend/web', probe: 'TCP/80', verdict: 'allowed', quote: [SCENARIO] },
    { from: 'default/myapp', to: 'backend/api', probe: 'TCP/80', verdict: 'allowed', quote: [SCENARIO] },
    {
      from: 'default/myapp',
      to: 'other/db',
      probe: 'TCP/80',
      verdict: 'denied:Egress',
      quote: [SCENARIO, ISOLATED_EGRESS],
    },
  ]);
  const unlabelled = scenario({
    name: 'egress-namespaces in default, the kubectl label steps not run',
    steps: ['create egress-namespaces in default'],
    namespaces: [{ name: 'default' }, { name: 'frontend' }, { name: 'backend' }, { name: 'other' }],
    pods: NAMESPACE_PODS,
    policies: [[EGRESS_NAMESPACES, 'default']],
  });
  example('namespaces-by-label-unlabelled', source, unlabelled, [
    {
      from: 'default/myapp',
      to: 'frontend/web',
      probe: 'TCP/80',
      verdict: 'denied:Egress',
      quote: [LABEL, NOTE, ISOLATED_EGRESS],
    },
    {
      from: 'default/myapp',
      to: 'backend/api',
      probe: 'TCP/80',
      verdict: 'denied:Egress',
      quote: [LABEL, NOTE, ISOLATED_EGRESS],
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Targeting a Namespace by its name (no manifest on the page: constructed, see the header)
// ---------------------------------------------------------------------------------------------

{
  const byName: NetworkPolicy = {
    name: 'egress-namespaces-by-name', // constructed: egress-namespaces with the standardized key
    spec: {
      podSelector: { matchLabels: { app: 'myapp' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: {
                matchExpressions: [{ key: NAMESPACE_LABEL_KEY, operator: 'In', values: ['frontend', 'backend'] }],
              },
            },
          ],
        },
      ],
    },
  };
  const sc = scenario({
    name: 'egress by kubernetes.io/metadata.name, no namespace labelled by hand',
    steps: ['create egress-namespaces-by-name in default'],
    // `backend` is not stored in the model: the control plane's label is there all the same.
    namespaces: [{ name: 'default' }, { name: 'frontend' }, { name: 'backend', stored: false }, { name: 'other' }],
    pods: NAMESPACE_PODS,
    policies: [[byName, 'default']],
  });
  const LABEL =
    'The Kubernetes control plane sets an immutable label `kubernetes.io/metadata.name` on all namespaces, the value of the label is the namespace name.';
  const USE =
    'While NetworkPolicy cannot target a namespace by its name with some object field, you can use the standardized label to target a specific namespace.';
  example(
    'namespace-by-name',
    {
      url: `${CONCEPT_PAGE}#targeting-a-namespace-by-its-name`,
      section: 'Targeting a Namespace by its name',
      file: null,
    },
    sc,
    [
      { from: 'default/myapp', to: 'frontend/web', probe: 'TCP/80', verdict: 'allowed', quote: [LABEL, USE] },
      { from: 'default/myapp', to: 'backend/api', probe: 'TCP/80', verdict: 'allowed', quote: [LABEL, USE] },
      {
        from: 'default/myapp',
        to: 'other/db',
        probe: 'TCP/80',
        verdict: 'denied:Egress',
        quote: [LABEL, USE, ISOLATED_EGRESS],
      },
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Declare Network Policy (task page): nginx Deployment + Service, access-nginx, busybox clients
// ---------------------------------------------------------------------------------------------

const ACCESS_NGINX: NetworkPolicy = {
  name: 'access-nginx', // no namespace, no policyTypes (defaulted: Ingress)
  spec: {
    podSelector: { matchLabels: { app: 'nginx' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { access: 'true' } } }] }],
  },
};

function nginxScenario(
  name: string,
  steps: readonly string[],
  busyboxLabels: Readonly<Record<string, string>>,
  policies: readonly NetworkPolicy[],
): DocsScenario {
  return scenario({
    name,
    steps: ['kubectl create deployment nginx --image=nginx', 'kubectl expose deployment nginx --port=80', ...steps],
    namespaces: [{ name: 'default' }],
    pods: [
      // `kubectl create deployment nginx` labels its pods app=nginx; the pod name is the page's.
      { ns: 'default', name: 'nginx-701339712-e0qfq', labels: { app: 'nginx' } },
      { ns: 'default', name: 'busybox', labels: busyboxLabels },
    ],
    policies: policies.map((p) => [p, 'default'] as const),
    // The page's `kubectl get svc`: service/nginx 10.100.0.16 80/TCP.
    services: [{ ns: 'default', name: 'nginx', selector: { app: 'nginx' }, port: 80, clusterIp: '10.100.0.16' }],
  });
}

{
  const NGINX = 'default/nginx-701339712-e0qfq';
  const task = (section: string, anchor: string): DocsSource => ({
    url: `${TASK_PAGE}#${anchor}`,
    section,
    file: `${EXAMPLES}nginx-policy.yaml`,
  });
  const before = nginxScenario(
    'nginx without policy',
    ['kubectl run busybox --rm -ti --image=busybox -- /bin/sh'],
    { run: 'busybox' },
    [],
  );
  example(
    'declare-nginx-before',
    {
      ...task('Test the service by accessing it from another Pod', 'test-the-service-by-accessing-it-from-another-pod'),
      file: null,
    },
    before,
    [
      {
        from: 'default/busybox',
        to: NGINX,
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: ['You should be able to access the new `nginx` service from other Pods.', 'remote file exists'],
        service: 'default/nginx',
      },
    ],
  );
  const noLabel = nginxScenario(
    'access-nginx, busybox without the access label',
    [
      'kubectl apply -f https://k8s.io/examples/service/networking/nginx-policy.yaml',
      'kubectl run busybox --rm -ti --image=busybox -- /bin/sh',
    ],
    { run: 'busybox' },
    [ACCESS_NGINX],
  );
  example(
    'declare-nginx-no-label',
    task(
      'Test access to the service when access label is not defined',
      'test-access-to-the-service-when-access-label-is-not-defined',
    ),
    noLabel,
    [
      {
        from: 'default/busybox',
        to: NGINX,
        probe: 'TCP/80',
        verdict: 'denied:Ingress',
        service: 'default/nginx',
        quote: [
          'To limit the access to the `nginx` service so that only Pods with the label `access: true` can query it, create a NetworkPolicy object as follows:',
          'When you attempt to access the `nginx` Service from a Pod without the correct labels, the request times out:',
          'wget: download timed out',
        ],
      },
    ],
  );
  const withLabel = nginxScenario(
    'access-nginx, busybox with access=true',
    [
      'kubectl apply -f https://k8s.io/examples/service/networking/nginx-policy.yaml',
      'kubectl run busybox --rm -ti --labels="access=true" --image=busybox -- /bin/sh',
    ],
    { access: 'true' },
    [ACCESS_NGINX],
  );
  example(
    'declare-nginx-access-label',
    task('Define access label and test again', 'define-access-label-and-test-again'),
    withLabel,
    [
      {
        from: 'default/busybox',
        to: NGINX,
        probe: 'TCP/80',
        verdict: 'allowed',
        quote: [
          'You can create a Pod with the correct labels to see that the request is allowed:',
          'remote file exists',
        ],
        service: 'default/nginx',
      },
    ],
  );
}

/** Every row, in page order (concept page, then the task page). */
export const DOCS_NETPOL_ROWS: readonly DocsNetpolRow[] = rows;

/** The pod key of a `ns/pod` party, or null for a node or an address. */
export function partyPod(party: Party): string | null {
  return party.startsWith('node:') || party.startsWith('ip:')
    ? null
    : newPodString(...(party.split('/') as [string, string]));
}

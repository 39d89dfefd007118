// Rows transcribed from kubernetes/kubernetes test/e2e/network/netpol/network_policy.go (the
// NetworkPolicy e2e suite, "Netpol"), with its helpers model.go, reachability.go, truthtable.go,
// policies.go (GenNetworkPolicy*/SetSpec*), kubemanager.go and test_helper.go in the same folder:
// one case per upstream ginkgo It, named as upstream names it, in upstream's order.
//
// Version. Several versions of network_policy.go are stored. These rows come from the last one in
// which every test builds the full model (3 namespaces x 3 pods, 81 probes per table:
// `initializeResources(ctx, f, protocols, ports)` with no pod list, tests declared with
// `f.It(..., feature.NetworkPolicy, ...)`, package netpol; stored-file id 245977350, 73,328
// characters). The newest stored version (commit 008b3652959ca58af8be3fb5b6ecfe9ae7638282) keeps the
// same 48 tests, policies and Expect* calls but gives each test a subset of the pods
// (`initializeResources(ctx, f, protocols, ports, "x/a", "x/b", ...)`); it drops
// `ExpectAllIngress(x/c, false)` from "should enforce policy to allow ingress traffic for a target"
// (x/c does not exist there) and builds the except-clause CIDR with makeLargeCIDRForIP (the /4
// holding the IP, masked) instead of fmt.Sprintf("%s/4", podA IP). Both give the same /4 once masked.
//
// Skipped tests: none. All 48 It blocks of that version are here: 42 in "NetworkPolicy between
// server and client" (TCP), 3 in "... using UDP" and 3 in "... using SCTP". No test in that file
// needs something a static model cannot express. Upstream has no endPort test and no ingress
// ipBlock test in this file. The API-validation tests (network_policy_api.go) and the legacy
// tests (network_legacy.go) are in other files and are not transcribed here.
//
// Model (what initializeResources builds, from model.go / kubemanager.go of that version):
// - Namespaces: framework.CreateNamespace(baseName) with baseName `<f.BaseName>-x|y|z`, where
//   f.BaseName is "netpol" (TCP tests), "udp-network-policy" or "sctp-network-policy". The
//   framework names a namespace `<baseName>-<RandomSuffix()>` (a number below 10000); here the
//   suffixes are fixed (x 1001, y 1002, z 1003). kubemanager passes no labels ("we just need the
//   default kubernetes.io/metadata.name label"). The framework adds `e2e-run` (kept here, with a
//   fixed run id) and pod-security labels (left out: no selector in these tests reads them).
//   Upstream's older `ns: <name>` namespace label is not in this version.
// - Pods a, b, c in each namespace, labelled only `pod: <name>`. Each pod has one container per
//   (port, protocol) of the test's `ports` x `protocols`, with container port name
//   `serve-<port>-<protocol lowercased>`. So a test with ports [80] and protocols [TCP] has only
//   serve-80-tcp. Named ports resolve against these.
// - Pod IPs: this fixture gives each pod its own IPv4 address in 10.244.0.0/16 and spreads the pods
//   over three nodes (x/a 10.244.1.10 on node 1, x/b 10.244.2.10 on node 2, x/c 10.244.3.10 on
//   node 3, y/a 10.244.1.11, ... z/c 10.244.3.12). The ipBlock tests compute their CIDRs from
//   these addresses, as upstream does from pod.Status.PodIP.
// - Probes: upstream probes every ordered pair of pods (pod to itself included) on `ToPort` with
//   `Protocol`, through a per-pod Service `s-<ns>-<pod>` whose port equals the container port
//   (targetPort defaulted). NetworkPolicy sees the pod IP and container port, so a probe here is
//   pod IP to pod IP on the container port. Loopback (from == to) is in the tables but ignored when
//   results are compared (ignoreLoopback = true in network_policy.go; Reachability.summary).
// - Policies: GenNetworkPolicyWithNameAndPodSelector / ...PodMatchLabel with SetSpecIngressRules /
//   SetSpecEgressRules. Each SetSpec* call appends its policy type the first time it runs, so
//   policyTypes is always explicit here. A NetworkPolicyPort without a protocol is defaulted to TCP
//   by the API server, and it is written as TCP here. A CIDR is written masked (IpBlockModel wants
//   it canonical): `fmt.Sprintf("%s/4", podA IP)` = 10.244.1.10/4 becomes 0.0.0.0/4.
// - Steps: each ValidateOrFail is a probe. A step is the cluster state the probes run against; a
//   change (CreatePolicy, UpdatePolicy, AddNamespaceLabel, AddPodLabels, cleanNetworkPolicies)
//   after a probe starts a new step.
import type {
  ClusterModel,
  ContainerPortModel,
  LabelSelectorModel,
  LabelSelectorOperator,
  NamespaceModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  NetworkPolicyRuleModel,
  NodeModel,
  PodModel,
  PolicyType,
  Protocol,
} from '../model';

export const NETPOL_SOURCE_FILE = 'test/e2e/network/netpol/network_policy.go';

// ---------------------------------------------------------------------------------------------
// truthtable.go
// ---------------------------------------------------------------------------------------------

/** TruthTable: n x n booleans, one for each ordered (from, to) pair. */
export class TruthTable {
  readonly froms: readonly string[];
  readonly tos: readonly string[];
  private readonly toSet: ReadonlySet<string>;
  readonly values: Map<string, Map<string, boolean>>;

  /** NewTruthTable; defaultValue undefined = Go's nil (no value set). */
  constructor(froms: readonly string[], tos: readonly string[], defaultValue?: boolean) {
    this.froms = [...froms];
    this.tos = [...tos];
    this.toSet = new Set(tos);
    this.values = new Map();
    for (const from of froms) {
      const dict = new Map<string, boolean>();
      if (defaultValue !== undefined) for (const to of tos) dict.set(to, defaultValue);
      this.values.set(from, dict);
    }
  }

  /** NewTruthTableFromItems. */
  static fromItems(items: readonly string[], defaultValue?: boolean): TruthTable {
    return new TruthTable(items, items, defaultValue);
  }

  /** IsComplete: a value is set for every pair. */
  isComplete(): boolean {
    return this.froms.every((from) => this.tos.every((to) => this.values.get(from)?.has(to) === true));
  }

  set(from: string, to: string, value: boolean): void {
    const dict = this.values.get(from);
    if (dict === undefined) throw new Error(`from-key ${from} not found`);
    if (!this.toSet.has(to)) throw new Error(`to-key ${to} not allowed`);
    dict.set(to, value);
  }

  setAllFrom(from: string, value: boolean): void {
    const dict = this.values.get(from);
    if (dict === undefined) throw new Error(`from-key ${from} not found`);
    for (const to of this.tos) dict.set(to, value);
  }

  setAllTo(to: string, value: boolean): void {
    if (!this.toSet.has(to)) throw new Error(`to-key ${to} not found`);
    for (const from of this.froms) (this.values.get(from) as Map<string, boolean>).set(to, value);
  }

  get(from: string, to: string): boolean {
    const dict = this.values.get(from);
    if (dict === undefined) throw new Error(`from-key ${from} not found`);
    const val = dict.get(to);
    if (val === undefined) throw new Error(`to-key ${to} not found in map`);
    return val;
  }

  /** Compare: a table of `this == other` for every pair (same items in the same order). */
  compare(other: TruthTable): TruthTable {
    if (this.froms.length !== other.froms.length || this.tos.length !== other.tos.length)
      throw new Error('cannot compare tables of different dimensions');
    this.froms.forEach((fr, i) => {
      if (other.froms[i] !== fr)
        throw new Error(`cannot compare: from keys at index ${i} do not match (${other.froms[i]} vs ${fr})`);
    });
    this.tos.forEach((to, i) => {
      if (other.tos[i] !== to)
        throw new Error(`cannot compare: to keys at index ${i} do not match (${other.tos[i]} vs ${to})`);
    });
    const out = new TruthTable(this.froms, this.tos);
    for (const [from, dict] of this.values) {
      for (const [to, val] of dict) out.set(from, to, val === other.values.get(from)?.get(to));
    }
    return out;
  }

  /** PrettyPrint: "." connected, "X" blocked, "?" unset. */
  prettyPrint(indent: string): string {
    const lines = [indent + ['-', ...this.tos].join('\t')];
    for (const from of this.froms) {
      const line = [
        from,
        ...this.tos.map((to) => {
          const val = this.values.get(from)?.get(to);
          return val === undefined ? '?' : val ? '.' : 'X';
        }),
      ];
      lines.push(indent + line.join('\t'));
    }
    return lines.join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// reachability.go
// ---------------------------------------------------------------------------------------------

/** PodString: namespace 'x' + pod 'a' as "x/a". */
export type PodString = string;

export function newPodString(namespace: string, podName: string): PodString {
  return `${namespace}/${podName}`;
}

function splitPodString(pod: PodString): [string, string] {
  const pieces = pod.split('/');
  if (pieces.length !== 2) throw new Error(`expected ns/pod, found ${pod}`);
  return [pieces[0], pieces[1]];
}

export function podStringNamespace(pod: PodString): string {
  return splitPodString(pod)[0];
}

export function podStringPodName(pod: PodString): string {
  return splitPodString(pod)[1];
}

/** Peer: matches pods by namespace and/or pod name; an empty field matches everything. */
export class Peer {
  readonly namespace: string;
  readonly pod: string;

  constructor(fields: { readonly namespace?: string; readonly pod?: string } = {}) {
    this.namespace = fields.namespace ?? '';
    this.pod = fields.pod ?? '';
  }

  matches(pod: PodString): boolean {
    return (
      (this.namespace === '' || this.namespace === podStringNamespace(pod)) &&
      (this.pod === '' || this.pod === podStringPodName(pod))
    );
  }
}

/** Reachability: the expected (and observed) truth tables of one cluster-wide probe. */
export class Reachability {
  readonly expected: TruthTable;
  readonly observed: TruthTable;
  readonly pods: readonly PodString[];

  constructor(pods: readonly PodString[], defaultExpectation: boolean) {
    this.expected = TruthTable.fromItems(pods, defaultExpectation);
    this.observed = TruthTable.fromItems(pods);
    this.pods = [...pods];
  }

  /** AllowLoopback: every pod may reach itself. (No transcribed test calls it.) */
  allowLoopback(): void {
    for (const pod of this.pods) this.expected.set(pod, pod, true);
  }

  expect(from: PodString, to: PodString, isConnected: boolean): void {
    this.expected.set(from, to, isConnected);
  }

  /** ExpectAllIngress: all traffic into `pod`. */
  expectAllIngress(pod: PodString, connected: boolean): void {
    this.expected.setAllTo(pod, connected);
  }

  /** ExpectAllEgress: all traffic out of `pod`. */
  expectAllEgress(pod: PodString, connected: boolean): void {
    this.expected.setAllFrom(pod, connected);
  }

  expectPeer(from: Peer, to: Peer, connected: boolean): void {
    for (const fromPod of this.pods) {
      if (!from.matches(fromPod)) continue;
      for (const toPod of this.pods) if (to.matches(toPod)) this.expected.set(fromPod, toPod, connected);
    }
  }

  observe(fromPod: PodString, toPod: PodString, isConnected: boolean): void {
    this.observed.set(fromPod, toPod, isConnected);
  }

  /** Summary: counts of right, wrong and ignored (loopback) observations, and the comparison table. */
  summary(ignoreLoopback: boolean): { trueObs: number; falseObs: number; ignoredObs: number; comparison: TruthTable } {
    const comparison = this.expected.compare(this.observed);
    if (!comparison.isComplete()) throw new Error('observations not complete!');
    let trueObs = 0;
    let falseObs = 0;
    let ignoredObs = 0;
    for (const [from, dict] of comparison.values) {
      for (const [to, val] of dict) {
        if (ignoreLoopback && from === to) ignoredObs++;
        else if (val) trueObs++;
        else falseObs++;
      }
    }
    return { trueObs, falseObs, ignoredObs, comparison };
  }
}

export function newReachability(pods: readonly PodString[], defaultExpectation: boolean): Reachability {
  return new Reachability(pods, defaultExpectation);
}

/** network_policy.go: `ignoreLoopback = true` (kubernetes/kubernetes#95879). */
export const IGNORE_LOOPBACK = true;

// ---------------------------------------------------------------------------------------------
// networking/v1 and meta/v1 shapes as the Go tests build them (nil = absent), and policies.go
// ---------------------------------------------------------------------------------------------

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  readonly values?: readonly string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

/** intstr.IntOrString: a number (IntVal) or a string (StrVal). */
export interface NetworkPolicyPort {
  readonly protocol?: Protocol;
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

/** networkingv1.NetworkPolicy, mutable as the Go tests mutate it (policy.Spec.Ingress = ...). */
export interface NetworkPolicy {
  name: string;
  spec: NetworkPolicySpec;
}

export type SetFunc = (policy: NetworkPolicy) => void;

export function genNetworkPolicy(...fn: SetFunc[]): NetworkPolicy {
  const policy: NetworkPolicy = { name: '', spec: { podSelector: {} } };
  for (const f of fn) f(policy);
  return policy;
}

export function genNetworkPolicyWithNameAndPodMatchLabel(
  name: string,
  targetLabels: Readonly<Record<string, string>>,
  ...otherFunc: SetFunc[]
): NetworkPolicy {
  return genNetworkPolicy(...otherFunc, setObjectMetaName(name), setSpecPodSelectorMatchLabels(targetLabels));
}

export function genNetworkPolicyWithNameAndPodSelector(
  name: string,
  targetSelector: LabelSelector,
  ...otherFunc: SetFunc[]
): NetworkPolicy {
  return genNetworkPolicy(...otherFunc, setObjectMetaName(name), setSpecPodSelector(targetSelector));
}

export function setObjectMetaName(name: string): SetFunc {
  return (policy) => {
    policy.name = name;
  };
}

export function setSpecPodSelector(targetSelector: LabelSelector): SetFunc {
  return (policy) => {
    policy.spec.podSelector = targetSelector;
  };
}

export function setSpecPodSelectorMatchLabels(targetLabels: Readonly<Record<string, string>>): SetFunc {
  return (policy) => {
    policy.spec.podSelector = { matchLabels: targetLabels };
  };
}

export function setSpecIngressRules(...rules: NetworkPolicyIngressRule[]): SetFunc {
  return (policy) => {
    if (policy.spec.ingress === undefined) {
      policy.spec.ingress = [];
      policy.spec.policyTypes = [...(policy.spec.policyTypes ?? []), 'Ingress'];
    }
    policy.spec.ingress.push(...rules);
  };
}

export function setSpecEgressRules(...rules: NetworkPolicyEgressRule[]): SetFunc {
  return (policy) => {
    if (policy.spec.egress === undefined) {
      policy.spec.egress = [];
      policy.spec.policyTypes = [...(policy.spec.policyTypes ?? []), 'Egress'];
    }
    policy.spec.egress.push(...rules);
  };
}

// Conversion to the engine's model (what the API server stores for the object).

function selectorModel(s: LabelSelector): LabelSelectorModel {
  return {
    matchLabels: { ...(s.matchLabels ?? {}) },
    matchExpressions: (s.matchExpressions ?? []).map((e) => ({
      key: e.key,
      operator: e.operator,
      values: [...(e.values ?? [])],
    })),
  };
}

function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function intToIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** An IPv4 CIDR with its host bits cleared ("10.244.1.10/4" -> "0.0.0.0/4"). */
export function maskedCidr(cidr: string): string {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`bad prefix length in ${cidr}`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${intToIpv4((ipv4ToInt(ip) & mask) >>> 0)}/${bits}`;
}

function peerModel(p: NetworkPolicyPeer): NetworkPolicyPeerModel {
  return {
    podSelector: p.podSelector === undefined ? null : selectorModel(p.podSelector),
    namespaceSelector: p.namespaceSelector === undefined ? null : selectorModel(p.namespaceSelector),
    ipBlock:
      p.ipBlock === undefined
        ? null
        : { cidr: maskedCidr(p.ipBlock.cidr), except: (p.ipBlock.except ?? []).map(maskedCidr) },
  };
}

function portModel(p: NetworkPolicyPort): NetworkPolicyPortModel {
  return { protocol: p.protocol ?? 'TCP', port: p.port ?? null, endPort: p.endPort ?? null };
}

function ruleModel(
  peers: readonly NetworkPolicyPeer[] | undefined,
  ports: readonly NetworkPolicyPort[] | undefined,
): NetworkPolicyRuleModel {
  return { peers: (peers ?? []).map(peerModel), ports: (ports ?? []).map(portModel) };
}

/** The stored object for `policy` created in `namespace`. */
export function networkPolicyModel(policy: NetworkPolicy, namespace: string): NetworkPolicyModel {
  return {
    namespace,
    name: policy.name,
    podSelector: selectorModel(policy.spec.podSelector),
    policyTypes: [...(policy.spec.policyTypes ?? [])],
    ingress: (policy.spec.ingress ?? []).map((r) => ruleModel(r.from, r.ports)),
    egress: (policy.spec.egress ?? []).map((r) => ruleModel(r.to, r.ports)),
  };
}

// ---------------------------------------------------------------------------------------------
// The e2e model (model.go, kubemanager.go) as a ClusterModel, and the test run that records steps
// ---------------------------------------------------------------------------------------------

export const NAMESPACE_LABEL_KEY = 'kubernetes.io/metadata.name';
/** The framework's RunID, fixed here. */
export const E2E_RUN_ID = '00000000-0000-4000-8000-000000000e2e';
const NAMESPACE_SUFFIXES = ['1001', '1002', '1003'] as const;
const POD_NAMES = ['a', 'b', 'c'] as const;

export const NETPOL_NODES: readonly NodeModel[] = [1, 2, 3].map((n) => ({
  name: `netpol-node-${n}`,
  internalIps: [`192.168.0.${10 + n}`],
  externalIp: null,
  podCidrs: [`10.244.${n}.0/24`],
  labels: {},
}));

/** getNamespaceBaseNames: `<root>-x`, `<root>-y`, `<root>-z`. */
export function getNamespaceBaseNames(rootNs: string): [string, string, string] {
  const prefix = rootNs === '' ? '' : `${rootNs}-`;
  return [`${prefix}x`, `${prefix}y`, `${prefix}z`];
}

/** Container.PortName. */
export function containerPortName(port: number, protocol: Protocol): string {
  return `serve-${port}-${protocol.toLowerCase()}`;
}

interface PodState {
  readonly namespace: string;
  readonly name: string;
  labels: Record<string, string>;
  readonly nodeName: string;
  readonly ip: string;
}

/** One ValidateOrFail: a probe of every ordered pod pair on ToPort/Protocol. */
export interface NetpolProbe {
  readonly toPort: number;
  readonly protocol: Protocol;
  readonly reachability: Reachability;
}

/** The cluster state some probes run against, and the model changes that led to it. */
export interface NetpolStep {
  /** The calls since the previous step, e.g. `CreatePolicy netpol-x-1001/deny-ingress`. */
  readonly changes: readonly string[];
  readonly cluster: ClusterModel;
  /** The stored NetworkPolicies of this step (the same as cluster.networkPolicies). */
  readonly policies: readonly NetworkPolicyModel[];
  readonly probes: readonly NetpolProbe[];
}

export interface NetpolCase {
  readonly source: {
    readonly file: typeof NETPOL_SOURCE_FILE;
    /** the SIGDescribe text and ginkgo.Context the It sits in */
    readonly describe: string;
    readonly context: string;
    /** the ginkgo It title, verbatim */
    readonly case: string;
  };
  /** the test's `protocols` and `ports` (what the pods serve) */
  readonly protocols: readonly Protocol[];
  readonly ports: readonly number[];
  /** the pods, in AllPodStrings order (x/a ... z/c) */
  readonly pods: readonly PodString[];
  readonly steps: readonly NetpolStep[];
}

/** What a test's body gets from the framework: f.BaseName. */
export interface Framework {
  readonly baseName: string;
}

/**
 * kubeManager plus the helpers the tests call (CreatePolicy, UpdatePolicy, AddNamespaceLabel,
 * AddPodLabels, ValidateOrFail). It keeps the cluster state and records a step per state probed.
 */
export class KubeManager {
  private readonly names: [string, string, string];
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly pods: PodState[] = [];
  private policies: NetworkPolicyModel[] = [];
  private pendingChanges: string[] = [];
  private current: {
    changes: readonly string[];
    cluster: ClusterModel;
    policies: readonly NetworkPolicyModel[];
    probes: NetpolProbe[];
  } | null = null;
  readonly steps: {
    changes: readonly string[];
    cluster: ClusterModel;
    policies: readonly NetworkPolicyModel[];
    probes: NetpolProbe[];
  }[] = [];

  constructor(
    rootNs: string,
    readonly protocols: readonly Protocol[],
    readonly ports: readonly number[],
  ) {
    const bases = getNamespaceBaseNames(rootNs);
    this.names = [0, 1, 2].map((i) => `${bases[i]}-${NAMESPACE_SUFFIXES[i]}`) as [string, string, string];
    let index = 0;
    for (const [ni, ns] of this.names.entries()) {
      this.namespaceLabels.set(ns, { 'e2e-run': E2E_RUN_ID, [NAMESPACE_LABEL_KEY]: ns });
      for (const name of POD_NAMES) {
        const node = index % 3;
        this.pods.push({
          namespace: ns,
          name,
          labels: { pod: name },
          nodeName: NETPOL_NODES[node].name,
          ip: `10.244.${node + 1}.${10 + ni}`,
        });
        index++;
      }
    }
  }

  namespaceNames(): readonly string[] {
    return this.names;
  }

  allPodStrings(): PodString[] {
    return this.pods.map((p) => newPodString(p.namespace, p.name));
  }

  /** pod.Status.PodIP of the pod the test lists by label `pod=<name>` in `namespace`. */
  podIp(namespace: string, name: string): string {
    return this.pod(namespace, name).ip;
  }

  private pod(namespace: string, name: string): PodState {
    const p = this.pods.find((q) => q.namespace === namespace && q.name === name);
    if (p === undefined) throw new Error(`no pod ${namespace}/${name}`);
    return p;
  }

  private changed(what: string): void {
    this.pendingChanges.push(what);
    this.current = null;
  }

  createNetworkPolicy(ns: string, policy: NetworkPolicy): void {
    if (this.policies.some((p) => p.namespace === ns && p.name === policy.name))
      throw new Error(`network policy ${ns}/${policy.name} already exists`);
    this.policies.push(networkPolicyModel(policy, ns));
    this.changed(`CreatePolicy ${ns}/${policy.name}`);
  }

  updateNetworkPolicy(ns: string, policy: NetworkPolicy): void {
    const i = this.policies.findIndex((p) => p.namespace === ns && p.name === policy.name);
    if (i < 0) throw new Error(`network policy ${ns}/${policy.name} not found`);
    this.policies[i] = networkPolicyModel(policy, ns);
    this.changed(`UpdatePolicy ${ns}/${policy.name}`);
  }

  cleanNetworkPolicies(): void {
    this.policies = [];
    this.changed('cleanNetworkPolicies');
  }

  addNamespaceLabel(ns: string, key: string, val: string): void {
    const labels = this.namespaceLabels.get(ns);
    if (labels === undefined) throw new Error(`no namespace ${ns}`);
    labels[key] = val;
    this.changed(`AddNamespaceLabel ${ns} ${key}=${val}`);
  }

  addPodLabels(ns: string, name: string, newPodLabels: Readonly<Record<string, string>>): void {
    const pod = this.pod(ns, name);
    pod.labels = { ...pod.labels, ...newPodLabels };
    this.changed(
      `AddPodLabels ${ns}/${name} ${Object.entries(newPodLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  }

  /** The cluster as it stands. */
  cluster(): ClusterModel {
    const containerPorts: ContainerPortModel[] = this.ports.flatMap((port) =>
      this.protocols.map((protocol) => ({ name: containerPortName(port, protocol), containerPort: port, protocol })),
    );
    const namespaces: NamespaceModel[] = this.names.map((name) => ({
      name,
      labels: { ...(this.namespaceLabels.get(name) as Record<string, string>) },
    }));
    const pods: PodModel[] = this.pods.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      labels: { ...p.labels },
      nodeName: p.nodeName,
      ips: [p.ip],
      hostNetwork: false,
      phase: 'Running',
      ready: true,
      terminating: false,
      containerPorts: containerPorts.map((c) => ({ ...c })),
    }));
    return {
      name: 'netpol-e2e',
      profile: 'KUBERNETES',
      kubernetesVersion: '1.31',
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
      nodes: NETPOL_NODES,
      pods,
      services: [],
      endpointSlices: [],
      namespaces,
      networkPolicies: [...this.policies],
      networkPolicyEnforced: true,
    };
  }

  /** ValidateOrFail: probe the current state. */
  validateOrFail(testCase: {
    readonly toPort: number;
    readonly protocol: Protocol;
    readonly reachability: Reachability;
  }): void {
    if (this.current === null) {
      const cluster = this.cluster();
      this.current = { changes: this.pendingChanges, cluster, policies: cluster.networkPolicies ?? [], probes: [] };
      this.steps.push(this.current);
      this.pendingChanges = [];
    }
    this.current.probes.push({
      toPort: testCase.toPort,
      protocol: testCase.protocol,
      reachability: testCase.reachability,
    });
  }
}

// test_helper.go / network_policy.go entry points, as the tests call them.

function initializeResources(f: Framework, protocols: readonly Protocol[], ports: readonly number[]): KubeManager {
  return new KubeManager(f.baseName, protocols, ports);
}

function getK8sNamespaces(k8s: KubeManager): [string, string, string] {
  const ns = k8s.namespaceNames();
  return [ns[0], ns[1], ns[2]];
}

function createPolicy(k8s: KubeManager, policy: NetworkPolicy, namespace: string): void {
  k8s.createNetworkPolicy(namespace, policy);
}

function updatePolicy(k8s: KubeManager, policy: NetworkPolicy, namespace: string): void {
  k8s.updateNetworkPolicy(namespace, policy);
}

function addNamespaceLabel(k8s: KubeManager, namespace: string, key: string, val: string): void {
  k8s.addNamespaceLabel(namespace, key, val);
}

function addPodLabels(
  k8s: KubeManager,
  namespace: string,
  name: string,
  newPodLabels: Readonly<Record<string, string>>,
): void {
  k8s.addPodLabels(namespace, name, newPodLabels);
}

function validateOrFail(
  k8s: KubeManager,
  testCase: { readonly toPort: number; readonly protocol: Protocol; readonly reachability: Reachability },
): void {
  k8s.validateOrFail(testCase);
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

interface Suite {
  readonly describe: string;
  readonly context: string;
  readonly framework: Framework;
}

const TCP_SUITE: Suite = {
  describe: '[sig-network] Netpol',
  context: 'NetworkPolicy between server and client',
  framework: { baseName: 'netpol' },
};
const UDP_SUITE: Suite = {
  describe: '[sig-network] Netpol [LinuxOnly]',
  context: 'NetworkPolicy between server and client using UDP',
  framework: { baseName: 'udp-network-policy' },
};
const SCTP_SUITE: Suite = {
  describe: '[sig-network] Netpol [Feature:SCTPConnectivity] [LinuxOnly]',
  context: 'NetworkPolicy between server and client using SCTP',
  framework: { baseName: 'sctp-network-policy' },
};

const cases: NetpolCase[] = [];

/** f.It(title, feature.NetworkPolicy, body): runs the body once, at load, and keeps what it probed. */
function it(suite: Suite, title: string, body: (f: Framework, setK8s: (k: KubeManager) => KubeManager) => void): void {
  let k8s: KubeManager | null = null;
  body(suite.framework, (k) => (k8s = k));
  const run = k8s as KubeManager | null;
  if (run === null) throw new Error(`${title}: no initializeResources`);
  if (run.steps.length === 0) throw new Error(`${title}: no ValidateOrFail`);
  cases.push({
    source: { file: NETPOL_SOURCE_FILE, describe: suite.describe, context: suite.context, case: title },
    protocols: [...run.protocols],
    ports: [...run.ports],
    pods: run.allPodStrings(),
    steps: run.steps.map((s) => ({
      changes: s.changes,
      cluster: s.cluster,
      policies: s.policies,
      probes: [...s.probes],
    })),
  });
}

const protocolTCP: Protocol = 'TCP';
const protocolUDP: Protocol = 'UDP';
const protocolSCTP: Protocol = 'SCTP';

// ---- Netpol / NetworkPolicy between server and client ----------------------------------------

it(TCP_SUITE, "should support a 'default-deny-ingress' policy", (f, use) => {
  const protocols = [protocolTCP];
  const ports = [80];
  const k8s = use(initializeResources(f, protocols, ports));
  const [nsX] = getK8sNamespaces(k8s);
  const policy = genNetworkPolicyWithNameAndPodSelector('deny-ingress', {}, setSpecIngressRules());
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, "should support a 'default-deny-all' policy", (f, use) => {
  const policy = genNetworkPolicyWithNameAndPodSelector('deny-all', {}, setSpecIngressRules(), setSpecEgressRules());
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer(), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(
  TCP_SUITE,
  'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
  (f, use) => {
    const allowedPods: LabelSelector = { matchLabels: { pod: 'b' } };
    const ingressRule: NetworkPolicyIngressRule = { from: [{ podSelector: allowedPods }] };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'x-a-allows-x-b',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX] = getK8sNamespaces(k8s);
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectAllIngress(newPodString(nsX, 'a'), false);
    reachability.expect(newPodString(nsX, 'b'), newPodString(nsX, 'a'), true);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

it(TCP_SUITE, 'should enforce policy to allow ingress traffic for a target', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  // ginkgo.By("having a deny all ingress policy")
  const policy = genNetworkPolicyWithNameAndPodSelector('deny-all', {}, setSpecIngressRules());
  createPolicy(k8s, policy, nsX);

  const ingressRule: NetworkPolicyIngressRule = { from: [{ podSelector: {}, namespaceSelector: {} }] };
  const allowPolicy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-all-to-a',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, allowPolicy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), true);
  reachability.expectAllIngress(newPodString(nsX, 'b'), false);
  reachability.expectAllIngress(newPodString(nsX, 'c'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce policy to allow ingress traffic from pods in all namespaces', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const ingressRule: NetworkPolicyIngressRule = { from: [{ namespaceSelector: { matchLabels: {} } }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-from-another-ns',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(
  TCP_SUITE,
  'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
    const ingressRule: NetworkPolicyIngressRule = {
      from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } } }],
    };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-client-a-via-ns-selector',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    // disallow all traffic from the x or z namespaces
    reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
    reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

it(TCP_SUITE, 'should enforce policy based on PodSelector with MatchExpressions', (f, use) => {
  const allowedPods: LabelSelector = { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] };
  const ingressRule: NetworkPolicyIngressRule = { from: [{ podSelector: allowedPods }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'x-a-allows-x-b',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), false);
  reachability.expect(newPodString(nsX, 'b'), newPodString(nsX, 'a'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce policy based on NamespaceSelector with MatchExpressions', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const allowedNamespaces: LabelSelector = {
    matchExpressions: [{ key: NAMESPACE_LABEL_KEY, operator: 'In', values: [nsY] }],
  };
  const ingressRule: NetworkPolicyIngressRule = { from: [{ namespaceSelector: allowedNamespaces }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-ns-y-match-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  // disallow all traffic from the x or z namespaces
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
  reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce policy based on PodSelector or NamespaceSelector', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const allowedNamespaces: LabelSelector = {
    matchExpressions: [{ key: NAMESPACE_LABEL_KEY, operator: 'NotIn', values: [nsX] }],
  };
  const podBAllowlisting: LabelSelector = { matchLabels: { pod: 'b' } };
  const ingressRule: NetworkPolicyIngressRule = {
    from: [{ namespaceSelector: allowedNamespaces }, { podSelector: podBAllowlisting }],
  };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-ns-y-match-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expect(newPodString(nsX, 'a'), newPodString(nsX, 'a'), false);
  reachability.expect(newPodString(nsX, 'c'), newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce policy based on PodSelector and NamespaceSelector', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const allowedNamespaces: LabelSelector = {
    matchExpressions: [{ key: NAMESPACE_LABEL_KEY, operator: 'NotIn', values: [nsX] }],
  };
  const allowedPod: LabelSelector = { matchLabels: { pod: 'b' } };
  const ingressRule: NetworkPolicyIngressRule = {
    from: [{ namespaceSelector: allowedNamespaces, podSelector: allowedPod }],
  };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-ns-y-podselector-and-nsselector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), false);
  reachability.expect(newPodString(nsY, 'b'), newPodString(nsX, 'a'), true);
  reachability.expect(newPodString(nsZ, 'b'), newPodString(nsX, 'a'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce policy based on Multiple PodSelectors and NamespaceSelectors', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const allowedNamespaces: LabelSelector = {
    matchExpressions: [{ key: NAMESPACE_LABEL_KEY, operator: 'NotIn', values: [nsX] }],
  };
  const allowedPod: LabelSelector = { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] };
  const ingressRule: NetworkPolicyIngressRule = {
    from: [{ namespaceSelector: allowedNamespaces, podSelector: allowedPod }],
  };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-ns-y-z-pod-b-c',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
  reachability.expect(newPodString(nsY, 'a'), newPodString(nsX, 'a'), false);
  reachability.expect(newPodString(nsZ, 'a'), newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce policy based on any PodSelectors', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const ingressRule: NetworkPolicyIngressRule = {};
  for (const label of [{ pod: 'b' }, { pod: 'c' }]) {
    ingressRule.from = [...(ingressRule.from ?? []), { podSelector: { matchLabels: label } }];
  }
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-ns-x-pod-b-c',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), false);
  // Connect Pods b and c to pod a from namespace nsX
  reachability.expect(newPodString(nsX, 'b'), newPodString(nsX, 'a'), true);
  reachability.expect(newPodString(nsX, 'c'), newPodString(nsX, 'a'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(
  TCP_SUITE,
  'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX, nsY] = getK8sNamespaces(k8s);
    const allowedNamespaces: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
    const allowedPods: LabelSelector = { matchLabels: { pod: 'a' } };
    const ingressRule: NetworkPolicyIngressRule = {
      from: [{ namespaceSelector: allowedNamespaces, podSelector: allowedPods }],
    };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-ns-y-pod-a-via-namespace-pod-selector',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectAllIngress(newPodString(nsX, 'a'), false);
    reachability.expect(newPodString(nsY, 'a'), newPodString(nsX, 'a'), true);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

it(TCP_SUITE, 'should enforce policy based on Ports', (f, use) => {
  // ginkgo.By("Creating a network allowPort81Policy which only allows allow listed namespaces (y) to connect on exactly one port (81)")
  const k8s = use(initializeResources(f, [protocolTCP], [81]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const allowedLabels: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
  const ingressRule: NetworkPolicyIngressRule = {
    from: [{ namespaceSelector: allowedLabels }],
    ports: [{ port: 81, protocol: protocolTCP }],
  };
  const allowPort81Policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-ns-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, allowPort81Policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
  reachability.expectPeer(new Peer({ namespace: nsY }), new Peer({ namespace: nsX, pod: 'a' }), true);
  reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce multiple, stacked policies with overlapping podSelectors', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80, 81]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const allowedLabels: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
  let ingressRule: NetworkPolicyIngressRule = {
    from: [{ namespaceSelector: allowedLabels }],
    ports: [{ port: 81, protocol: protocolTCP }],
  };
  const allowPort81Policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-ns-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, allowPort81Policy, nsX);

  const reachabilityALLOW = newReachability(k8s.allPodStrings(), true);
  reachabilityALLOW.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
  reachabilityALLOW.expectPeer(new Peer({ namespace: nsY }), new Peer({ namespace: nsX, pod: 'a' }), true);
  reachabilityALLOW.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
  // ginkgo.By("Verifying traffic on port 81.")
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityALLOW });

  const reachabilityDENY = newReachability(k8s.allPodStrings(), true);
  reachabilityDENY.expectAllIngress(newPodString(nsX, 'a'), false);
  // ginkgo.By("Verifying traffic on port 80.")
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityDENY });

  ingressRule = { from: [{ namespaceSelector: allowedLabels }], ports: [{ port: 80, protocol: protocolTCP }] };
  const allowPort80Policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-ns-selector-80',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, allowPort80Policy, nsX);

  // ginkgo.By("Verifying that we can add a policy to unblock port 80")
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityALLOW });
});

it(TCP_SUITE, 'should support allow-all policy', (f, use) => {
  // ginkgo.By("Creating a network policy which allows all traffic.")
  const policy = genNetworkPolicyWithNameAndPodMatchLabel('allow-all', {}, setSpecIngressRules({}));
  const k8s = use(initializeResources(f, [protocolTCP], [80, 81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  // ginkgo.By("Testing pods can connect to both ports when an 'allow-all' policy is present.")
  const reachability = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should allow ingress access on one named port', (f, use) => {
  const IngressRules: NetworkPolicyIngressRule = { ports: [{ port: 'serve-81-tcp' }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel('allow-all', {}, setSpecIngressRules(IngressRules));
  const k8s = use(initializeResources(f, [protocolTCP], [80, 81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  // ginkgo.By("Blocking all ports other then 81 in the entire namespace")
  const reachabilityPort81 = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityPort81 });

  // disallow all traffic to the x namespace
  const reachabilityPort80 = newReachability(k8s.allPodStrings(), true);
  reachabilityPort80.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityPort80 });
});

it(TCP_SUITE, 'should allow ingress access from namespace on one named port', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80, 81]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const allowedLabels: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
  const ingressRule: NetworkPolicyIngressRule = {
    from: [{ namespaceSelector: allowedLabels }],
    ports: [{ port: 'serve-80-tcp', protocol: protocolTCP }],
  };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-ns-selector-80',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  // disallow all traffic from the x or z namespaces
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
  reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
  // ginkgo.By("Verify that port 80 is allowed for namespace y")
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });

  // ginkgo.By("Verify that port 81 is blocked for all namespaces including y")
  const reachabilityFAIL = newReachability(k8s.allPodStrings(), true);
  reachabilityFAIL.expectAllIngress(newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityFAIL });
});

it(TCP_SUITE, 'should allow egress access on one named port', (f, use) => {
  // ginkgo.By("validating egress from port 81 to port 80")
  const egressRule: NetworkPolicyEgressRule = { ports: [{ port: 'serve-80-tcp' }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel('allow-egress', {}, setSpecEgressRules(egressRule));
  const k8s = use(initializeResources(f, [protocolTCP], [80, 81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  const reachabilityPort80 = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityPort80 });

  // meanwhile no traffic over 81 should work, since our egress policy is on 80
  const reachabilityPort81 = newReachability(k8s.allPodStrings(), true);
  reachabilityPort81.expectPeer(new Peer({ namespace: nsX }), new Peer(), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityPort81 });
});

it(TCP_SUITE, 'should enforce updated policy', (f, use) => {
  // ginkgo.By("Using the simplest possible mutation: start with allow all, then switch to deny all")
  // part 1) allow all
  const policy = genNetworkPolicyWithNameAndPodMatchLabel('allow-all-mutate-to-deny-all', {}, setSpecIngressRules({}));
  const k8s = use(initializeResources(f, [protocolTCP], [81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });

  // part 2) update the policy to deny all
  policy.spec.ingress = [];
  updatePolicy(k8s, policy, nsX);

  const reachabilityDeny = newReachability(k8s.allPodStrings(), true);
  reachabilityDeny.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityDeny });
});

it(TCP_SUITE, 'should allow ingress access from updated namespace', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX, nsY] = getK8sNamespaces(k8s);
  // ginkgo.DeferCleanup(DeleteNamespaceLabel, k8s, nsY, "ns2"): after the test, not probed

  const allowedLabels: LabelSelector = { matchLabels: { ns2: 'updated' } };
  const ingressRule: NetworkPolicyIngressRule = { from: [{ namespaceSelector: allowedLabels }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-ns-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });

  // add a new label
  addNamespaceLabel(k8s, nsY, 'ns2', 'updated');

  // anything from namespace 'y' should be able to get to x/a
  const reachabilityWithLabel = newReachability(k8s.allPodStrings(), true);
  reachabilityWithLabel.expectAllIngress(newPodString(nsX, 'a'), false);
  reachabilityWithLabel.expectPeer(new Peer({ namespace: nsY }), new Peer(), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityWithLabel });
});

it(TCP_SUITE, 'should allow ingress access from updated pod', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  // ginkgo.DeferCleanup(ResetPodLabels, k8s, nsX, "b"): after the test, not probed

  // add a new label
  const matchLabels = { pod: 'b', pod2: 'updated' };
  const allowedLabels: LabelSelector = { matchLabels };
  const ingressRule: NetworkPolicyIngressRule = { from: [{ podSelector: allowedLabels }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-pod-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });

  addPodLabels(k8s, nsX, 'b', matchLabels);

  // ginkgo.By("x/b is able to reach x/a when label is updated")
  const reachabilityWithLabel = newReachability(k8s.allPodStrings(), true);
  reachabilityWithLabel.expectAllIngress(newPodString(nsX, 'a'), false);
  reachabilityWithLabel.expect(newPodString(nsX, 'b'), newPodString(nsX, 'a'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityWithLabel });
});

it(TCP_SUITE, 'should deny ingress from pods on other namespaces', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
  const IngressRules: NetworkPolicyIngressRule = { from: [{ podSelector: { matchLabels: {} } }] };
  const policy = genNetworkPolicyWithNameAndPodSelector('deny-empty-policy', {}, setSpecIngressRules(IngressRules));
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer({ namespace: nsY }), new Peer({ namespace: nsX }), false);
  reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX }), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should deny ingress access to updated pod', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  // ginkgo.DeferCleanup(ResetPodLabels, k8s, nsX, "a"): after the test, not probed

  const policy = genNetworkPolicyWithNameAndPodSelector(
    'deny-ingress-via-label-selector',
    { matchLabels: { target: 'isolated' } },
    setSpecIngressRules(),
  );
  createPolicy(k8s, policy, nsX);

  // ginkgo.By("Verify that everything can reach x/a")
  const reachability = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });

  addPodLabels(k8s, nsX, 'a', { target: 'isolated' });

  const reachabilityIsolated = newReachability(k8s.allPodStrings(), true);
  reachabilityIsolated.expectAllIngress(newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityIsolated });
});

it(TCP_SUITE, 'should deny egress from pods based on PodSelector', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const policy = genNetworkPolicyWithNameAndPodSelector(
    'deny-egress-pod-a',
    { matchLabels: { pod: 'a' } },
    setSpecEgressRules(),
  );
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllEgress(newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should deny egress from all pods in a namespace', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const policy = genNetworkPolicyWithNameAndPodSelector('deny-egress-ns-x', {}, setSpecEgressRules());
  createPolicy(k8s, policy, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer(), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should work with Ingress, Egress specified together', (f, use) => {
  const allowedPodLabels: LabelSelector = { matchLabels: { pod: 'b' } };
  const ingressRule: NetworkPolicyIngressRule = { from: [{ podSelector: allowedPodLabels }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-pod-selector',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );

  // add an egress rule on to it...
  policy.spec.egress = [
    {
      ports: [
        {
          // don't use named ports
          port: 80,
        },
      ],
    },
  ];
  policy.spec.policyTypes = ['Egress', 'Ingress'];
  const k8s = use(initializeResources(f, [protocolTCP], [80, 81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  const reachabilityPort80 = newReachability(k8s.allPodStrings(), true);
  reachabilityPort80.expectAllIngress(newPodString(nsX, 'a'), false);
  reachabilityPort80.expect(newPodString(nsX, 'b'), newPodString(nsX, 'a'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityPort80 });

  // ginkgo.By("validating that port 81 doesn't work")
  // meanwhile no egress traffic on 81 should work, since our egress policy is on 80
  const reachabilityPort81 = newReachability(k8s.allPodStrings(), true);
  reachabilityPort81.expectAllIngress(newPodString(nsX, 'a'), false);
  reachabilityPort81.expectAllEgress(newPodString(nsX, 'a'), false);
  reachabilityPort81.expect(newPodString(nsX, 'b'), newPodString(nsX, 'a'), true);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityPort81 });
});

it(
  TCP_SUITE,
  'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
  (f, use) => {
    // x/a --> y/a and y/b
    // Egress allowed to y/a only. Egress to y/b should be blocked
    // Ingress on y/a and y/b allow traffic from x/a
    // Expectation: traffic from x/a to y/a allowed only, traffic from x/a to y/b denied by egress policy
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX, nsY] = getK8sNamespaces(k8s);

    // Building egress policy for x/a to y/a only
    const allowedEgressNamespaces: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
    const allowedEgressPods: LabelSelector = { matchLabels: { pod: 'a' } };
    const egressRule1: NetworkPolicyEgressRule = {
      to: [{ namespaceSelector: allowedEgressNamespaces, podSelector: allowedEgressPods }],
    };
    const egressPolicy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-to-ns-y-pod-a',
      { pod: 'a' },
      setSpecEgressRules(egressRule1),
    );
    createPolicy(k8s, egressPolicy, nsX);

    // Creating ingress policy to allow from x/a to y/a and y/b
    const allowedIngressNamespaces: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsX } };
    const allowedIngressPods: LabelSelector = { matchLabels: { pod: 'a' } };
    const ingressRule: NetworkPolicyIngressRule = {
      from: [{ namespaceSelector: allowedIngressNamespaces, podSelector: allowedIngressPods }],
    };
    const allowIngressPolicyPodA = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-from-xa-on-ya-match-selector',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    const allowIngressPolicyPodB = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-from-xa-on-yb-match-selector',
      { pod: 'b' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, allowIngressPolicyPodA, nsY);
    createPolicy(k8s, allowIngressPolicyPodB, nsY);

    const reachability = newReachability(k8s.allPodStrings(), true);
    // Default all traffic flows.
    // Exception: x/a can only egress to y/a, others are false
    // Exception: y/a can only allow ingress from x/a, others are false
    // Exception: y/b has no allowed traffic (due to limit on x/a egress)
    reachability.expectPeer(new Peer({ namespace: nsX, pod: 'a' }), new Peer(), false);
    reachability.expectPeer(new Peer(), new Peer({ namespace: nsY, pod: 'a' }), false);
    reachability.expectPeer(new Peer({ namespace: nsX, pod: 'a' }), new Peer({ namespace: nsY, pod: 'a' }), true);
    reachability.expectPeer(new Peer(), new Peer({ namespace: nsY, pod: 'b' }), false);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

it(
  TCP_SUITE,
  'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector',
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX, nsY] = getK8sNamespaces(k8s);
    const allowedNamespaces: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
    const allowedPods: LabelSelector = { matchLabels: { pod: 'a' } };
    const egressRule1: NetworkPolicyEgressRule = {
      to: [{ namespaceSelector: allowedNamespaces, podSelector: allowedPods }],
    };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-to-ns-y-pod-a',
      { pod: 'a' },
      setSpecEgressRules(egressRule1),
    );
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectAllEgress(newPodString(nsX, 'a'), false);
    reachability.expect(newPodString(nsX, 'a'), newPodString(nsY, 'a'), true);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

it(
  TCP_SUITE,
  'should enforce ingress policy allowing any port traffic to a server on a specific protocol',
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP, protocolUDP], [80]));
    const [nsX] = getK8sNamespaces(k8s);
    const ingressRule: NetworkPolicyIngressRule = { ports: [{ protocol: protocolTCP }] };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-ingress-by-proto',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, policy, nsX);

    const reachabilityTCP = newReachability(k8s.allPodStrings(), true);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityTCP });

    const reachabilityUDP = newReachability(k8s.allPodStrings(), true);
    reachabilityUDP.expectPeer(new Peer(), new Peer({ namespace: nsX, pod: 'a' }), false);
    validateOrFail(k8s, { toPort: 80, protocol: 'UDP', reachability: reachabilityUDP });
  },
);

it(TCP_SUITE, 'should enforce multiple ingress policies with ingress allow-all policy taking precedence', (f, use) => {
  const k8s = use(initializeResources(f, [protocolTCP], [81]));
  const [nsX] = getK8sNamespaces(k8s);
  const IngressRules: NetworkPolicyIngressRule = { ports: [{ port: 80 }] };
  const policyAllowOnlyPort80 = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-ingress-port-80',
    {},
    setSpecIngressRules(IngressRules),
  );
  createPolicy(k8s, policyAllowOnlyPort80, nsX);

  // ginkgo.By("The policy targets port 80 -- so let's make sure traffic on port 81 is blocked")
  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });

  // ginkgo.By("Allowing all ports")
  const policyAllowAll = genNetworkPolicyWithNameAndPodMatchLabel('allow-ingress', {}, setSpecIngressRules({}));
  createPolicy(k8s, policyAllowAll, nsX);

  const reachabilityAll = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityAll });
});

it(TCP_SUITE, 'should enforce multiple egress policies with egress allow-all policy taking precedence', (f, use) => {
  const egressRule: NetworkPolicyEgressRule = { ports: [{ port: 80 }] };
  const policyAllowPort80 = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-egress-port-80',
    {},
    setSpecEgressRules(egressRule),
  );
  const k8s = use(initializeResources(f, [protocolTCP], [81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policyAllowPort80, nsX);

  // ginkgo.By("Making sure ingress doesn't work other than port 80")
  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer(), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });

  // ginkgo.By("Allowing all ports")
  const policyAllowAll = genNetworkPolicyWithNameAndPodMatchLabel('allow-egress', {}, setSpecEgressRules({}));
  createPolicy(k8s, policyAllowAll, nsX);

  const reachabilityAll = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability: reachabilityAll });
});

it(TCP_SUITE, 'should stop enforcing policies after they are deleted', (f, use) => {
  // ginkgo.By("Creating a network policy for the server which denies all traffic.")
  // Deny all traffic into and out of "x".
  const policy = genNetworkPolicyWithNameAndPodSelector('deny-all', {}, setSpecIngressRules(), setSpecEgressRules());
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);
  const reachability = newReachability(k8s.allPodStrings(), true);

  // Expect all traffic into, and out of "x" to be False.
  reachability.expectPeer(new Peer({ namespace: nsX }), new Peer(), false);
  reachability.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });

  k8s.cleanNetworkPolicies();
  // time.Sleep(3 * time.Second): timing only

  // Now the policy is deleted, we expect all connectivity to work again.
  const reachabilityAll = newReachability(k8s.allPodStrings(), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityAll });
});

// TODO, figure out how the next 3 tests should work with dual stack : do we need a different abstraction then just "podIP"?

it(TCP_SUITE, 'should allow egress access to server in CIDR block', (f, use) => {
  // Getting podServer's status to get podServer's IP, to create the CIDR
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX, nsY] = getK8sNamespaces(k8s);
  const podIP = k8s.podIp(nsY, 'b'); // Pods(nsY).List(LabelSelector: "pod=b")

  const hostMask = 32; // IPv4 pod IPs
  const podServerCIDR = `${podIP}/${hostMask}`;
  const egressRule1: NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: podServerCIDR } }] };
  const policyAllowCIDR = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-cidr-egress-rule',
    { pod: 'a' },
    setSpecEgressRules(egressRule1),
  );
  createPolicy(k8s, policyAllowCIDR, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllEgress(newPodString(nsX, 'a'), false);
  reachability.expect(newPodString(nsX, 'a'), newPodString(nsY, 'b'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should enforce except clause while egress access to server in CIDR block', (f, use) => {
  // Getting podServer's status to get podServer's IP, to create the CIDR with except clause
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const podAIP = k8s.podIp(nsX, 'a');

  const podServerAllowCIDR = `${podAIP}/4`; // stored masked: 0.0.0.0/4

  const podBIP = k8s.podIp(nsX, 'b');
  const hostMask = 32;
  const podServerExceptList = [`${podBIP}/${hostMask}`];

  const egressRule1: NetworkPolicyEgressRule = {
    to: [{ ipBlock: { cidr: podServerAllowCIDR, except: podServerExceptList } }],
  };
  const policyAllowCIDR = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-cidr-egress-rule',
    { pod: 'a' },
    setSpecEgressRules(egressRule1),
  );
  createPolicy(k8s, policyAllowCIDR, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expect(newPodString(nsX, 'a'), newPodString(nsX, 'b'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
});

it(TCP_SUITE, 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed', (f, use) => {
  // Getting podServer's status to get podServer's IP, to create the CIDR with except clause
  const k8s = use(initializeResources(f, [protocolTCP], [80]));
  const [nsX] = getK8sNamespaces(k8s);
  const podAIP = k8s.podIp(nsX, 'a');
  const podBIP = k8s.podIp(nsX, 'b');

  // Exclude podServer's IP with an Except clause
  const hostMask = 32;
  const podServerAllowCIDR = `${podAIP}/4`; // stored masked: 0.0.0.0/4
  const podServerExceptList = [`${podBIP}/${hostMask}`];
  const egressRule1: NetworkPolicyEgressRule = {
    to: [{ ipBlock: { cidr: podServerAllowCIDR, except: podServerExceptList } }],
  };
  const policyAllowCIDR = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-cidr-egress-rule',
    { pod: 'a' },
    setSpecEgressRules(egressRule1),
  );
  createPolicy(k8s, policyAllowCIDR, nsX);

  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expect(newPodString(nsX, 'a'), newPodString(nsX, 'b'), false);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });

  const podBCIDR = `${podBIP}/${hostMask}`;
  // Create NetworkPolicy which allows access to the podServer using podServer's IP in allow CIDR.
  const egressRule3: NetworkPolicyEgressRule = { to: [{ ipBlock: { cidr: podBCIDR } }] };
  const allowPolicy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-client-a-via-cidr-egress-rule',
    { pod: 'a' },
    setSpecEgressRules(egressRule3),
  );
  // SHOULD THIS BE UPDATE OR CREATE JAY TESTING 10/31
  updatePolicy(k8s, allowPolicy, nsX);

  const reachabilityAllow = newReachability(k8s.allPodStrings(), true);
  reachabilityAllow.expectAllEgress(newPodString(nsX, 'a'), false);
  reachabilityAllow.expect(newPodString(nsX, 'a'), newPodString(nsX, 'b'), true);
  validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: reachabilityAllow });
});

it(
  TCP_SUITE,
  'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
  (f, use) => {
    /*
    Test steps:
    1. Verify every pod in every namespace can talk to each other
       - including a -> b and b -> a
    2. Create a policy to allow egress a -> b (target = a)
    3. Create a policy to *deny* ingress b -> a (target = a)
    4. Verify a -> b allowed; b -> a blocked
  */
    const targetLabels = { pod: 'a' };

    // ginkgo.By("Creating a network policy for pod-a which allows Egress traffic to pod-b.")
    const allowEgressPolicy = genNetworkPolicyWithNameAndPodSelector(
      'allow-egress-for-target',
      { matchLabels: targetLabels },
      setSpecEgressRules({}),
    );
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX] = getK8sNamespaces(k8s);
    createPolicy(k8s, allowEgressPolicy, nsX);

    const allowEgressReachability = newReachability(k8s.allPodStrings(), true);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: allowEgressReachability });

    // ginkgo.By("Creating a network policy for pod-a that denies traffic from pod-b.")
    const denyAllIngressPolicy = genNetworkPolicyWithNameAndPodSelector(
      'deny-ingress-via-label-selector',
      { matchLabels: targetLabels },
      setSpecIngressRules(),
    );
    createPolicy(k8s, denyAllIngressPolicy, nsX);

    const denyIngressToXReachability = newReachability(k8s.allPodStrings(), true);
    denyIngressToXReachability.expectAllIngress(newPodString(nsX, 'a'), false);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability: denyIngressToXReachability });
  },
);

// This test *does* apply to plugins that do not implement SCTP. It is a
// security hole if you fail this test, because you are allowing TCP
// traffic that is supposed to be blocked.
it(
  TCP_SUITE,
  "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP], [81]));
    const [nsX] = getK8sNamespaces(k8s);

    // ginkgo.By("Creating a default-deny ingress policy.")
    // Empty podSelector blocks the entire namespace
    let policy = genNetworkPolicyWithNameAndPodSelector('deny-ingress', {}, setSpecIngressRules());
    createPolicy(k8s, policy, nsX);

    // ginkgo.By("Creating a network policy for the server which allows traffic only via SCTP on port 81.")
    const ingressRule: NetworkPolicyIngressRule = { ports: [{ port: 81, protocol: protocolSCTP }] };
    policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-only-sctp-ingress-on-port-81',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, policy, nsX);

    // ginkgo.By("Trying to connect to TCP port 81, which should be blocked by the deny-ingress policy.")
    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
    validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });
  },
);

// This test *does* apply to plugins that do not implement SCTP. It is a
// security hole if you fail this test, because you are allowing TCP
// traffic that is supposed to be blocked.
it(
  TCP_SUITE,
  "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
  (f, use) => {
    // ginkgo.By("Creating a network policy for the server which allows traffic only via SCTP on port 80.")
    const ingressRule: NetworkPolicyIngressRule = { ports: [{ port: 80, protocol: protocolSCTP }] };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-only-sctp-ingress-on-port-80',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    const k8s = use(initializeResources(f, [protocolTCP], [81]));
    const [nsX] = getK8sNamespaces(k8s);
    createPolicy(k8s, policy, nsX);

    // ginkgo.By("Trying to connect to TCP port 81, which should be blocked by implicit isolation.")
    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectAllIngress(newPodString(nsX, 'a'), false);
    validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });
  },
);

it(TCP_SUITE, 'should not allow access by TCP when a policy specifies only UDP', (f, use) => {
  const ingressRule: NetworkPolicyIngressRule = { ports: [{ port: 81, protocol: protocolUDP }] };
  const policy = genNetworkPolicyWithNameAndPodMatchLabel(
    'allow-only-udp-ingress-on-port-81',
    { pod: 'a' },
    setSpecIngressRules(ingressRule),
  );
  const k8s = use(initializeResources(f, [protocolTCP], [81]));
  const [nsX] = getK8sNamespaces(k8s);
  createPolicy(k8s, policy, nsX);

  // ginkgo.By("Creating a network policy for the server which allows traffic only via UDP on port 81.")
  // Probing with TCP, so all traffic should be dropped.
  const reachability = newReachability(k8s.allPodStrings(), true);
  reachability.expectAllIngress(newPodString(nsX, 'a'), false);
  validateOrFail(k8s, { toPort: 81, protocol: 'TCP', reachability });
});

// Note that this default ns functionality is maintained by the APIMachinery group, but we test it here anyways because its an important feature.
it(
  TCP_SUITE,
  'should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label',
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
    const allowedLabels: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } }; // v1.LabelMetadataName
    const ingressRule: NetworkPolicyIngressRule = { from: [{ namespaceSelector: allowedLabels }] };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-client-a-via-ns-selector-for-immutable-ns-label',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
    reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

// Note that this default ns functionality is maintained by the APIMachinery group, but we test it here anyways because its an important feature.
it(
  TCP_SUITE,
  'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label',
  (f, use) => {
    const k8s = use(initializeResources(f, [protocolTCP], [80]));
    const [nsX, nsY] = getK8sNamespaces(k8s);
    const allowedNamespaces: LabelSelector = {
      matchExpressions: [{ key: NAMESPACE_LABEL_KEY, operator: 'NotIn', values: [nsY] }],
    }; // v1.LabelMetadataName
    const egressRule: NetworkPolicyEgressRule = { to: [{ namespaceSelector: allowedNamespaces }] };
    const policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-ns-y-match-selector-for-immutable-ns-label',
      { pod: 'a' },
      setSpecEgressRules(egressRule),
    );
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectPeer(new Peer({ namespace: nsX, pod: 'a' }), new Peer({ namespace: nsY }), false);
    validateOrFail(k8s, { toPort: 80, protocol: 'TCP', reachability });
  },
);

// ---- Netpol [LinuxOnly] / ... using UDP and Netpol [Feature:SCTPConnectivity] [LinuxOnly] / ... using SCTP
// The two suites run the same three tests with protocolUDP / protocolSCTP (policy names as upstream).

for (const [suite, protocol] of [
  [UDP_SUITE, protocolUDP],
  [SCTP_SUITE, protocolSCTP],
] as const) {
  it(suite, "should support a 'default-deny-ingress' policy", (f, use) => {
    const k8s = use(initializeResources(f, [protocol], [80]));
    const [nsX] = getK8sNamespaces(k8s);
    const policy = genNetworkPolicyWithNameAndPodSelector('deny-all', {}, setSpecIngressRules());
    createPolicy(k8s, policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectPeer(new Peer(), new Peer({ namespace: nsX }), false);
    validateOrFail(k8s, { toPort: 80, protocol, reachability });
  });

  it(suite, 'should enforce policy based on Ports', (f, use) => {
    // ginkgo.By("Creating a network policy allowPort81Policy which only allows allow listed namespaces (y) to connect on exactly one port (81)")
    const k8s = use(initializeResources(f, [protocol], [81]));
    const [nsX, nsY, nsZ] = getK8sNamespaces(k8s);
    const allowedLabels: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
    const ingressRule: NetworkPolicyIngressRule = {
      from: [{ namespaceSelector: allowedLabels }],
      ports: [{ port: 81, protocol }],
    };
    const allowPort81Policy = genNetworkPolicyWithNameAndPodMatchLabel(
      'allow-ingress-on-port-81-ns-x',
      { pod: 'a' },
      setSpecIngressRules(ingressRule),
    );
    createPolicy(k8s, allowPort81Policy, nsX);

    const reachability = newReachability(k8s.allPodStrings(), true);
    reachability.expectPeer(new Peer({ namespace: nsX }), new Peer({ namespace: nsX, pod: 'a' }), false);
    reachability.expectPeer(new Peer({ namespace: nsZ }), new Peer({ namespace: nsX, pod: 'a' }), false);
    validateOrFail(k8s, { toPort: 81, protocol, reachability });
  });

  it(
    suite,
    'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    (f, use) => {
      const k8s = use(initializeResources(f, [protocol], [80]));
      const [nsX, nsY] = getK8sNamespaces(k8s);
      const allowedNamespaces: LabelSelector = { matchLabels: { [NAMESPACE_LABEL_KEY]: nsY } };
      const allowedPods: LabelSelector = { matchLabels: { pod: 'a' } };
      const ingressRule: NetworkPolicyIngressRule = {
        from: [{ namespaceSelector: allowedNamespaces, podSelector: allowedPods }],
      };
      const policy = genNetworkPolicyWithNameAndPodMatchLabel(
        'allow-ns-y-pod-a-via-namespace-pod-selector',
        { pod: 'a' },
        setSpecIngressRules(ingressRule),
      );
      createPolicy(k8s, policy, nsX);

      const reachability = newReachability(k8s.allPodStrings(), true);
      reachability.expectAllIngress(newPodString(nsX, 'a'), false);
      reachability.expect(newPodString(nsY, 'a'), newPodString(nsX, 'a'), true);
      validateOrFail(k8s, { toPort: 80, protocol, reachability });
    },
  );
}

/** Every transcribed test, in upstream order (42 TCP, then 3 UDP, then 3 SCTP). */
export const NETPOL_CASES: readonly NetpolCase[] = cases;

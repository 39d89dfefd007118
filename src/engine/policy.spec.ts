// NetworkPolicy evaluation (src/engine/policy): each row names its source, the kubernetes.io
// network-policies concept page (DOC, with its section) or an upstream e2e test in
// test/e2e/network/netpol/network_policy.go (E2E, with its name).
import { describe, expect, it } from 'vitest';
import type {
  ClusterModel,
  ContainerPortModel,
  LabelSelectorModel,
  LabelSelectorRequirementModel,
  NamespaceModel,
  NetworkPolicyModel,
  NetworkPolicyPeerModel,
  NetworkPolicyPortModel,
  NetworkPolicyRuleModel,
  NodeModel,
  PodModel,
  PolicyType,
  Protocol,
} from './model';
import {
  compilePolicies,
  hasPolicies,
  judgeConnection,
  judgeEgress,
  judgeIngress,
  type PolicyIndex,
  type PolicyPeerRef,
  type PolicyVerdict,
} from './policy';
import { compileSelector } from './policy/selectors';
import { RULES } from './rules';

// ---- builders ---------------------------------------------------------------------------------

const NODES: readonly NodeModel[] = [
  {
    name: 'n1',
    internalIps: ['192.168.0.1', 'fd00::1'],
    externalIp: '49.0.0.1',
    podCidrs: ['10.1.0.0/24'],
    labels: {},
  },
  { name: 'n2', internalIps: ['192.168.0.2'], externalIp: null, podCidrs: ['10.1.1.0/24'], labels: {} },
];

function pod(ref: string, ip: string, labels: Record<string, string> = {}, edit: Partial<PodModel> = {}): PodModel {
  const [namespace, name] = ref.split('/');
  return {
    namespace,
    name,
    labels,
    nodeName: 'n1',
    ips: [ip],
    hostNetwork: false,
    phase: 'Running',
    ready: true,
    terminating: false,
    containerPorts: [],
    ...edit,
  };
}

const sel = (
  matchLabels: Record<string, string> = {},
  matchExpressions: LabelSelectorRequirementModel[] = [],
): LabelSelectorModel => ({ matchLabels, matchExpressions });
const ALL = sel();
const podsPeer = (
  podSelector: LabelSelectorModel | null,
  namespaceSelector: LabelSelectorModel | null = null,
): NetworkPolicyPeerModel => ({ podSelector, namespaceSelector, ipBlock: null });
const ipBlock = (cidr: string, except: string[] = []): NetworkPolicyPeerModel => ({
  podSelector: null,
  namespaceSelector: null,
  ipBlock: { cidr, except },
});
const tcp = (
  port: number | string | null,
  endPort: number | null = null,
  protocol: Protocol = 'TCP',
): NetworkPolicyPortModel => ({ protocol, port, endPort });
const rule = (peers: NetworkPolicyPeerModel[] = [], ports: NetworkPolicyPortModel[] = []): NetworkPolicyRuleModel => ({
  peers,
  ports,
});

function policy(
  ref: string,
  podSelector: LabelSelectorModel,
  spec: { types?: PolicyType[]; ingress?: NetworkPolicyRuleModel[]; egress?: NetworkPolicyRuleModel[] },
): NetworkPolicyModel {
  const [namespace, name] = ref.split('/');
  return {
    namespace,
    name,
    podSelector,
    policyTypes: spec.types ?? [],
    ingress: spec.ingress ?? [],
    egress: spec.egress ?? [],
  };
}

function cluster(
  pods: readonly PodModel[],
  networkPolicies: readonly NetworkPolicyModel[],
  namespaces: readonly NamespaceModel[] = [],
): ClusterModel {
  return {
    name: 'c',
    profile: 'KUBERNETES',
    kubernetesVersion: '1.33',
    networkModel: 'TUNNEL',
    proxyMode: 'IPTABLES',
    clusterCidrs: ['10.1.0.0/16'],
    serviceCidrs: ['10.96.0.0/12'],
    nodePortRange: { min: 30000, max: 32767 },
    kubeProxy: { masqueradeAll: false, localDetector: 'CLUSTER_CIDR', nodePortAddresses: [], localhostNodePorts: true },
    nodes: NODES,
    pods,
    services: [],
    endpointSlices: [],
    namespaces,
    networkPolicies,
  };
}

const at = (p: PodModel, ip = p.ips[0]): PolicyPeerRef => ({ ip, pod: p });
const ext = (ip: string): PolicyPeerRef => ({ ip, pod: null });
/** The verdict in one comparable line: [allowed, reason, rule, "policy#rule" or null]. */
const brief = (v: PolicyVerdict) => [
  v.allowed,
  v.reason,
  v.rule,
  v.allowedBy === null ? null : `${v.allowedBy.policy}#${v.allowedBy.rule}`,
];

interface Row {
  readonly name: string;
  readonly judge: () => PolicyVerdict;
  readonly want: ReturnType<typeof brief>;
}
function table(rows: readonly Row[]): void {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_, r) => expect(brief(r.judge())).toEqual(r.want));
}

const ALLOWED = (by: string): ReturnType<typeof brief> => [true, 'ALLOWED_BY_POLICY', 'K8S-NETPOL-ALLOWED', by];
const DENIED_IN: ReturnType<typeof brief> = [false, 'DENIED_INGRESS', 'K8S-NETPOL-DENIED-INGRESS', null];
const DENIED_OUT: ReturnType<typeof brief> = [false, 'DENIED_EGRESS', 'K8S-NETPOL-DENIED-EGRESS', null];
const OPEN: ReturnType<typeof brief> = [true, 'NO_POLICY_SELECTS_POD', 'K8S-NETPOL-NOT-ISOLATED', null];

// ---- DOC "The NetworkPolicy resource": the test-network-policy example ---------------------------

describe('DOC test-network-policy example (The NetworkPolicy resource)', () => {
  const db = pod('default/db', '10.1.0.10', { role: 'db' });
  const frontend = pod('default/frontend', '10.1.0.11', { role: 'frontend' });
  const cache = pod('default/cache', '10.1.0.12', { role: 'cache' });
  const inProject = pod('proj/any', '10.1.1.10', { app: 'x' }, { nodeName: 'n2' });
  const frontendElsewhere = pod('other/frontend', '10.1.1.11', { role: 'frontend' }, { nodeName: 'n2' });
  const example = policy('default/test-network-policy', sel({ role: 'db' }), {
    types: ['Ingress', 'Egress'],
    ingress: [
      rule(
        [
          ipBlock('172.17.0.0/16', ['172.17.1.0/24']),
          podsPeer(null, sel({ project: 'myproject' })),
          podsPeer(sel({ role: 'frontend' })),
        ],
        [tcp(6379)],
      ),
    ],
    egress: [rule([ipBlock('10.0.0.0/24')], [tcp(5978)])],
  });
  const index = compilePolicies(
    cluster(
      [db, frontend, cache, inProject, frontendElsewhere],
      [example],
      [
        { name: 'proj', labels: { project: 'myproject' } },
        { name: 'other', labels: {} },
      ],
    ),
    { enforced: true },
  );
  const EX = 'default/test-network-policy#0';

  table([
    {
      name: 'role=frontend pod of default -> db:6379 allowed',
      judge: () => judgeIngress(index, db, at(frontend), 6379, 'TCP'),
      want: ALLOWED(EX),
    },
    {
      name: 'any pod of a project=myproject namespace -> db:6379 allowed',
      judge: () => judgeIngress(index, db, at(inProject), 6379, 'TCP'),
      want: ALLOWED(EX),
    },
    {
      name: 'role=frontend pod of another namespace -> db denied (podSelector alone = policy namespace)',
      judge: () => judgeIngress(index, db, at(frontendElsewhere), 6379, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'role=cache pod of default -> db denied',
      judge: () => judgeIngress(index, db, at(cache), 6379, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: '172.17.0.5 (in cidr) -> db:6379 allowed',
      judge: () => judgeIngress(index, db, ext('172.17.0.5'), 6379, 'TCP'),
      want: ALLOWED(EX),
    },
    {
      name: '172.17.2.1 (in cidr, after the except) -> db:6379 allowed',
      judge: () => judgeIngress(index, db, ext('172.17.2.1'), 6379, 'TCP'),
      want: ALLOWED(EX),
    },
    {
      name: '172.17.1.5 (in except) -> db denied',
      judge: () => judgeIngress(index, db, ext('172.17.1.5'), 6379, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: '172.18.0.1 (outside cidr) -> db denied',
      judge: () => judgeIngress(index, db, ext('172.18.0.1'), 6379, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'frontend -> db:6380 denied (port)',
      judge: () => judgeIngress(index, db, at(frontend), 6380, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'frontend -> db:6379/UDP denied (protocol)',
      judge: () => judgeIngress(index, db, at(frontend), 6379, 'UDP'),
      want: DENIED_IN,
    },
    {
      name: 'db -> 10.0.0.7:5978 allowed (egress rule)',
      judge: () => judgeEgress(index, db, ext('10.0.0.7'), 5978, 'TCP'),
      want: ALLOWED(EX),
    },
    {
      name: 'db -> 10.0.0.7:5979 denied',
      judge: () => judgeEgress(index, db, ext('10.0.0.7'), 5979, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'db -> 10.0.1.1:5978 denied',
      judge: () => judgeEgress(index, db, ext('10.0.1.1'), 5978, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'frontend is not selected: its ingress is open',
      judge: () => judgeIngress(index, frontend, at(cache), 1, 'TCP'),
      want: OPEN,
    },
    {
      name: 'frontend is not selected: its egress is open',
      judge: () => judgeEgress(index, frontend, ext('8.8.8.8'), 53, 'UDP'),
      want: OPEN,
    },
  ]);

  it('lists the selecting policies and no caveat', () => {
    const v = judgeIngress(index, db, at(frontend), 6379, 'TCP');
    expect([v.policies, v.caveats, v.allowedBy]).toEqual([
      ['default/test-network-policy'],
      [],
      { policy: 'default/test-network-policy', direction: 'Ingress', rule: 0 },
    ]);
    expect(judgeIngress(index, frontend, at(cache), 1, 'TCP').policies).toEqual([]);
  });
});

// ---- DOC "Default policies" ----------------------------------------------------------------------

describe('DOC Default policies', () => {
  const a = pod('x/a', '10.1.0.20', { pod: 'a' });
  const b = pod('x/b', '10.1.0.21', { pod: 'b' });
  const y = pod('y/a', '10.1.1.20', { pod: 'a' }, { nodeName: 'n2' });
  const pods = [a, b, y];
  const denyIngress = policy('x/default-deny-ingress', ALL, { types: ['Ingress'] });
  const allowAllIngress = policy('x/allow-all-ingress', ALL, { types: ['Ingress'], ingress: [rule()] });
  const denyEgress = policy('x/default-deny-egress', ALL, { types: ['Egress'] });
  const allowAllEgress = policy('x/allow-all-egress', ALL, { types: ['Egress'], egress: [rule()] });
  const denyAll = policy('x/default-deny-all', ALL, { types: ['Ingress', 'Egress'] });
  const idx = (...ps: NetworkPolicyModel[]): PolicyIndex => compilePolicies(cluster(pods, ps), { enforced: true });

  table([
    // DOC "Default deny all ingress traffic"; E2E "should support a 'default-deny-ingress' policy"
    {
      name: 'default-deny-ingress: y/a -> x/a denied',
      judge: () => judgeIngress(idx(denyIngress), a, at(y), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'default-deny-ingress: x/b -> x/a denied',
      judge: () => judgeIngress(idx(denyIngress), a, at(b), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'default-deny-ingress: egress of x/a unchanged',
      judge: () => judgeEgress(idx(denyIngress), a, at(y), 80, 'TCP'),
      want: OPEN,
    },
    {
      name: 'default-deny-ingress: y/a ingress (other namespace) unaffected',
      judge: () => judgeIngress(idx(denyIngress), y, at(a), 80, 'TCP'),
      want: OPEN,
    },
    // DOC "Default allow all ingress traffic" (additive with a deny-all; E2E "should enforce multiple ingress policies with ingress allow-all policy taking precedence")
    {
      name: 'allow-all-ingress next to default-deny-ingress: allowed',
      judge: () => judgeIngress(idx(denyIngress, allowAllIngress), a, ext('203.0.113.9'), 9999, 'UDP'),
      want: ALLOWED('x/allow-all-ingress#0'),
    },
    // DOC "Default deny all egress traffic"; E2E "should deny egress from all pods in a namespace"
    {
      name: 'default-deny-egress: x/a -> y/a denied',
      judge: () => judgeEgress(idx(denyEgress), a, at(y), 80, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'default-deny-egress: ingress of x/a unchanged',
      judge: () => judgeIngress(idx(denyEgress), a, at(y), 80, 'TCP'),
      want: OPEN,
    },
    // DOC "Default allow all egress traffic"
    {
      name: 'allow-all-egress next to default-deny-egress: allowed',
      judge: () => judgeEgress(idx(denyEgress, allowAllEgress), a, ext('8.8.8.8'), 53, 'UDP'),
      want: ALLOWED('x/allow-all-egress#0'),
    },
    // DOC "Default deny all ingress and all egress traffic"; E2E "should support a 'default-deny-all' policy"
    {
      name: 'default-deny-all: ingress denied',
      judge: () => judgeIngress(idx(denyAll), a, at(y), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'default-deny-all: egress denied',
      judge: () => judgeEgress(idx(denyAll), a, at(b), 80, 'TCP'),
      want: DENIED_OUT,
    },
  ]);

  it('E2E "should support a \'default-deny-all\' policy": both ends of x/a -> x/b fail, y -> y untouched', () => {
    const index = idx(denyAll);
    const c = judgeConnection(index, at(a), at(b), 80, 'TCP');
    expect([c.allowed, c.egress.reason, c.ingress.reason]).toEqual([false, 'DENIED_EGRESS', 'DENIED_INGRESS']);
    const y2 = pod('y/b', '10.1.1.21');
    expect(judgeConnection(index, at(y), at(y2), 80, 'TCP').allowed).toBe(true);
  });
});

// ---- policyTypes defaulting (DOC "The NetworkPolicy resource" policyTypes; defaults.go SetDefaults_NetworkPolicy) ----

describe('policyTypes [] defaulted as the API server does', () => {
  const a = pod('x/a', '10.1.0.30', { pod: 'a' });
  const to = ext('10.9.9.9');
  const judgeBoth = (p: NetworkPolicyModel) => {
    const index = compilePolicies(cluster([a], [p]), { enforced: true });
    return [judgeIngress(index, a, to, 80, 'TCP').reason, judgeEgress(index, a, to, 80, 'TCP').reason];
  };
  it.each([
    [
      'no egress rules: Ingress only (egress open)',
      policy('x/p', ALL, {}),
      ['DENIED_INGRESS', 'NO_POLICY_SELECTS_POD'],
    ],
    [
      'ingress rules only: still Ingress only',
      policy('x/p', ALL, { ingress: [rule([ipBlock('10.8.0.0/16')])] }),
      ['DENIED_INGRESS', 'NO_POLICY_SELECTS_POD'],
    ],
    [
      'egress rules: Ingress and Egress',
      policy('x/p', ALL, { egress: [rule([ipBlock('10.8.0.0/16')])] }),
      ['DENIED_INGRESS', 'DENIED_EGRESS'],
    ],
    [
      'explicit [Egress]: ingress open',
      policy('x/p', ALL, { types: ['Egress'] }),
      ['NO_POLICY_SELECTS_POD', 'DENIED_EGRESS'],
    ],
    [
      'explicit [Egress] ignores ingress rules',
      policy('x/p', ALL, { types: ['Egress'], ingress: [rule()] }),
      ['NO_POLICY_SELECTS_POD', 'DENIED_EGRESS'],
    ],
  ] as const)('%s', (_, p, want) => expect(judgeBoth(p)).toEqual(want));
});

// ---- DOC "Behavior of to and from selectors": the AND vs OR example ------------------------------

describe('DOC namespaceSelector and podSelector: AND (one element) vs OR (two elements)', () => {
  const server = pod('default/server', '10.1.0.40', { app: 'server' });
  const aliceClient = pod('alice/client', '10.1.1.40', { role: 'client' }, { nodeName: 'n2' });
  const aliceOther = pod('alice/other', '10.1.1.41', { role: 'db' }, { nodeName: 'n2' });
  const localClient = pod('default/client', '10.1.0.41', { role: 'client' });
  const bobClient = pod('bob/client', '10.1.1.42', { role: 'client' }, { nodeName: 'n2' });
  const namespaces = [
    { name: 'alice', labels: { user: 'alice' } },
    { name: 'bob', labels: { user: 'bob' } },
  ];
  const and = compilePolicies(
    cluster(
      [server],
      [
        policy('default/and', sel({ app: 'server' }), {
          ingress: [rule([podsPeer(sel({ role: 'client' }), sel({ user: 'alice' }))])],
        }),
      ],
      namespaces,
    ),
    { enforced: true },
  );
  const or = compilePolicies(
    cluster(
      [server],
      [
        policy('default/or', sel({ app: 'server' }), {
          ingress: [rule([podsPeer(null, sel({ user: 'alice' })), podsPeer(sel({ role: 'client' }))])],
        }),
      ],
      namespaces,
    ),
    { enforced: true },
  );
  const cases = [aliceClient, aliceOther, localClient, bobClient];
  it('AND: only role=client pods in user=alice namespaces', () => {
    expect(cases.map((c) => judgeIngress(and, server, at(c), 80, 'TCP').allowed)).toEqual([true, false, false, false]);
  });
  it('OR: role=client pods of the local namespace, or any pod of a user=alice namespace', () => {
    expect(cases.map((c) => judgeIngress(or, server, at(c), 80, 'TCP').allowed)).toEqual([true, true, true, false]);
  });
});

// ---- DOC "Targeting a range of ports": the multi-port-egress example -----------------------------

describe('DOC multi-port-egress (endPort) example', () => {
  const db = pod('default/db', '10.1.0.50', { role: 'db' });
  const index = compilePolicies(
    cluster(
      [db],
      [
        policy('default/multi-port-egress', sel({ role: 'db' }), {
          types: ['Egress'],
          egress: [rule([ipBlock('10.0.0.0/24')], [tcp(32000, 32768)])],
        }),
      ],
    ),
    { enforced: true },
  );
  it.each([
    [31999, false],
    [32000, true],
    [32500, true],
    [32768, true],
    [32769, false],
  ] as const)('port %i -> %s', (port, allowed) => {
    expect(judgeEgress(index, db, ext('10.0.0.9'), port, 'TCP').allowed).toBe(allowed);
  });
  it('the range is per protocol', () =>
    expect(judgeEgress(index, db, ext('10.0.0.9'), 32000, 'UDP').allowed).toBe(false));
});

// ---- ports: protocol, port null, named ports -----------------------------------------------------

describe('ports', () => {
  const named: ContainerPortModel[] = [
    { name: 'serve-80-tcp', containerPort: 80, protocol: 'TCP' },
    { name: 'serve-81-tcp', containerPort: 81, protocol: 'TCP' },
    { name: 'serve-81-udp', containerPort: 81, protocol: 'UDP' },
  ];
  const a = pod('x/a', '10.1.0.60', { pod: 'a' }, { containerPorts: named });
  const b = pod('x/b', '10.1.0.61', { pod: 'b' }, { containerPorts: named });
  const plain = pod('y/plain', '10.1.1.60', { pod: 'p' }, { nodeName: 'n2' });
  const y = pod('y/a', '10.1.1.61', { pod: 'a' }, { nodeName: 'n2', containerPorts: named });
  const pods = [a, b, plain, y];
  const idx = (...ps: NetworkPolicyModel[]) => compilePolicies(cluster(pods, ps), { enforced: true });
  // E2E "should allow ingress access on one named port"
  const ingressNamed = idx(
    policy('x/allow-all', ALL, { ingress: [rule([], [{ protocol: 'TCP', port: 'serve-81-tcp', endPort: null }])] }),
  );
  // E2E "should allow egress access on one named port"
  const egressNamed = idx(
    policy('x/allow-egress', ALL, { egress: [rule([], [{ protocol: 'TCP', port: 'serve-80-tcp', endPort: null }])] }),
  );
  // E2E "should enforce ingress policy allowing any port traffic to a server on a specific protocol"
  const anyTcp = idx(policy('x/allow-ingress-by-proto', sel({ pod: 'a' }), { ingress: [rule([], [tcp(null)])] }));
  // E2E "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP"
  const sctpOnly = idx(
    policy('x/allow-only-sctp-ingress-on-port-81', sel({ pod: 'a' }), { ingress: [rule([], [tcp(81, null, 'SCTP')])] }),
  );

  table([
    {
      name: 'named ingress port: y/a -> x/a:81 (serve-81-tcp) allowed',
      judge: () => judgeIngress(ingressNamed, a, at(y), 81, 'TCP'),
      want: ALLOWED('x/allow-all#0'),
    },
    {
      name: 'named ingress port: y/a -> x/a:80 denied',
      judge: () => judgeIngress(ingressNamed, a, at(y), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'named ingress port: the name is TCP, 81/UDP denied',
      judge: () => judgeIngress(ingressNamed, a, at(y), 81, 'UDP'),
      want: DENIED_IN,
    },
    {
      name: 'named egress port: x/a -> y/a:80 (the destination has serve-80-tcp) allowed',
      judge: () => judgeEgress(egressNamed, a, at(y), 80, 'TCP'),
      want: ALLOWED('x/allow-egress#0'),
    },
    {
      name: 'named egress port: x/a -> y/a:81 denied',
      judge: () => judgeEgress(egressNamed, a, at(y), 81, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'named egress port: resolved on the destination, which lacks the name: denied',
      judge: () => judgeEgress(egressNamed, a, at(plain), 80, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'named egress port: no destination pod, never matches',
      judge: () => judgeEgress(egressNamed, a, ext('93.184.216.34'), 80, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'port unset: any TCP port allowed',
      judge: () => judgeIngress(anyTcp, a, at(y), 12345, 'TCP'),
      want: ALLOWED('x/allow-ingress-by-proto#0'),
    },
    { name: 'port unset: UDP denied', judge: () => judgeIngress(anyTcp, a, at(y), 80, 'UDP'), want: DENIED_IN },
    {
      name: 'SCTP-only rule: TCP 81 denied',
      judge: () => judgeIngress(sctpOnly, a, at(y), 81, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'SCTP-only rule: SCTP 81 allowed',
      judge: () => judgeIngress(sctpOnly, a, at(y), 81, 'SCTP'),
      want: ALLOWED('x/allow-only-sctp-ingress-on-port-81#0'),
    },
  ]);
});

// ---- label selectors (apimachinery semantics; E2E "...with MatchExpressions") --------------------

describe('label selectors', () => {
  const expr = (operator: LabelSelectorRequirementModel['operator'], values: string[] = []) =>
    sel({}, [{ key: 'tier', operator, values }]);
  it.each([
    ['{} matches everything', ALL, [true, true, true]],
    ['matchLabels tier=web', sel({ tier: 'web' }), [true, false, false]],
    ['In [web]', expr('In', ['web']), [true, false, false]],
    ['In [web, db]', expr('In', ['web', 'db']), [true, true, false]],
    ['NotIn [web] (matches objects without the key)', expr('NotIn', ['web']), [false, true, true]],
    ['Exists', expr('Exists'), [true, true, false]],
    ['DoesNotExist (matches objects without the key)', expr('DoesNotExist'), [false, false, true]],
    ['In over six values (the Set path)', expr('In', ['a', 'b', 'c', 'd', 'e', 'db']), [false, true, false]],
    [
      'matchLabels AND expressions',
      sel({ tier: 'web' }, [{ key: 'env', operator: 'In', values: ['prod'] }]),
      [false, false, false],
    ],
    [
      'a key named like an Object member is only an own label',
      sel({}, [{ key: 'constructor', operator: 'Exists', values: [] }]),
      [false, false, false],
    ],
  ] as const)('%s', (_, selector, want) => {
    const matches = compileSelector(selector);
    expect(
      ([{ tier: 'web' }, { tier: 'db' }, { other: 'x' }] as Record<string, string>[]).map((l) => matches(l)),
    ).toEqual(want);
  });
});

// ---- namespaces and peers that are not pods -------------------------------------------------------

describe('namespace labels and non-pod peers', () => {
  const a = pod('x/a', '10.1.0.70', { pod: 'a' });
  const fromY = pod('y/a', '10.1.1.70', { pod: 'a' }, { nodeName: 'n2' });
  const fromZ = pod('z/a', '10.1.1.71', { pod: 'a' }, { nodeName: 'n2' });
  const hostNet = pod('y/host', '192.168.0.2', { pod: 'a' }, { nodeName: 'n2', hostNetwork: true });
  // y is listed without its name label, z is not listed at all: both still carry kubernetes.io/metadata.name.
  const namespaces = [{ name: 'y', labels: { team: 'blue' } }];
  // E2E "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label"
  const byName = compilePolicies(
    cluster(
      [a],
      [
        policy('x/by-name', sel({ pod: 'a' }), {
          ingress: [rule([podsPeer(null, sel({ 'kubernetes.io/metadata.name': 'y' }))])],
        }),
      ],
      namespaces,
    ),
    { enforced: true },
  );
  const byNameZ = compilePolicies(
    cluster(
      [a],
      [
        policy('x/by-name', sel({ pod: 'a' }), {
          ingress: [rule([podsPeer(null, sel({ 'kubernetes.io/metadata.name': 'z' }))])],
        }),
      ],
      namespaces,
    ),
    { enforced: true },
  );
  // E2E "should enforce policy to allow ingress traffic from pods in all namespaces" (namespaceSelector {})
  const anyNs = compilePolicies(
    cluster([a], [policy('x/any-ns', sel({ pod: 'a' }), { ingress: [rule([podsPeer(null, ALL)])] })], namespaces),
    { enforced: true },
  );

  table([
    {
      name: 'metadata.name of a listed namespace missing it: y matches',
      judge: () => judgeIngress(byName, a, at(fromY), 80, 'TCP'),
      want: ALLOWED('x/by-name#0'),
    },
    {
      name: 'metadata.name selector: z does not match y',
      judge: () => judgeIngress(byName, a, at(fromZ), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'metadata.name of a namespace not in the model: z matches',
      judge: () => judgeIngress(byNameZ, a, at(fromZ), 80, 'TCP'),
      want: ALLOWED('x/by-name#0'),
    },
    {
      name: 'namespaceSelector {}: a pod of any namespace allowed',
      judge: () => judgeIngress(anyNs, a, at(fromZ), 80, 'TCP'),
      want: ALLOWED('x/any-ns#0'),
    },
    {
      name: 'namespaceSelector {}: an external address is no pod, denied',
      judge: () => judgeIngress(anyNs, a, ext('203.0.113.1'), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: "namespaceSelector {}: another node's address is no pod, denied",
      judge: () => judgeIngress(anyNs, a, ext('192.168.0.2'), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'namespaceSelector {}: a hostNetwork pod is never selected, denied',
      judge: () => judgeIngress(anyNs, a, at(hostNet), 80, 'TCP'),
      want: DENIED_IN,
    },
  ]);
});

// ---- ipBlock on pod addresses (E2E "should allow egress access to server in CIDR block", "...except clause...") ----

describe('ipBlock', () => {
  const a = pod('x/a', '10.1.0.80', { pod: 'a' });
  const b = pod('x/b', '10.1.0.81', { pod: 'b' });
  const c = pod('x/c', '10.1.0.82', { pod: 'c' });
  const v6 = pod('x/v6', 'fd00:10::5', { pod: 'v6' });
  const pods = [a, b, c, v6];
  const idx = (...ps: NetworkPolicyModel[]) => compilePolicies(cluster(pods, ps), { enforced: true });
  const cidrToB = idx(
    policy('x/allow-client-a-via-cidr-egress-rule', sel({ pod: 'a' }), { egress: [rule([ipBlock('10.1.0.81/32')])] }),
  );
  const exceptB = idx(
    policy('x/allow-client-a-via-cidr-egress-rule', sel({ pod: 'a' }), {
      egress: [rule([ipBlock('10.1.0.0/16', ['10.1.0.81/32'])])],
    }),
  );
  const cidrAndSelector = idx(
    policy('x/a-cidr', sel({ pod: 'a' }), { egress: [rule([ipBlock('10.1.0.81/32')])] }),
    policy('x/b-selector', sel({ pod: 'a' }), { egress: [rule([podsPeer(sel({ pod: 'b' }))])] }),
  );
  const ipv6 = idx(
    policy('x/v6', sel({ pod: 'a' }), {
      egress: [rule([ipBlock('fd00:10::/64', ['fd00:10::/120'])]), rule([ipBlock('fd00:20::/64')])],
    }),
  );

  it('a /32 on a pod IP allows that pod, with the CNI caveat', () => {
    const v = judgeEgress(cidrToB, a, at(b), 80, 'TCP');
    expect([...brief(v), v.caveats]).toEqual([
      ...ALLOWED('x/allow-client-a-via-cidr-egress-rule#0'),
      ['K8S-NETPOL-IPBLOCK-POD-IP'],
    ]);
    expect(judgeEgress(cidrToB, a, at(c), 80, 'TCP').allowed).toBe(false);
  });
  it('the same CIDR on a non-pod address carries no caveat', () => {
    expect(judgeEgress(cidrToB, a, ext('10.1.0.81'), 80, 'TCP').caveats).toEqual([]);
  });
  it('except removes a pod IP from the block', () => {
    expect([
      judgeEgress(exceptB, a, at(b), 80, 'TCP').allowed,
      judgeEgress(exceptB, a, at(c), 80, 'TCP').allowed,
    ]).toEqual([false, true]);
  });
  it('a selector allowing the same pod removes the caveat; allowedBy stays the first in name order', () => {
    const v = judgeEgress(cidrAndSelector, a, at(b), 80, 'TCP');
    expect([v.allowedBy?.policy, v.caveats, v.policies]).toEqual(['x/a-cidr', [], ['x/a-cidr', 'x/b-selector']]);
  });
  it('IPv6 blocks and excepts; the second rule is reported', () => {
    expect([
      judgeEgress(ipv6, a, ext('fd00:10::1:0'), 80, 'TCP').allowed,
      judgeEgress(ipv6, a, ext('fd00:10::5'), 80, 'TCP').allowed,
      judgeEgress(ipv6, a, ext('fd00:20::1'), 80, 'TCP').allowedBy?.rule,
      judgeEgress(ipv6, a, ext('10.1.0.81'), 80, 'TCP').allowed,
    ]).toEqual([true, false, 1, false]);
  });
});

// ---- exceptions: own node, hostNetwork, the pod itself, ends that are not pods --------------------

describe('exceptions', () => {
  const a = pod('x/a', '10.1.0.90', { pod: 'a' }, { nodeName: 'n1' });
  const open = pod('y/open', '10.1.1.90', { pod: 'o' }, { nodeName: 'n1' });
  const hostOnN1 = pod('kube-system/agent', '192.168.100.1', { pod: 'a' }, { nodeName: 'n1', hostNetwork: true });
  const hostInX = pod('x/host', '192.168.0.1', { pod: 'a' }, { nodeName: 'n1', hostNetwork: true });
  const pods = [a, open, hostOnN1, hostInX];
  const denyAll = compilePolicies(cluster(pods, [policy('x/deny-all', ALL, { types: ['Ingress', 'Egress'] })]), {
    enforced: true,
  });
  const allowFromNode = compilePolicies(
    cluster(pods, [policy('x/allow-node', ALL, { types: ['Ingress'], ingress: [rule([ipBlock('192.168.0.0/24')])] })]),
    { enforced: true },
  );
  const NODE: ReturnType<typeof brief> = [true, 'NODE_EXCEPTION', 'K8S-NETPOL-NODE-EXCEPTION', null];

  table([
    // DOC overview: "traffic to and from the node where a Pod is running is always allowed"
    {
      name: "ingress from its own node's internal IP",
      judge: () => judgeIngress(denyAll, a, ext('192.168.0.1'), 80, 'TCP'),
      want: NODE,
    },
    {
      name: "ingress from its own node's second (IPv6) internal IP",
      judge: () => judgeIngress(denyAll, a, ext('fd00:0::1'), 80, 'TCP'),
      want: NODE,
    },
    {
      name: "ingress from a hostNetwork pod's address on its node",
      judge: () => judgeIngress(denyAll, a, ext('192.168.100.1'), 80, 'TCP'),
      want: NODE,
    },
    {
      name: 'ingress from another node: denied',
      judge: () => judgeIngress(denyAll, a, ext('192.168.0.2'), 80, 'TCP'),
      want: DENIED_IN,
    },
    {
      name: 'egress to its own node',
      judge: () => judgeEgress(denyAll, a, ext('192.168.0.1'), 10250, 'TCP'),
      want: NODE,
    },
    {
      name: 'egress to another node: denied',
      judge: () => judgeEgress(denyAll, a, ext('192.168.0.2'), 10250, 'TCP'),
      want: DENIED_OUT,
    },
    {
      name: 'own node, but a rule allows it: the rule decides',
      judge: () => judgeIngress(allowFromNode, a, ext('192.168.0.1'), 80, 'TCP'),
      want: ALLOWED('x/allow-node#0'),
    },
    {
      name: 'own node, pod not isolated: not isolated decides',
      judge: () => judgeIngress(denyAll, open, ext('192.168.0.1'), 80, 'TCP'),
      want: OPEN,
    },
    // DOC "NetworkPolicy and hostNetwork pods" (most common implementation)
    {
      name: 'a hostNetwork pod matching the podSelector is not selected (ingress)',
      judge: () => judgeIngress(denyAll, hostInX, ext('203.0.113.1'), 80, 'TCP'),
      want: [true, 'HOST_NETWORK_NOT_SELECTED', 'K8S-NETPOL-HOST-NETWORK', null],
    },
    {
      name: 'a hostNetwork pod matching the podSelector is not selected (egress)',
      judge: () => judgeEgress(denyAll, hostInX, ext('203.0.113.1'), 80, 'TCP'),
      want: [true, 'HOST_NETWORK_NOT_SELECTED', 'K8S-NETPOL-HOST-NETWORK', null],
    },
    // DOC overview: "a pod cannot block access to itself"
    {
      name: 'a pod to itself (ingress)',
      judge: () => judgeIngress(denyAll, a, at(a), 80, 'TCP'),
      want: [true, 'SAME_POD', 'K8S-NETPOL-SAME-POD', null],
    },
    {
      name: 'a pod to itself (egress)',
      judge: () => judgeEgress(denyAll, a, at({ ...a }), 80, 'TCP'),
      want: [true, 'SAME_POD', 'K8S-NETPOL-SAME-POD', null],
    },
  ]);

  it('exception verdicts still list the selecting policies', () => {
    expect(judgeIngress(denyAll, a, ext('192.168.0.1'), 80, 'TCP').policies).toEqual(['x/deny-all']);
    expect(judgeIngress(denyAll, hostInX, ext('1.1.1.1'), 80, 'TCP').policies).toEqual([]);
  });

  it('judgeConnection: an end that is not a pod has NOT_A_POD for its direction', () => {
    const fromOutside = judgeConnection(denyAll, ext('203.0.113.1'), at(a), 80, 'TCP');
    expect([fromOutside.allowed, brief(fromOutside.egress), fromOutside.ingress.reason]).toEqual([
      false,
      [true, 'NOT_A_POD', 'K8S-NETPOL-NOT-A-POD', null],
      'DENIED_INGRESS',
    ]);
    const toOutside = judgeConnection(denyAll, at(open), ext('203.0.113.1'), 80, 'TCP');
    expect([toOutside.allowed, toOutside.egress.reason, toOutside.ingress.reason]).toEqual([
      true,
      'NO_POLICY_SELECTS_POD',
      'NOT_A_POD',
    ]);
  });
});

// ---- union, order, egress vs ingress, enforcement -------------------------------------------------

describe('union of policies, order, directions and enforcement', () => {
  const xa = pod('x/a', '10.1.0.100', { pod: 'a' });
  const ya = pod('y/a', '10.1.1.100', { pod: 'a' }, { nodeName: 'n2' });
  const yb = pod('y/b', '10.1.1.101', { pod: 'b' }, { nodeName: 'n2' });
  const pods = [xa, ya, yb];
  const fromXa = rule([podsPeer(sel({ pod: 'a' }), sel({ 'kubernetes.io/metadata.name': 'x' }))]);
  // E2E "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)"
  const policies = [
    // As the e2e helper SetSpecEgressRules writes it: policyTypes [Egress] (left empty it would isolate ingress too).
    policy('x/allow-to-ns-y-pod-a', sel({ pod: 'a' }), {
      types: ['Egress'],
      egress: [rule([podsPeer(sel({ pod: 'a' }), sel({ 'kubernetes.io/metadata.name': 'y' }))])],
    }),
    policy('y/allow-from-xa-on-ya-match-selector', sel({ pod: 'a' }), { ingress: [fromXa] }),
    policy('y/allow-from-xa-on-yb-match-selector', sel({ pod: 'b' }), { ingress: [fromXa] }),
  ];
  const index = compilePolicies(cluster(pods, policies), { enforced: true });

  it("x/a -> y/a allowed by both ends; x/a -> y/b denied by the client's egress", () => {
    const ok = judgeConnection(index, at(xa), at(ya), 80, 'TCP');
    const blocked = judgeConnection(index, at(xa), at(yb), 80, 'TCP');
    expect([ok.allowed, ok.egress.allowedBy?.policy, ok.ingress.allowedBy?.policy]).toEqual([
      true,
      'x/allow-to-ns-y-pod-a',
      'y/allow-from-xa-on-ya-match-selector',
    ]);
    expect([blocked.allowed, blocked.egress.reason, blocked.ingress.reason]).toEqual([
      false,
      'DENIED_EGRESS',
      'ALLOWED_BY_POLICY',
    ]);
  });

  it('allowedBy is the first allowing rule in policy name order, then rule order; policies are sorted', () => {
    const p = [
      policy('x/zz', ALL, { ingress: [rule()] }),
      policy('x/mm', ALL, { ingress: [rule([ipBlock('10.200.0.0/16')]), rule([], [tcp(80)])] }),
      policy('x/aa', sel({ pod: 'nope' }), { ingress: [rule()] }),
    ];
    const v = judgeIngress(compilePolicies(cluster(pods, p), { enforced: true }), xa, at(ya), 80, 'TCP');
    expect([v.policies, v.allowedBy]).toEqual([['x/mm', 'x/zz'], { policy: 'x/mm', direction: 'Ingress', rule: 1 }]);
  });

  it("a policy of one namespace never selects pods of another (y's pod=a policy, x/a labelled pod=a)", () => {
    expect(judgeIngress(index, xa, at(yb), 80, 'TCP').reason).toBe('NO_POLICY_SELECTS_POD');
  });

  it('not enforced: every verdict allowed with NOT_ENFORCED, policies still listed; hasPolicies false', () => {
    const off = compilePolicies(cluster(pods, policies), { enforced: false });
    const c = judgeConnection(off, at(xa), at(yb), 80, 'TCP');
    expect([c.allowed, brief(c.egress), c.egress.policies, c.ingress.reason, c.ingress.policies]).toEqual([
      true,
      [true, 'NOT_ENFORCED', 'K8S-NETPOL-NOT-ENFORCED', null],
      ['x/allow-to-ns-y-pod-a'],
      'NOT_ENFORCED',
      ['y/allow-from-xa-on-yb-match-selector'],
    ]);
    expect(judgeConnection(off, ext('1.2.3.4'), at(xa), 80, 'TCP').egress.reason).toBe('NOT_ENFORCED');
    expect([
      hasPolicies(off),
      hasPolicies(index),
      hasPolicies(compilePolicies(cluster(pods, []), { enforced: true })),
    ]).toEqual([false, true, false]);
  });

  it('the per-pod cache is by object: a relabelled copy of a pod is judged on its own labels', () => {
    expect(judgeIngress(index, yb, at(xa), 80, 'TCP').allowed).toBe(true);
    const relabelled = { ...yb, labels: { pod: 'c' } };
    expect(judgeIngress(index, relabelled, at(xa), 80, 'TCP').reason).toBe('NO_POLICY_SELECTS_POD');
    expect(judgeIngress(index, yb, at(xa), 80, 'TCP').allowed).toBe(true);
  });
});

describe('rules', () => {
  it('every K8S-NETPOL rule a verdict can cite exists, with evidence', () => {
    const ids = [
      'K8S-NETPOL-NOT-ENFORCED',
      'K8S-NETPOL-NOT-A-POD',
      'K8S-NETPOL-NOT-ISOLATED',
      'K8S-NETPOL-ALLOWED',
      'K8S-NETPOL-DENIED-INGRESS',
      'K8S-NETPOL-DENIED-EGRESS',
      'K8S-NETPOL-NODE-EXCEPTION',
      'K8S-NETPOL-HOST-NETWORK',
      'K8S-NETPOL-SAME-POD',
      'K8S-NETPOL-IPBLOCK-POD-IP',
    ];
    // Besides the verdicts' rules: the default enforcement's (policy/enforcement.ts), cited by the answers' policy steps.
    expect(
      Object.keys(RULES)
        .filter((id) => id.startsWith('K8S-NETPOL-'))
        .sort(),
    ).toEqual([...ids, 'K8S-NETPOL-ENFORCED-DEFAULT'].sort());
    for (const id of ids)
      expect((RULES as Record<string, { evidence: readonly unknown[] }>)[id].evidence.length).toBeGreaterThan(0);
  });
});

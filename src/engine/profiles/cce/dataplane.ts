// Huawei Cloud CCE data planes (profiles CCE and CCE_TURBO), layered over upstream kube-proxy.
// The CCE page (reference/cce-service-overview.rst, cce_10_0249) is the specification:
// - Table 1 (service affinity) is cited on every NodePort/LoadBalancer decision;
// - the failure table (eTP Local) decides, per candidate endpoint, whether an in-cluster
//   client's connection completes: the endpoint's node is "the node where the server is located";
// - ELB pass-through, the dedicated/shared ELB distinction and the CCE Turbo HostNetwork rule.
// Where the page is silent the upstream decision stands and the answer says so.
import type { CompiledCluster, CompiledEndpoint, CompiledServicePort } from '../../compiled';
import type {
  Act,
  ConnectionContext,
  ConnectionOutcome,
  DataPlane,
  Decision,
  PacketContext,
  PolicyOverride,
} from '../../dataplane/dataplane';
import { act, forward, stop } from '../../dataplane/decision';
import { clusterChoice, clusterChoiceActs } from '../../dataplane/cluster-endpoints';
import { etpLocal, kubernetesDataPlane as upstream } from '../../dataplane/kubernetes';
import { isPrivateIp, type ParsedIp } from '../../ip';
import type { ServiceModel } from '../../model';
import type { ViaKind } from '../../results';
import type { RuleId } from '../../rules';
import { elbClassOf, passThroughRequested, passThroughUnsupported } from './annotations';
import { ALL_CELLS, columnOf, lookupLoadBalancerCell, lookupNodePortCell, type CceColumn, type Cell } from './table';

/** Where an in-cluster client sits: a node's host network (incl. HostNetwork pods) or a container. */
export interface ClientLocation {
  readonly kind: 'HOST' | 'CONTAINER';
  readonly node: number;
  /** Pod key of a container client. */
  readonly pod: string | null;
}

/** The client behind a source address, or null when it is outside the cluster. */
export function clientLocation(cc: CompiledCluster, src: ParsedIp): ClientLocation | null {
  const owner = cc.ipOwner.get(src.text);
  if (owner === undefined) return null;
  if (owner.kind === 'NODE') return { kind: 'HOST', node: owner.index, pod: null };
  const pod = cc.pods.get(owner.index);
  return pod.nodeIndex < 0 ? null : { kind: 'CONTAINER', node: pod.nodeIndex, pod: pod.key };
}

/** A HostNetwork backend answers on its node's own address. */
export function hostNetworkEndpoint(cc: CompiledCluster, ep: CompiledEndpoint): boolean {
  return cc.ipOwner.get(ep.ip)?.kind === 'NODE';
}

const serviceOf = (cc: CompiledCluster, sp: CompiledServicePort): ServiceModel => cc.services[sp.serviceIndex].model;

/** The failure table applies: CCE standard cluster with a column for its network model and proxy mode. */
export function cceColumn(cc: CompiledCluster): CceColumn | null {
  return cc.model.profile === 'CCE' ? columnOf(cc.model.networkModel, cc.model.proxyMode) : null;
}

/** Pass-through in effect for this Service (what-if override first; ignored on v1.15 or earlier). */
export function passThroughOn(cc: CompiledCluster, sp: CompiledServicePort, o: PolicyOverride | undefined): boolean {
  const wanted = o?.passThrough ?? passThroughRequested(serviceOf(cc, sp));
  return wanted && !passThroughUnsupported(cc.model.kubernetesVersion);
}

const external = (via: ViaKind): boolean => via === 'NODE_PORT' || via === 'LOAD_BALANCER';

/**
 * The failure-table cell for one endpoint: the endpoint's node is the "server node". Null when the
 * page does not place this pair (the backend reaching itself, an endpoint on an unknown node);
 * 'NOT_LISTED' for LoadBalancer access the table does not list (it succeeds).
 */
export function cellFor(
  column: CceColumn,
  client: ClientLocation,
  via: ViaKind,
  processingNode: number,
  lbIp: ParsedIp | null,
  ep: CompiledEndpoint,
): Cell | 'NOT_LISTED' | null {
  if (ep.nodeIndex < 0 || (client.pod !== null && client.pod === ep.podKey)) return null;
  const sameNode = client.node === ep.nodeIndex;
  if (via === 'NODE_PORT') {
    const row =
      client.kind === 'HOST'
        ? sameNode
          ? 'NP-SERVER-HOST'
          : 'NP-OTHER-HOST'
        : sameNode
          ? 'NP-SERVER-CONTAINER'
          : 'NP-OTHER-CONTAINER';
    return lookupNodePortCell(row, processingNode === ep.nodeIndex ? 'SERVER-NODE' : 'OTHER-NODE', column);
  }
  if (via !== 'LOAD_BALANCER' || !sameNode || lbIp === null || !isPrivateIp(lbIp)) return 'NOT_LISTED';
  return lookupLoadBalancerCell(client.kind === 'HOST' ? 'LB-SERVER-HOST' : 'LB-SERVER-CONTAINER', column);
}

/** Upstream acts that stay when the CCE profile replaces the endpoint choice. */
const PREFIX_RULES: ReadonlySet<RuleId> = new Set<RuleId>([
  'K8S-CLUSTERIP-FRONTEND',
  'K8S-EXTERNALIP-FRONTEND',
  'K8S-LB-VIP-FRONTEND',
  'K8S-NODEPORT-FRONTEND',
  'K8S-LB-SOURCE-RANGES-ALLOW',
  'K8S-NODEPORT-BYPASSES-SOURCE-RANGES',
  'K8S-ITP-CLUSTERIP-ONLY',
]);
const STOPPED_EARLY: ReadonlySet<RuleId> = new Set<RuleId>(['K8S-LB-SOURCE-RANGES-DROP', 'K8S-NO-ENDPOINTS-REJECT']);

function prefixActs(d: Decision): Act[] {
  return d.acts.filter((a) => PREFIX_RULES.has(a.rule));
}

function withActs(d: Decision, extra: readonly Act[]): Decision {
  return extra.length === 0 ? d : { ...d, acts: [...d.acts, ...extra] };
}

function affinityAct(local: boolean): Act {
  return local
    ? act(
        'CCE-AFFINITY-LOCAL',
        'Table 1, node-level (Local): source IP preserved; no redirection to another node; only nodes running the workload serve it; risk of unbalanced load',
      )
    : act(
        'CCE-AFFINITY-CLUSTER',
        'Table 1, cluster-level (Cluster): source IP not preserved; the next hop may be another node; balanced load',
      );
}

function elbActs(svc: ServiceModel): Act[] {
  const cls = elbClassOf(svc);
  if (cls === 'DEDICATED')
    return [act('CCE-ELB-DEDICATED', 'dedicated load balancer (kubernetes.io/elb.class: performance)')];
  const out =
    cls === null
      ? [act('CCE-ELB-CLASS-MISSING', 'no known kubernetes.io/elb.class: treated as a shared load balancer')]
      : [];
  out.push(
    act(
      'CCE-ELB-SHARED-INFERRED',
      'shared load balancer: the table documents dedicated ones; their rows are applied here by inference',
    ),
  );
  return out;
}

function label(ep: CompiledEndpoint): string {
  return ep.podKey ?? ep.ip;
}

/** Pass-through: kube-proxy leaves the ELB address alone; the ELB delivers to its target nodes, where the NodePort rules apply. */
function passThroughDecision(ctx: PacketContext, sp: CompiledServicePort, d: Decision, local: boolean): Decision {
  const cc = ctx.cc;
  const targets = upstream.loadBalancerTargets(cc, sp, ctx.override);
  // eTP Cluster: the target node's cluster endpoints (topology-aware routing may narrow them there).
  const endpoints = local
    ? targets.flatMap((n) => sp.categories.localByNode.get(n)?.endpoints ?? [])
    : clusterChoice(sp, ctx.node).endpoints;
  const names = targets.map((n) => cc.nodes[n].name).join(', ') || 'no node';
  const acts = [
    ...prefixActs(d),
    affinityAct(local),
    act(
      'CCE-ELB-PASSTHROUGH',
      `pass-through: kube-proxy does not intercept ${ctx.dst.text}; the ELB is accessed first and delivers to ${names}`,
    ),
  ];
  if (local && serviceOf(cc, sp).annotations['kubernetes.io/elb.pass-through'] !== undefined) {
    acts.push(act('CCE-ELB-PASSTHROUGH-ONLYLOCAL', 'Local affinity: the pass-through annotation reads onlyLocal'));
  }
  if (endpoints.length === 0) return stop('DROP', acts, sp, 'LOAD_BALANCER');
  return forward(
    sp,
    'LOAD_BALANCER',
    {
      endpoints,
      masquerade: !local,
      reason: local ? 'PRESERVED_ETP_LOCAL' : 'SNAT_ETP_CLUSTER',
      rule: 'CCE-ELB-PASSTHROUGH',
    },
    acts,
  );
}

/** Candidate endpoints the CCE page implies where upstream would choose differently (see the inferred rules). */
function candidates(
  ctx: PacketContext,
  sp: CompiledServicePort,
  via: ViaKind,
  d: Decision,
  client: ClientLocation,
): Decision {
  // The node's cluster endpoints: every usable one, unless topology-aware routing narrows them.
  const choice = clusterChoice(sp, ctx.node);
  const all = choice.endpoints;
  const host = client.kind === 'HOST';
  if (via === 'LOAD_BALANCER' && !(d.verdict === 'FORWARD' && d.endpoints === all)) {
    const acts = [...prefixActs(d)];
    clusterChoiceActs(sp, choice, acts);
    acts.push(
      act(
        'CCE-LB-KUBE-PROXY-INTERCEPT',
        `${ctx.dst.text} is handled by kube-proxy in the node, not by the load balancer`,
      ),
    );
    const reason = host ? 'NODE_SOURCE_MASQUERADE' : 'POD_SHORT_CIRCUIT';
    return forward(sp, via, { endpoints: all, masquerade: host, reason, rule: 'CCE-MECH-LB-ALL-ENDPOINTS' }, acts);
  }
  if (via === 'NODE_PORT' && host && client.node !== ctx.node.index && ctx.cc.model.proxyMode === 'IPTABLES') {
    const acts = [...prefixActs(d)];
    clusterChoiceActs(sp, choice, acts);
    return forward(
      sp,
      via,
      { endpoints: all, masquerade: true, reason: 'NODE_SOURCE_MASQUERADE', rule: 'CCE-MECH-REMOTE-HOST-IPTABLES' },
      acts,
    );
  }
  return via === 'LOAD_BALANCER'
    ? withActs(d, [
        act(
          'CCE-LB-KUBE-PROXY-INTERCEPT',
          `${ctx.dst.text} is handled by kube-proxy in the node, not by the load balancer`,
        ),
      ])
    : d;
}

/** Cite the failure-table cells behind a decision: one act per distinct cell, plus the inferred mechanisms. */
function cellActs(
  ctx: PacketContext,
  d: Decision,
  via: ViaKind,
  column: CceColumn,
  client: ClientLocation,
  sp: CompiledServicePort,
): Act[] {
  const eps = d.verdict === 'FORWARD' ? d.endpoints : sp.categories.cluster;
  const lbIp = via === 'LOAD_BALANCER' ? ctx.dst : null;
  const byRule = new Map<RuleId, { cell: Cell | null; eps: string[] }>();
  const outcomes = new Set<string>();
  let unplaced = false;
  for (const ep of eps) {
    const cell = cellFor(column, client, via, ctx.node.index, lbIp, ep);
    if (cell === null) {
      unplaced = true;
      continue;
    }
    const rule: RuleId = cell === 'NOT_LISTED' ? 'CCE-T2-NOT-LISTED' : cell.rule;
    outcomes.add(cell === 'NOT_LISTED' ? 'SUCCEEDS' : cell.outcome);
    const entry = byRule.get(rule) ?? { cell: cell === 'NOT_LISTED' ? null : cell, eps: [] };
    entry.eps.push(label(ep));
    byRule.set(rule, entry);
  }
  const acts: Act[] = [];
  const mechanisms = new Set<RuleId>();
  for (const [rule, { cell, eps: names }] of byRule) {
    const verdict = cell === null || cell.outcome === 'SUCCEEDS' ? 'succeeds' : 'fails';
    const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    const prefix = d.verdict === 'FORWARD' ? 'access to' : 'access to the backend(s)';
    acts.push(act(rule, `failure table: ${prefix} ${shown} ${verdict}`));
    if (cell?.row === 'NP-SERVER-CONTAINER' && cell.column.startsWith('VPC-'))
      mechanisms.add('CCE-MECH-VPC-SAME-NODE-CONTAINER');
    if (cell !== null && cell.target === null) mechanisms.add('CCE-MECH-LB-SAME-NODE');
  }
  for (const m of mechanisms) acts.push(act(m, 'why (inferred)'));
  if (unplaced)
    acts.push(
      act(
        'CCE-UPSTREAM-FALLBACK',
        'a backend reaching itself (or on an unknown node) is not in the failure table: upstream semantics',
      ),
    );
  if (d.verdict === 'FORWARD' && outcomes.size > 1)
    acts.push(
      act(
        'CCE-T2-MULTI-POD',
        'multi-pod workload: some pods are accessible from here and some are not, so access may fail',
      ),
    );
  return acts;
}

function turboActs(cc: CompiledCluster, sp: CompiledServicePort): Act[] {
  const bad = sp.categories.cluster.filter((ep) => !hostNetworkEndpoint(cc, ep)).map(label);
  if (bad.length === 0) return [];
  const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
  return [
    act(
      'CCE-TURBO-LOCAL-HOSTNETWORK',
      `backend(s) ${shown} are not HostNetwork pods: node-level affinity is not supported for them`,
    ),
  ];
}

function serviceDecision(ctx: PacketContext, d: Decision, sp: CompiledServicePort, via: ViaKind): Decision {
  const cc = ctx.cc;
  const svc = serviceOf(cc, sp);
  const client = clientLocation(cc, ctx.src);
  if (via === 'CLUSTER_IP' || via === 'EXTERNAL_IP') {
    const listed = via === 'CLUSTER_IP' && client !== null && cceColumn(cc) !== null && etpLocal(cc, sp, undefined);
    return withActs(d, [
      listed
        ? act('CCE-T2-NOT-LISTED', 'ClusterIP access is not in the failure table: it succeeds')
        : act('CCE-UPSTREAM-FALLBACK', 'the CCE page says nothing specific here: upstream kube-proxy semantics'),
    ]);
  }
  const local = etpLocal(cc, sp, ctx.override);
  if (d.acts.some((a) => STOPPED_EARLY.has(a.rule))) return withActs(d, [affinityAct(local)]);
  const unsupportedVersion =
    via === 'LOAD_BALANCER' &&
    (ctx.override?.passThrough ?? passThroughRequested(svc)) &&
    passThroughUnsupported(cc.model.kubernetesVersion);
  const versionActs = unsupportedVersion
    ? [
        act(
          'CCE-ELB-PASSTHROUGH-UNSUPPORTED-VERSION',
          `pass-through is ignored: cluster version ${cc.model.kubernetesVersion} is v1.15 or earlier`,
        ),
      ]
    : [];
  if (via === 'LOAD_BALANCER' && client !== null && passThroughOn(cc, sp, ctx.override)) {
    const pt = passThroughDecision(ctx, sp, d, local);
    return cc.model.profile === 'CCE_TURBO' && local ? withActs(pt, turboActs(cc, sp)) : pt;
  }
  if (!local) return withActs(d, [...versionActs, affinityAct(false)]);
  if (cc.model.profile === 'CCE_TURBO') {
    const noColumn =
      client === null
        ? []
        : [act('CCE-T2-NO-COLUMN', 'the failure table has no Cloud Native 2.0 column: upstream semantics')];
    return withActs(d, [...versionActs, affinityAct(true), ...noColumn, ...turboActs(cc, sp)]);
  }
  const column = cceColumn(cc);
  if (column === null) {
    return withActs(d, [
      ...versionActs,
      affinityAct(true),
      ...(client === null
        ? []
        : [
            act(
              'CCE-T2-NO-COLUMN',
              'the failure table has no column for this network model / proxy mode: upstream semantics',
            ),
          ]),
    ]);
  }
  if (client === null) return withActs(d, [...versionActs, affinityAct(true)]);
  const chosen = candidates(ctx, sp, via, d, client);
  const extra = [...versionActs, affinityAct(true)];
  if (via === 'LOAD_BALANCER') extra.push(...elbActs(svc));
  if (chosen.masqueradeRule === 'CCE-MECH-REMOTE-HOST-IPTABLES')
    extra.push(
      act('CCE-MECH-REMOTE-HOST-IPTABLES', "another node's host traffic is forwarded like this node's own (inferred)"),
    );
  return withActs(chosen, [...extra, ...cellActs(ctx, chosen, via, column, client, sp)]);
}

function decide(ctx: PacketContext): Decision {
  const d = upstream.decide(ctx);
  if (d.servicePort === null || d.via === null) {
    return d.verdict === 'NOT_INTERCEPTED'
      ? d
      : withActs(d, [
          act('CCE-UPSTREAM-FALLBACK', 'the CCE page says nothing specific here: upstream kube-proxy semantics'),
        ]);
  }
  return serviceDecision(ctx, d, d.servicePort, d.via);
}

const TURBO_UNSUPPORTED: ConnectionOutcome = Object.freeze({
  connects: false,
  rule: 'CCE-TURBO-LOCAL-UNSUPPORTED-BACKEND',
});
const PASSTHROUGH_DEDICATED_LIMIT: ConnectionOutcome = Object.freeze({
  connects: false,
  rule: 'CCE-ELB-PASSTHROUGH-DEDICATED-LIMIT',
});
const PASSTHROUGH: ConnectionOutcome = Object.freeze({ connects: true, rule: 'CCE-ELB-PASSTHROUGH' });
const NOT_LISTED: ConnectionOutcome = Object.freeze({ connects: true, rule: 'CCE-T2-NOT-LISTED' });
/** One shared, frozen outcome per failure-table cell. */
const CELL_OUTCOME: ReadonlyMap<Cell, ConnectionOutcome> = new Map(
  ALL_CELLS.map((c) => [c, Object.freeze({ connects: c.outcome === 'SUCCEEDS', rule: c.rule })]),
);

/** What connection() needs of a packet and its decision, the same for every candidate endpoint. */
interface PacketFacts {
  readonly cc: CompiledCluster;
  readonly decision: Decision;
  readonly local: boolean;
  readonly client: ClientLocation | null;
  /** Pass-through in effect (load-balancer access only). */
  readonly passThrough: boolean;
  /** A dedicated ELB in a CCE standard cluster (pass-through limit). */
  readonly dedicated: boolean;
  readonly column: CceColumn | null;
  /** The address for cellFor's load-balancer rows. */
  readonly lbIp: ParsedIp | null;
}

/** Facts per packet: connection() is called once per candidate endpoint of the same packet and decision. */
const FACTS = new WeakMap<PacketContext, PacketFacts>();

function factsOf(
  cc: CompiledCluster,
  packet: PacketContext,
  decision: Decision,
  sp: CompiledServicePort,
  via: ViaKind,
): PacketFacts {
  const f = FACTS.get(packet);
  if (f !== undefined && f.decision === decision && f.cc === cc) return f;
  const lb = via === 'LOAD_BALANCER';
  const made: PacketFacts = {
    cc,
    decision,
    local: etpLocal(cc, sp, packet.override),
    client: clientLocation(cc, packet.src),
    passThrough: lb && passThroughOn(cc, sp, packet.override),
    dedicated: cc.model.profile === 'CCE' && elbClassOf(serviceOf(cc, sp)) === 'DEDICATED',
    column: cceColumn(cc),
    lbIp: lb ? packet.dst : null,
  };
  FACTS.set(packet, made);
  return made;
}

/** Whether a forwarded connection completes: the CCE page per endpoint where it speaks, else upstream. */
function connection(ctx: ConnectionContext): ConnectionOutcome {
  const { cc, packet, decision, endpoint: ep } = ctx;
  if (
    packet === undefined ||
    decision === undefined ||
    decision.servicePort === null ||
    decision.via === null ||
    !external(decision.via)
  )
    return upstream.connection(ctx);
  const via = decision.via;
  const f = factsOf(cc, packet, decision, decision.servicePort, via);
  if (cc.model.profile === 'CCE_TURBO' && f.local && !hostNetworkEndpoint(cc, ep)) return TURBO_UNSUPPORTED;
  const client = f.client;
  if (client === null) return upstream.connection(ctx);
  if (f.passThrough) return f.dedicated && client.node === ep.nodeIndex ? PASSTHROUGH_DEDICATED_LIMIT : PASSTHROUGH;
  const column = f.column;
  if (!f.local || column === null) return upstream.connection(ctx);
  const cell = cellFor(column, client, via, ctx.processingNode, f.lbIp, ep);
  if (cell === null) return upstream.connection(ctx);
  if (cell === 'NOT_LISTED') return NOT_LISTED;
  return CELL_OUTCOME.get(cell) as ConnectionOutcome;
}

/** In-cluster access to a node EIP follows the table's "Public/Private network" rows (eTP Local). */
function eipFromCluster(cc: CompiledCluster, sp: CompiledServicePort): boolean {
  return cceColumn(cc) !== null && sp.externalPolicyLocal;
}

function cceDataPlane(profile: 'CCE' | 'CCE_TURBO'): DataPlane {
  return { profile, decide, connection, loadBalancerTargets: upstream.loadBalancerTargets, eipFromCluster };
}

export const cceStandardDataPlane: DataPlane = cceDataPlane('CCE');
export const cceTurboDataPlane: DataPlane = cceDataPlane('CCE_TURBO');

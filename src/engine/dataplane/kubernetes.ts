// Upstream kube-proxy semantics (profile KUBERNETES), ground truth: kube-proxy's own tests.
import {
  frontendKey,
  nodePortKey,
  type CompiledCluster,
  type CompiledEndpoint,
  type CompiledNode,
  type CompiledServicePort,
  type FrontendKind,
} from '../compiled';
import { externalPolicyLocalOf, passesLoadBalancerHealthCheck } from '../predicates';
import type { ViaKind } from '../results';
import type { RuleId } from '../rules';
import { detectorImplemented, isLocalDestination, isLocalSource, isPodSource } from './classify';
import type {
  Act,
  ConnectionContext,
  ConnectionOutcome,
  DataPlane,
  Decision,
  PacketContext,
  PolicyOverride,
} from './dataplane';
import { clusterChoice, clusterChoiceActs } from './cluster-endpoints';
import { act, forward, stop } from './decision';
import { modeBehavior } from './modes';
import { hostingNodes, nodePortAddressAccepted } from './nodes';

const FRONTEND_RULE: Record<FrontendKind | 'NODE_PORT', RuleId> = {
  CLUSTER_IP: 'K8S-CLUSTERIP-FRONTEND',
  EXTERNAL_IP: 'K8S-EXTERNALIP-FRONTEND',
  LOAD_BALANCER: 'K8S-LB-VIP-FRONTEND',
  NODE_PORT: 'K8S-NODEPORT-FRONTEND',
};

/** iTP Local in effect (what-if overrides win). */
function itpLocal(sp: CompiledServicePort, o: PolicyOverride | undefined): boolean {
  return o?.internalTrafficPolicy === undefined ? sp.internalPolicyLocal : o.internalTrafficPolicy === 'Local';
}

/** eTP Local in effect; like ExternalPolicyLocal it only counts for NodePort/LoadBalancer Services. */
export function etpLocal(cc: CompiledCluster, sp: CompiledServicePort, o: PolicyOverride | undefined): boolean {
  if (o?.externalTrafficPolicy === undefined) return sp.externalPolicyLocal;
  return externalPolicyLocalOf(cc.services[sp.serviceIndex].model.type, o.externalTrafficPolicy);
}

function acceptsNodePorts(ctx: PacketContext): boolean {
  return isLocalDestination(ctx) && nodePortAddressAccepted(ctx.cc, ctx.node, ctx.dst);
}

/** Source ranges allow the client, or the LB IP itself when this node's IP is in the ranges. */
function sourceAllowed(ctx: PacketContext, sp: CompiledServicePort): boolean {
  const ranges = sp.sourceRanges;
  if (ranges === null || ranges.size === 0 || ctx.override?.allowSource === true) return true;
  if (ranges.contains(ctx.src)) return true;
  const nodeIp = ctx.node.primaryIp[ctx.dst.family];
  return sp.loadBalancerVips.includes(ctx.src.text) && nodeIp !== null && ranges.containsText(nodeIp);
}

/**
 * The acts a Service port's decisions always word the same, made once per Service port:
 * decide() runs for every node class of an answer (hundreds for a NodePort with endpoints on
 * hundreds of nodes). Acts are never changed once made, so decisions may share them.
 */
interface PortActs {
  readonly frontend: Partial<Record<ViaKind, Act>>;
}

const PORT_ACTS = new WeakMap<CompiledServicePort, PortActs>();

function portActs(sp: CompiledServicePort): PortActs {
  let acts = PORT_ACTS.get(sp);
  if (acts === undefined) {
    acts = { frontend: {} };
    PORT_ACTS.set(sp, acts);
  }
  return acts;
}

/** The frontend a packet matched: this Service port, addressed by way of `via`. */
function frontendAct(sp: CompiledServicePort, via: ViaKind): Act {
  const cached = portActs(sp).frontend;
  return (cached[via] ??= act(
    FRONTEND_RULE[via],
    `destination is ${sp.serviceKey}:${sp.portName ?? sp.port}/${sp.protocol} (${via})`,
  ));
}

function internalTraffic(ctx: PacketContext, sp: CompiledServicePort, acts: Act[]): Decision {
  const cats = sp.categories;
  let endpoints: readonly CompiledEndpoint[];
  if (itpLocal(sp, ctx.override)) {
    const choice = cats.localByNode.get(ctx.node.index);
    acts.push(act('K8S-ITP-LOCAL', 'internalTrafficPolicy Local: only endpoints on this node'));
    if (choice === undefined) {
      acts.push(act('K8S-ITP-LOCAL-DROP', 'no usable endpoint on this node: ClusterIP traffic dropped'));
      return stop('DROP', acts, sp, 'CLUSTER_IP');
    }
    if (choice.terminatingFallback)
      acts.push(
        act(
          'K8S-ENDPOINTS-LOCAL-TERMINATING-FALLBACK',
          'no local ready endpoint: using local serving-and-terminating ones',
        ),
      );
    endpoints = choice.endpoints;
  } else {
    const choice = clusterChoice(sp, ctx.node);
    clusterChoiceActs(sp, choice, acts);
    endpoints = choice.endpoints;
  }
  const via: ViaKind = 'CLUSTER_IP';
  if (ctx.cc.model.kubeProxy.masqueradeAll)
    return forward(
      sp,
      via,
      { endpoints, masquerade: true, reason: 'MASQUERADE_ALL', rule: 'K8S-MASQUERADE-ALL' },
      acts,
    );
  if (!detectorImplemented(ctx))
    return forward(
      sp,
      via,
      { endpoints, masquerade: false, reason: 'NOT_MASQUERADED', rule: 'K8S-CLUSTERIP-NO-DETECTOR' },
      acts,
    );
  if (isPodSource(ctx))
    return forward(
      sp,
      via,
      { endpoints, masquerade: false, reason: 'NOT_MASQUERADED', rule: 'K8S-CLUSTERIP-POD-NO-MASQ' },
      acts,
    );
  const reason = isLocalSource(ctx) ? 'NODE_SOURCE_MASQUERADE' : 'NON_POD_SOURCE_MASQUERADE';
  return forward(sp, via, { endpoints, masquerade: true, reason, rule: 'K8S-CLUSTERIP-MASQ-NON-POD' }, acts);
}

function externalTraffic(ctx: PacketContext, sp: CompiledServicePort, via: ViaKind, acts: Act[]): Decision {
  if (itpLocal(sp, ctx.override))
    acts.push(act('K8S-ITP-CLUSTERIP-ONLY', 'internalTrafficPolicy does not apply to this destination'));
  if (etpLocal(ctx.cc, sp, ctx.override)) return modeBehavior(ctx.cc.model.proxyMode).externalLocal(ctx, sp, via, acts);
  if (
    ctx.cc.services[sp.serviceIndex].model.externalTrafficPolicy === 'Local' &&
    ctx.override?.externalTrafficPolicy === undefined
  ) {
    acts.push(act('K8S-ETP-LOCAL-TYPE', 'externalTrafficPolicy Local is ignored for a ClusterIP-type Service'));
  }
  const choice = clusterChoice(sp, ctx.node);
  clusterChoiceActs(sp, choice, acts);
  return forward(
    sp,
    via,
    { endpoints: choice.endpoints, masquerade: true, reason: 'SNAT_ETP_CLUSTER', rule: 'K8S-ETP-CLUSTER-MASQUERADE' },
    acts,
  );
}

function serviceTraffic(ctx: PacketContext, sp: CompiledServicePort, via: ViaKind): Decision {
  const acts: Act[] = [frontendAct(sp, via)];
  if (via === 'LOAD_BALANCER' && !sourceAllowed(ctx, sp)) {
    acts.push(act('K8S-LB-SOURCE-RANGES-DROP', `${ctx.src.text} is outside loadBalancerSourceRanges`));
    return stop('DROP', acts, sp, via);
  }
  if (via === 'LOAD_BALANCER' && sp.sourceRanges !== null)
    acts.push(act('K8S-LB-SOURCE-RANGES-ALLOW', `${ctx.src.text} is allowed by loadBalancerSourceRanges`));
  if (via === 'NODE_PORT' && sp.sourceRanges !== null)
    acts.push(act('K8S-NODEPORT-BYPASSES-SOURCE-RANGES', 'loadBalancerSourceRanges do not apply to NodePorts'));
  if (!sp.categories.hasAnyEndpoints) return modeBehavior(ctx.cc.model.proxyMode).noEndpoints(sp, via, acts);
  const d = via === 'CLUSTER_IP' ? internalTraffic(ctx, sp, acts) : externalTraffic(ctx, sp, via, acts);
  return d.verdict === 'FORWARD' && sp.sessionAffinity.type === 'ClientIP'
    ? { ...d, acts: [...d.acts, affinityAct(ctx, sp)] }
    : d;
}

/**
 * ClientIP session affinity, said where the connection is load-balanced: the pin is keyed by
 * the source address this node sees (an outside client's own, or the address of whatever
 * masqueraded or proxied it on the way: every client behind it shares one pin).
 */
function affinityAct(ctx: PacketContext, sp: CompiledServicePort): Act {
  const how = ctx.cc.model.proxyMode === 'IPVS' ? 'IPVS persistence' : 'ClientIP affinity';
  return act(
    'K8S-SESSION-AFFINITY-CLIENTIP',
    `sessionAffinity ClientIP: connections from ${ctx.src.text} keep the endpoint first chosen until ${sp.sessionAffinity.timeoutSeconds} s pass without one (${how})`,
  );
}

/** Decisions worded the same whatever the packet, made once (decisions are never changed once made). */
const NODE_PORT_REFUSED = stop('NOT_INTERCEPTED', [
  act('K8S-NODEPORT-ADDRESSES', 'this node address does not accept NodePorts (nodePortAddresses)'),
]);
const NO_RULE_MATCHES = stop('NOT_INTERCEPTED', [
  act('K8S-NOT-INTERCEPTED', 'no Service rule matches the destination'),
]);

function notIntercepted(ctx: PacketContext, nodePortRefused: CompiledServicePort | null): Decision {
  const cc = ctx.cc;
  const proxied = cc.proxyIngressIps.has(ctx.dst.text) ? cc.proxyIngress.get(destinationKey(ctx)) : undefined;
  if (proxied !== undefined)
    return stop('NOT_INTERCEPTED', [
      act(
        'K8S-LB-IPMODE-PROXY',
        `destination is an ipMode Proxy ingress of ${cc.servicePorts[proxied.servicePort].serviceKey}: sent to the load balancer`,
      ),
    ]);
  if (nodePortRefused !== null) return NODE_PORT_REFUSED;
  const ignored = cc.ignoredServiceIps.get(ctx.dst.text);
  const first = ignored === undefined ? null : cc.services[ignored];
  if (first !== null) {
    const rule: RuleId = first.ignored === 'HEADLESS' ? 'K8S-SVC-IGNORED-HEADLESS' : 'K8S-SVC-IGNORED-LABEL';
    return stop('NOT_INTERCEPTED', [act(rule, `${first.key} is not proxied by kube-proxy`)]);
  }
  return NO_RULE_MATCHES;
}

/** The latest frontendKey() made: a load balancer's answer decides the same destination on every target node. */
let lastKey = { ip: '', port: -1, protocol: '', key: '' };

function destinationKey(ctx: PacketContext): string {
  const k = lastKey;
  if (k.ip === ctx.dst.text && k.port === ctx.port && k.protocol === ctx.protocol) return k.key;
  lastKey = {
    ip: ctx.dst.text,
    port: ctx.port,
    protocol: ctx.protocol,
    key: frontendKey(ctx.dst.text, ctx.port, ctx.protocol),
  };
  return lastKey.key;
}

function decide(ctx: PacketContext): Decision {
  const cc = ctx.cc;
  // Most packets a reachability answer decides go to node addresses, which are no Service IP:
  // no frontend key to build (a string per packet) when the address holds no frontend at all.
  const fe = cc.boundServiceIps.has(ctx.dst.text) ? cc.frontends.get(destinationKey(ctx)) : undefined;
  if (fe !== undefined) return serviceTraffic(ctx, cc.servicePorts[fe.servicePort], fe.kind);
  const np = cc.nodePorts.get(nodePortKey(ctx.port, ctx.protocol));
  const npIndex = np === undefined ? -1 : np[ctx.dst.family];
  const npAccepted = npIndex >= 0 && acceptsNodePorts(ctx);
  if (npAccepted) return serviceTraffic(ctx, cc.servicePorts[npIndex], 'NODE_PORT');
  if (ctx.protocol === 'TCP' && cc.healthCheckNodePorts.has(ctx.port) && isLocalDestination(ctx)) {
    return stop('ACCEPT_LOCAL', [
      act('K8S-HEALTHCHECK-NODEPORT', `${ctx.port} is a healthCheckNodePort served by kube-proxy`),
    ]);
  }
  const refused = npIndex >= 0 && isLocalDestination(ctx) ? cc.servicePorts[npIndex] : null;
  return modeBehavior(cc.model.proxyMode).unmatched(ctx) ?? notIntercepted(ctx, refused);
}

/** Shared, frozen outcomes: connection() runs per candidate endpoint and node class, so it allocates nothing. */
export const CONNECTS: ConnectionOutcome = Object.freeze({ connects: true, rule: null });
const ASYMMETRIC_RETURN: ConnectionOutcome = Object.freeze({ connects: false, rule: 'K8S-ASYMMETRIC-RETURN' });

/**
 * A connection DNATed without masquerade completes only if the reply passes back through the
 * node that did the DNAT: the client is on it, or the endpoint is.
 */
function connection(ctx: ConnectionContext): ConnectionOutcome {
  const symmetric =
    ctx.masquerade || ctx.clientNode === ctx.processingNode || ctx.endpoint.nodeIndex === ctx.processingNode;
  return symmetric ? CONNECTS : ASYMMETRIC_RETURN;
}

/** Every node not excluded from load balancers, in index order, per nodes array (shared by patched versions; frozen). */
const ELIGIBLE_NODES = new WeakMap<readonly CompiledNode[], readonly number[]>();

function eligibleNodes(cc: CompiledCluster): readonly number[] {
  let out = ELIGIBLE_NODES.get(cc.nodes);
  if (out === undefined) {
    const list: number[] = [];
    for (const n of cc.nodes) if (!n.excludedFromLoadBalancers) list.push(n.index);
    out = Object.freeze(list);
    ELIGIBLE_NODES.set(cc.nodes, out);
  }
  return out;
}

/**
 * VIP-mode load balancers deliver to every non-excluded node; for eTP Local, only those passing
 * the health check (nodes with local ready endpoints, so only those are looked at), in index order.
 */
function loadBalancerTargets(
  cc: CompiledCluster,
  sp: CompiledServicePort,
  override?: PolicyOverride,
): readonly number[] {
  if (!etpLocal(cc, sp, override)) return eligibleNodes(cc);
  const known = LOCAL_TARGETS.get(sp);
  if (known !== undefined && known.nodes === cc.nodes) return known.targets;
  const list: number[] = [];
  for (const n of hostingNodes(sp)) {
    if (!cc.nodes[n].excludedFromLoadBalancers && passesLoadBalancerHealthCheck(sp, n, true)) list.push(n);
  }
  const targets = Object.freeze(list);
  LOCAL_TARGETS.set(sp, { nodes: cc.nodes, targets });
  return targets;
}

/**
 * eTP Local targets per Service port (shared, frozen; in index order like the nodes hosting
 * endpoints), with the nodes array they were found for: a patched version may share the port
 * but not the nodes (a node update can exclude a node from load balancers).
 */
const LOCAL_TARGETS = new WeakMap<
  CompiledServicePort,
  { readonly nodes: readonly CompiledNode[]; readonly targets: readonly number[] }
>();

export const kubernetesDataPlane: DataPlane = {
  profile: 'KUBERNETES',
  decide,
  connection,
  loadBalancerTargets,
};

// Where iptables, nftables and IPVS kube-proxy differ. One behaviour object per proxy mode,
// chosen by an exhaustive switch; the shared pipeline lives in kubernetes.ts.
import { isLoopback } from '../ip';
import type { ProxyMode } from '../model';
import { detectorImplemented, isLocalSource, isPodSource } from './classify';
import { clusterChoice, clusterChoiceActs } from './cluster-endpoints';
import type { Act, Decision, PacketContext } from './dataplane';
import { act, forward, stop } from './decision';
import type { CompiledServicePort } from '../compiled';
import type { ViaKind } from '../results';

export interface ModeBehavior {
  /** Traffic to a Service IP that matched no Service port (wrong port, unallocated IP). */
  unmatched(ctx: PacketContext): Decision | null;
  /** Whether 127.0.0.1:<nodePort> can work at all. */
  readonly localhostNodePorts: boolean;
  /** Service port with no usable endpoint anywhere. */
  noEndpoints(sp: CompiledServicePort, via: ViaKind, acts: Act[]): Decision;
  /** External traffic of an eTP Local Service. */
  externalLocal(ctx: PacketContext, sp: CompiledServicePort, via: ViaKind, acts: Act[]): Decision;
}

function localChoice(
  ctx: PacketContext,
  sp: CompiledServicePort,
  via: ViaKind,
  acts: Act[],
  emptyVerdict: 'DROP' | 'REJECT',
): Decision {
  const choice = sp.categories.localByNode.get(ctx.node.index);
  if (choice === undefined) {
    acts.push(
      emptyVerdict === 'DROP'
        ? act('K8S-ETP-LOCAL-DROP', 'no usable endpoint on this node: external traffic dropped')
        : act(
            'K8S-IPVS-NO-REAL-SERVERS-REJECT',
            'no endpoint on this node: the virtual server has no real server, connection refused',
          ),
    );
    return stop(emptyVerdict, acts, sp, via);
  }
  if (choice.terminatingFallback)
    acts.push(
      act(
        'K8S-ENDPOINTS-LOCAL-TERMINATING-FALLBACK',
        'no local ready endpoint: using local serving-and-terminating ones',
      ),
    );
  return forward(
    sp,
    via,
    { endpoints: choice.endpoints, masquerade: false, reason: 'PRESERVED_ETP_LOCAL', rule: 'K8S-ETP-LOCAL-PRESERVE' },
    acts,
  );
}

/** iptables and nftables: pod and node traffic short-circuit to all endpoints; the rest stays local. */
function shortCircuitingExternalLocal(
  ctx: PacketContext,
  sp: CompiledServicePort,
  via: ViaKind,
  acts: Act[],
): Decision {
  const pod = detectorImplemented(ctx) && isPodSource(ctx);
  if (pod || isLocalSource(ctx)) {
    // The short-circuit jumps to the Service's cluster chain: the node's cluster endpoints.
    const choice = clusterChoice(sp, ctx.node);
    clusterChoiceActs(sp, choice, acts, false);
    return pod
      ? forward(
          sp,
          via,
          {
            endpoints: choice.endpoints,
            masquerade: false,
            reason: 'POD_SHORT_CIRCUIT',
            rule: 'K8S-ETP-LOCAL-POD-SHORTCIRCUIT',
          },
          acts,
        )
      : forward(
          sp,
          via,
          {
            endpoints: choice.endpoints,
            masquerade: true,
            reason: 'NODE_SOURCE_MASQUERADE',
            rule: 'K8S-ETP-LOCAL-NODE-SHORTCIRCUIT',
          },
          acts,
        );
  }
  if (!detectorImplemented(ctx))
    acts.push(act('K8S-CLUSTERIP-NO-DETECTOR', 'no local-traffic detector: pod traffic is not short-circuited'));
  return localChoice(ctx, sp, via, acts, 'DROP');
}

const rejectNoEndpoints = (sp: CompiledServicePort, via: ViaKind, acts: Act[]): Decision => {
  acts.push(act('K8S-NO-ENDPOINTS-REJECT', `${sp.serviceKey} has no usable endpoint: rejected`));
  return stop('REJECT', acts, sp, via);
};

const IPTABLES: ModeBehavior = {
  localhostNodePorts: true,
  unmatched(ctx) {
    if (!ctx.cc.allocatedClusterIps.has(ctx.dst.text)) return null;
    return stop('NOT_INTERCEPTED', [
      act('K8S-IPT-UNUSED-PORT-PASSES', 'destination port/protocol is not a port of this ClusterIP'),
    ]);
  },
  noEndpoints: rejectNoEndpoints,
  externalLocal: shortCircuitingExternalLocal,
};

const NFTABLES: ModeBehavior = {
  localhostNodePorts: false,
  unmatched(ctx) {
    if (ctx.cc.allocatedClusterIps.has(ctx.dst.text)) {
      return stop('REJECT', [
        act('K8S-NFT-REJECT-UNUSED-CLUSTERIP-PORT', 'destination port/protocol is not a port of this ClusterIP'),
      ]);
    }
    if (!ctx.cc.serviceCidrs.contains(ctx.dst) || isLoopback(ctx.dst)) return null;
    return stop('DROP', [
      act(
        'K8S-NFT-DROP-UNALLOCATED-CLUSTERIP',
        'destination is in a Service CIDR but not allocated to a proxied Service',
      ),
    ]);
  },
  noEndpoints: rejectNoEndpoints,
  externalLocal: shortCircuitingExternalLocal,
};

const IPVS: ModeBehavior = {
  localhostNodePorts: false,
  unmatched(ctx) {
    if (!ctx.cc.boundServiceIps.has(ctx.dst.text)) return null;
    return stop('REJECT', [
      act('K8S-IPVS-SERVICE-IPS-BOUND', 'destination is a Service IP bound to kube-ipvs0, but not on a Service port'),
    ]);
  },
  noEndpoints(sp, via, acts) {
    acts.push(act('K8S-NO-ENDPOINTS-REJECT', `${sp.serviceKey} has no usable endpoint: connection refused`));
    return stop('REJECT', acts, sp, via);
  },
  externalLocal(ctx, sp, via, acts) {
    acts.push(act('K8S-IPVS-ETP-LOCAL-LOCAL-ONLY', "IPVS eTP Local: only this node's endpoints, whatever the source"));
    return localChoice(ctx, sp, via, acts, 'REJECT');
  },
};

export function modeBehavior(mode: ProxyMode): ModeBehavior {
  switch (mode) {
    case 'IPTABLES':
      return IPTABLES;
    case 'NFTABLES':
      return NFTABLES;
    case 'IPVS':
      return IPVS;
    default: {
      const unreachable: never = mode;
      return unreachable;
    }
  }
}

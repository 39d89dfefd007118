// Source classification, as kube-proxy's local-traffic detector and `fib saddr type local` see it.
import type { CompiledCluster } from '../compiled';
import { isLoopback, type Cidr, type ParsedIp } from '../ip';
import type { PacketContext } from './dataplane';

/**
 * The range kube-proxy's local-traffic detector for the packet's IP family goes by, at ctx.node,
 * or null when that family's detector is a no-op: one detector per family, each from the first
 * CIDR of the family (cmd/kube-proxy/app/server_linux.go getLocalDetectors): kube-proxy's
 * clusterCIDR, or the node's pod CIDRs with the NodeCIDR detector.
 */
function detectorRange(ctx: PacketContext): Cidr | null {
  const detector = ctx.cc.model.kubeProxy.localDetector;
  if (detector === 'CLUSTER_CIDR') return ctx.cc.detectorCidrs[ctx.src.family];
  if (detector === 'NODE_CIDR') return ctx.node.podCidrs.cidrs.find((c) => c.family === ctx.src.family) ?? null;
  return null;
}

/** A detector is configured for the packet's IP family, so kube-proxy can tell pod traffic from the rest. */
export function detectorImplemented(ctx: PacketContext): boolean {
  return detectorRange(ctx) !== null;
}

/** Whether the ClusterCIDR detector of ip's family (if any) takes ip for a pod. */
export function clusterDetectorContains(cc: CompiledCluster, ip: ParsedIp): boolean {
  return cc.detectorCidrs[ip.family]?.contains(ip) ?? false;
}

/** The detector says "pod": in kube-proxy's cluster CIDR, or in this node's pod CIDR (of the packet's family). */
export function isPodSource(ctx: PacketContext): boolean {
  const detector = ctx.cc.model.kubeProxy.localDetector;
  switch (detector) {
    case 'CLUSTER_CIDR':
    case 'NODE_CIDR':
      return detectorRange(ctx)?.contains(ctx.src) ?? false;
    case 'NONE':
      return false;
    default: {
      const unreachable: never = detector;
      return unreachable;
    }
  }
}

/** The source is one of this node's own addresses (host network or loopback). */
export function isLocalSource(ctx: PacketContext): boolean {
  return ctx.node.localAddresses.has(ctx.src.text) || isLoopback(ctx.src);
}

/** The destination is one of this node's own addresses. */
export function isLocalDestination(ctx: PacketContext): boolean {
  return ctx.node.localAddresses.has(ctx.dst.text) || isLoopback(ctx.dst);
}

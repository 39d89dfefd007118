// Source classification, as kube-proxy's local-traffic detector and `fib saddr type local` see it.
import { isLoopback } from '../ip';
import type { PacketContext } from './dataplane';

/** A detector is configured, so kube-proxy can tell pod traffic from the rest. */
export function detectorImplemented(ctx: PacketContext): boolean {
  return ctx.cc.model.kubeProxy.localDetector !== 'NONE';
}

/** The detector says "pod": in the cluster CIDR, or in this node's pod CIDR. */
export function isPodSource(ctx: PacketContext): boolean {
  const detector = ctx.cc.model.kubeProxy.localDetector;
  switch (detector) {
    case 'CLUSTER_CIDR':
      return ctx.cc.clusterCidrs.contains(ctx.src);
    case 'NODE_CIDR':
      return ctx.node.podCidrs.contains(ctx.src);
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

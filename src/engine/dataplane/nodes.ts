// Facts about nodes the data planes read per packet: which node addresses accept NodePorts,
// and which nodes host a Service port's usable endpoints.
import type { CompiledCluster, CompiledNode, CompiledServicePort } from '../compiled';
import { isLoopback, type ParsedIp } from '../ip';
import { modeBehavior } from './modes';

/** NodePorts answer only on addresses selected by nodePortAddresses (and localhost in iptables/IPv4). */
export function nodePortAddressAccepted(cc: CompiledCluster, node: CompiledNode, dst: ParsedIp): boolean {
  if (isLoopback(dst)) {
    const enabled =
      modeBehavior(cc.model.proxyMode).localhostNodePorts && dst.family === 4 && cc.model.kubeProxy.localhostNodePorts;
    return (
      enabled && !cc.nodePortPrimaryOnly && (cc.nodePortAddresses.size === 0 || cc.nodePortAddresses.contains(dst))
    );
  }
  if (cc.nodePortPrimaryOnly) return node.primaryIp[dst.family] === dst.text;
  let sawFamily = false;
  for (const c of cc.nodePortAddresses.cidrs) {
    if (c.family !== dst.family) continue;
    if (c.contains(dst)) return true;
    sawFamily = true;
  }
  // No CIDR of this family configured: every address of the family accepts NodePorts.
  return !sawFamily;
}

/** Nodes hosting usable endpoints (localByNode's keys) in index order, per Service port. */
const HOSTING = new WeakMap<CompiledServicePort, readonly number[]>();

export function hostingNodes(sp: CompiledServicePort): readonly number[] {
  let nodes = HOSTING.get(sp);
  if (nodes === undefined) {
    // A typed array sorts numbers without a comparator call per comparison.
    nodes = Array.from(Int32Array.from(sp.categories.localByNode.keys()).sort());
    HOSTING.set(sp, nodes);
  }
  return nodes;
}

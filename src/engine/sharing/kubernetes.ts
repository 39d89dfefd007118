// Upstream kube-proxy's sharing: nodes answer alike unless the client, the detector, the
// endpoints they host or nodePortAddresses single them out (node-classes.ts); what a node's
// answer can depend on, per Service port and client, decides how finely nodes are told apart.
import { isLoopback } from '../ip';
import { clusterDetectorContains } from '../dataplane/classify';
import { etpLocal } from '../dataplane/kubernetes';
import { nodeClasses, nodeClassKey, ordinaryKind, ordinaryNodeClassKey } from './node-classes';
import type { PlacementQuery, Sharing } from './sharing';

/**
 * Whether a node hosting endpoints (not the client's node) can answer differently from the
 * other nodes with the same class flags because of which endpoints it hosts. It cannot when
 * its external traffic goes, masqueraded, to all cluster endpoints: with eTP Cluster every
 * connection returns through the node (no K8S-ASYMMETRIC-RETURN) and no local endpoint set is
 * consulted. The what-if re-evaluations count too: an outside client may get the "set eTP Local"
 * suggestion, whose answer at such a node is "reachable, source kept" as long as the client's
 * address is neither local to a node, nor a pod (short-circuit), nor an endpoint (hairpin);
 * that answer is the same for every node hosting endpoints, so those share one class, apart
 * from the nodes hosting none (nodeClassKey keeps that bit).
 */
export function endpointPlacementMatters(q: PlacementQuery): boolean {
  const { cc, sp, clientNode, clientIp } = q;
  // eTP Local: the node's own endpoints are used (or all of them, unmasqueraded, short-circuited).
  if (etpLocal(cc, sp, q.override)) return true;
  // loadBalancerSourceRanges may admit the traffic by the node's own address.
  if (sp.sourceRanges !== null && sp.sourceRanges.size > 0) return true;
  // An in-cluster client is never offered eTP Local, so no what-if looks at local endpoints.
  if (clientNode >= 0 || clientIp === null) return false;
  if (
    isLoopback(clientIp) ||
    cc.ipOwner.has(clientIp.text) ||
    cc.clusterCidrs.contains(clientIp) ||
    clusterDetectorContains(cc, clientIp)
  )
    return true;
  for (let i = 0; i < sp.endpoints.length; i++) if (sp.endpoints[i].ip === clientIp.text) return true;
  return false;
}

/**
 * Decisions on a node hosting endpoints depend on which endpoints it hosts only through an
 * eTP Local choice of its own endpoints (a load balancer's source ranges aside, which read the
 * node's address). iptables and nftables skip that choice for pod sources, and with the
 * cluster-CIDR detector a source is a pod source on every node alike: then the decision (all
 * endpoints, unmasqueraded) is the same on every node, though whether each connection returns
 * still depends on the node (K8S-ASYMMETRIC-RETURN).
 */
export function decisionPlacementMatters(q: PlacementQuery): boolean {
  const { cc, sp, clientIp } = q;
  if (sp.sourceRanges !== null && sp.sourceRanges.size > 0) return true;
  if (!etpLocal(cc, sp, q.override)) return false;
  const mode = cc.model.proxyMode;
  const podSourceEverywhere =
    cc.model.kubeProxy.localDetector === 'CLUSTER_CIDR' && clientIp !== null && clusterDetectorContains(cc, clientIp);
  return !((mode === 'IPTABLES' || mode === 'NFTABLES') && podSourceEverywhere);
}

/** kube-proxy's connection() reads the processing node only as "the endpoint's (or the client's) node or not". */
export const kubernetesSharing: Sharing = {
  connectionNodeLocal: true,
  nodeClassKey,
  nodeClasses,
  ordinaryKind,
  ordinaryNodeClassKey,
  endpointPlacementMatters,
  decisionPlacementMatters,
};

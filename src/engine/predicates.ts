// Small named predicates, after kubernetes pkg/proxy/serviceport.go. Each says why it exists.
import type { CompiledServicePort } from './compiled';
import type { ServiceModel, ServiceType, TrafficPolicy } from './model';

const PROXY_NAME_LABEL = 'service.kubernetes.io/service-proxy-name';
const HEADLESS_LABEL = 'service.kubernetes.io/headless';
const LB_EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** Headless Services have no virtual IP, so kube-proxy has nothing to program. */
export function isHeadless(svc: ServiceModel): boolean {
  return svc.clusterIps.length === 0;
}

/** The default kube-proxy skips Services delegated to another proxy or marked headless. */
export function ignoredByLabel(svc: ServiceModel): boolean {
  return PROXY_NAME_LABEL in svc.labels || HEADLESS_LABEL in svc.labels;
}

/** eTP Local only means something for NodePort/LoadBalancer Services (apiservice.ExternalPolicyLocal). */
export function externalPolicyLocal(svc: ServiceModel): boolean {
  return externalPolicyLocalOf(svc.type, svc.externalTrafficPolicy);
}

/** externalPolicyLocal() of a Service of this type with this policy (e.g. a what-if one). */
export function externalPolicyLocalOf(type: ServiceType, policy: TrafficPolicy): boolean {
  return (type === 'NodePort' || type === 'LoadBalancer') && policy === 'Local';
}

/** iTP Local restricts ClusterIP traffic to this node's endpoints. */
export function internalPolicyLocal(svc: ServiceModel): boolean {
  return svc.internalTrafficPolicy === 'Local';
}

/** Reachable via something other than the ClusterIP (NodePort, externalIP, LB VIP). */
export function externallyAccessible(
  sp: Pick<CompiledServicePort, 'nodePort' | 'loadBalancerVips' | 'externalIps'>,
): boolean {
  return sp.nodePort !== null || sp.loadBalancerVips.length > 0 || sp.externalIps.length > 0;
}

/** Needs the Cluster endpoint set: iTP Cluster, or any external access (short-circuits use it). */
export function usesClusterEndpoints(sp: CompiledServicePort): boolean {
  return !sp.internalPolicyLocal || sp.externallyAccessible;
}

/** Needs per-node endpoint sets: iTP Local, or eTP Local on an externally reachable port. */
export function usesLocalEndpoints(sp: CompiledServicePort): boolean {
  return sp.internalPolicyLocal || (sp.externalPolicyLocal && sp.externallyAccessible);
}

/** Load balancers skip nodes that opt out with the well-known label. */
export function excludedFromLoadBalancers(labels: Readonly<Record<string, string>>): boolean {
  return LB_EXCLUDE_LABEL in labels;
}

/** The LB health check passes on a node with local ready endpoints (terminating ones do not count). */
export function passesLoadBalancerHealthCheck(sp: CompiledServicePort, nodeIndex: number, etpLocal: boolean): boolean {
  if (!etpLocal) return true;
  return (sp.categories.localByNode.get(nodeIndex)?.readyCount ?? 0) > 0;
}

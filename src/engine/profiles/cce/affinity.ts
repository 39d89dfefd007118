// CCE Table 1 ("Comparison of the two types of service affinity") for one Service port, with the
// expected share of traffic per backend pod.
import type { CompiledCluster, CompiledServicePort } from '../../compiled';
import { kubernetesDataPlane } from '../../dataplane/kubernetes';
import type { PodShare, ServiceAffinity } from '../../results';
import { RULES, type Rule } from '../../rules';

/**
 * Local: the load balancer spreads evenly over the nodes passing its health check (ready local
 * backends), each node evenly over its own backends. Node A with 2 pods and node B with 1:
 * A's pods get 25% each, B's pod 50%. Cluster: evenly over every endpoint.
 */
export function expectedShares(cc: CompiledCluster, sp: CompiledServicePort, local: boolean): PodShare[] {
  if (!local) {
    const all = sp.categories.cluster;
    return all.map((ep) => ({ pod: ep.podKey, ip: ep.ip, node: ep.nodeName, share: 1 / all.length }));
  }
  const nodes = kubernetesDataPlane.loadBalancerTargets(cc, sp);
  const out: PodShare[] = [];
  for (const n of nodes) {
    const eps = sp.categories.localByNode.get(n)?.endpoints ?? [];
    for (const ep of eps)
      out.push({ pod: ep.podKey, ip: ep.ip, node: ep.nodeName, share: 1 / nodes.length / eps.length });
  }
  return out;
}

/** Table 1 for a NodePort/LoadBalancer Service port; null for ClusterIP Services (Table 1 does not apply). */
export function cceAffinity(cc: CompiledCluster, sp: CompiledServicePort): ServiceAffinity | null {
  const svc = cc.services[sp.serviceIndex].model;
  if (svc.type === 'ClusterIP') return null;
  const local = sp.externalPolicyLocal;
  const serving = local
    ? kubernetesDataPlane.loadBalancerTargets(cc, sp).map((n) => cc.nodes[n].name)
    : cc.nodes.map((n) => n.name);
  const rules: Rule[] = [RULES[local ? 'CCE-AFFINITY-LOCAL' : 'CCE-AFFINITY-CLUSTER'], RULES['CCE-AFFINITY-SHARES']];
  if (local && cc.model.profile === 'CCE_TURBO') rules.push(RULES['CCE-TURBO-LOCAL-HOSTNETWORK']);
  return {
    policy: local ? 'Local' : 'Cluster',
    port: sp.port,
    protocol: sp.protocol,
    sourceIpPreserved: local,
    extraHop: !local,
    balance: local ? 'RISK_OF_IMBALANCE' : 'BALANCED',
    servingNodes: serving,
    shares: expectedShares(cc, sp, local),
    rules,
  };
}

// How the CCE profiles share work between nodes: as upstream kube-proxy, told apart more finely
// where the CCE decisions read more of a node.
import { etpLocal } from '../../dataplane/kubernetes';
import { kubernetesSharing as upstream } from '../../sharing/kubernetes';
import type { PlacementQuery, Sharing } from '../../sharing/sharing';

/**
 * CCE standard: as upstream (with eTP Cluster the page is silent and connection() is upstream's).
 * CCE Turbo: also an outside client's "set eTP Local" what-if, whose answer depends on whether
 * the node's own endpoints are HostNetwork pods (CCE-TURBO-LOCAL-UNSUPPORTED-BACKEND).
 */
function turboPlacementMatters(q: PlacementQuery): boolean {
  return q.clientNode < 0 || upstream.endpointPlacementMatters(q);
}

/**
 * With eTP Local the CCE decisions cite failure-table cells per endpoint, by whether the
 * endpoint is on the processing node: they depend on which endpoints a node hosts.
 */
function cceDecisionPlacementMatters(q: PlacementQuery): boolean {
  return etpLocal(q.cc, q.sp, q.override) || upstream.decisionPlacementMatters(q);
}

/** connection(): cellFor reads the processing node only as "the server node or not"; the rest is upstream's. */
export function cceSharing(profile: 'CCE' | 'CCE_TURBO'): Sharing {
  return {
    ...upstream,
    endpointPlacementMatters: profile === 'CCE_TURBO' ? turboPlacementMatters : upstream.endpointPlacementMatters,
    decisionPlacementMatters: cceDecisionPlacementMatters,
  };
}

// Which cluster endpoints (those of Cluster policies: ClusterIP traffic, eTP Cluster, the eTP
// Local short-circuit) a node uses for a Service port, and the acts that say so: every ready
// endpoint (or the terminating fallback), unless topology-aware routing narrows them for the
// node (topology.ts).
import type { ClusterChoice, CompiledNode, CompiledServicePort } from '../compiled';
import type { Act } from './dataplane';
import { act } from './decision';

/** The cluster endpoints `node` uses for `sp`. */
export function clusterChoice(sp: CompiledServicePort, node: CompiledNode): ClusterChoice {
  const topology = sp.categories.topology;
  return topology === null ? sp.categories.all : topology.at(node);
}

/** Which cluster-wide endpoint set is in use, made once per Service port (decide() runs per node class). */
const SET_ACTS = new WeakMap<CompiledServicePort, Act>();

function clusterEndpointsAct(sp: CompiledServicePort): Act {
  let made = SET_ACTS.get(sp);
  if (made === undefined) {
    made = sp.categories.clusterTerminatingFallback
      ? act('K8S-ENDPOINTS-TERMINATING-FALLBACK', 'no ready endpoint anywhere: using serving-and-terminating ones')
      : act('K8S-ENDPOINTS-READY', `${sp.categories.cluster.length} ready endpoint(s) cluster-wide`);
    SET_ACTS.set(sp, made);
  }
  return made;
}

const HINTS_INFERRED = act(
  'K8S-TOPOLOGY-HINTS-INFERRED',
  'the Service has no EndpointSlices here: hints inferred from its trafficDistribution, as the EndpointSlice controller writes them',
);
const HINTS_UNREAD = act(
  'K8S-TOPOLOGY-HINTS-UNREAD',
  'the endpoints carry topology hints, but this kube-proxy does not read them (Kubernetes version, Service annotations): every ready endpoint is used',
);

/**
 * The acts that say which cluster endpoints are in use at a node (`choice`): ready or terminating
 * (unless `withSet` is false: the eTP Local short-circuit never said it), then topology.
 */
export function clusterChoiceActs(sp: CompiledServicePort, choice: ClusterChoice, acts: Act[], withSet = true): void {
  if (withSet) acts.push(clusterEndpointsAct(sp));
  if (choice.act !== null) {
    if (sp.categories.topology?.inferred === true) acts.push(HINTS_INFERRED);
    acts.push(choice.act);
  } else if (sp.categories.hintsUnread) {
    acts.push(HINTS_UNREAD);
  }
}

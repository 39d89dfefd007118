// Topology-aware routing: which of a Service port's cluster endpoints a node uses, from the
// endpoints' hints (EndpointSlice `hints.forZones` / `hints.forNodes`) and the node's zone, as
// kube-proxy decides it (pkg/proxy/topology.go, CategorizeEndpoints and topologyModeFromHints):
//  - hints count only when every ready endpoint carries one of the kind; node hints first
//    (PreferSameNode, when this kube-proxy reads them), then zone hints (PreferSameZone);
//  - a mode is used only when at least one ready endpoint is hinted for this node (or zone);
//    otherwise the node falls back to every ready endpoint, and the answer says why;
//  - the choice narrows the endpoints of Cluster policies only (ClusterIP traffic, eTP Cluster,
//    and the eTP Local pod and node short-circuits); Local policies keep the node's own endpoints.
// Which kube-proxy reads hints at all depends on the Kubernetes version (and, before v1.31, on
// the Service's annotations): topologyPolicy().
import type { ClusterChoice, CompiledEndpoint, CompiledNode, EndpointTopology, TopologyPolicy } from './compiled';
import type { ServiceModel } from './model';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
const MODE_ANNOTATION = 'service.kubernetes.io/topology-mode';
const HINTS_ANNOTATION = 'service.kubernetes.io/topology-aware-hints';

/** The minor version of a Kubernetes version string (`v1.28.3-r0` -> 28), or null when it cannot be read. */
export function minorVersion(version: string): number | null {
  const m = /^v?1\.(\d+)/.exec(version.trim());
  return m === null ? null : Number(m[1]);
}

/** Whether the Service asks for the EndpointSlice controller's "Auto" hints by annotation (topology-mode from v1.27, or the older topology-aware-hints). */
function hintsAnnotated(minor: number, svc: ServiceModel): boolean {
  const value = (minor >= 27 ? svc.annotations[MODE_ANNOTATION] : undefined) ?? svc.annotations[HINTS_ANNOTATION] ?? '';
  return value !== '' && value !== 'disabled' && value !== 'Disabled';
}

/**
 * Whether kube-proxy of `version` reads the topology hints of Service `svc`:
 *  - before v1.24 topology-aware hints were off by default (TopologyAwareHints: alpha in v1.21,
 *    beta but disabled in v1.23, on by default from v1.24);
 *  - v1.24 to v1.30: only for Services that ask by annotation (topology-aware-hints, and from
 *    v1.27 topology-mode), with any value but empty or disabled;
 *  - v1.31 and later: the hints alone decide (trafficDistribution beta; kube-proxy stopped
 *    reading the annotations), node hints from v1.34 (PreferSameTrafficDistribution beta).
 * An unreadable version counts as the newest.
 */
export function topologyPolicy(version: string, svc: ServiceModel): TopologyPolicy | null {
  const minor = minorVersion(version) ?? Number.MAX_SAFE_INTEGER;
  if (minor < 24) return null;
  if (minor < 31 && !hintsAnnotated(minor, svc)) return null;
  return { nodes: minor >= 34 };
}

const NO_NAMES: ReadonlySet<string> = new Set();

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * The topology choice of one Service port, for every node: made once per zone (and per node
 * hinted by name), on first use. Only ports whose ready endpoints carry hints have one
 * (categorizeEndpoints); for the others every node uses every ready endpoint.
 */
export class Topology implements EndpointTopology {
  readonly #ready: readonly CompiledEndpoint[];
  readonly #policy: TopologyPolicy;
  /** Every ready endpoint has zone hints / node hints. */
  readonly #allZoneHinted: boolean;
  readonly #allNodeHinted: boolean;
  readonly #byZone = new Map<string, ClusterChoice>();
  readonly #byNode = new Map<string, ClusterChoice | null>();
  readonly #all: ClusterChoice;
  readonly #noZone: ClusterChoice;

  readonly inferred: boolean;
  readonly hintedNodes: ReadonlySet<string>;

  constructor(ready: readonly CompiledEndpoint[], policy: TopologyPolicy) {
    this.#ready = ready;
    this.inferred = ready.some((ep) => ep.hintsInferred);
    this.#policy = policy;
    this.#allZoneHinted = ready.every((ep) => ep.zoneHints !== null && ep.zoneHints.length > 0);
    this.#allNodeHinted = ready.every((ep) => ep.nodeHints !== null && ep.nodeHints.length > 0);
    this.hintedNodes =
      policy.nodes && this.#allNodeHinted ? new Set(ready.flatMap((ep) => ep.nodeHints ?? [])) : NO_NAMES;
    this.#all = this.#allZoneHinted
      ? { endpoints: ready, act: null }
      : {
          endpoints: ready,
          act: {
            rule: 'K8S-TOPOLOGY-IGNORED-MISSING-HINT',
            note: 'topology hints ignored: some ready endpoint has no zone hint, so every ready endpoint is used',
          },
        };
    this.#noZone = {
      endpoints: ready,
      act: {
        rule: 'K8S-TOPOLOGY-IGNORED-NO-ZONE-LABEL',
        note: `topology hints ignored: this node has no ${ZONE_LABEL} label, so every ready endpoint is used`,
      },
    };
  }

  /** The cluster endpoints `node` uses. */
  at(node: CompiledNode): ClusterChoice {
    if (this.#policy.nodes && this.#allNodeHinted) {
      const own = this.#sameNode(node.name);
      if (own !== null) return own;
    }
    if (!this.#allZoneHinted) return this.#all;
    if (node.zone === null || node.zone === '') return this.#noZone;
    return this.#sameZone(node.zone);
  }

  sharedByNodes(endpoints: readonly CompiledEndpoint[]): boolean {
    if (endpoints === this.#ready) return true;
    for (const choice of this.#byZone.values()) if (choice.endpoints === endpoints) return true;
    return false;
  }

  #sameNode(name: string): ClusterChoice | null {
    let choice = this.#byNode.get(name);
    if (choice === undefined) {
      const endpoints = this.#ready.filter((ep) => ep.nodeHints?.includes(name) === true);
      choice =
        endpoints.length === 0
          ? null
          : {
              endpoints,
              act: {
                rule: 'K8S-TOPOLOGY-SAME-NODE',
                note: `topology hints (PreferSameNode): ${plural(endpoints.length, 'endpoint')} of ${this.#ready.length} hinted for this node`,
              },
            };
      this.#byNode.set(name, choice);
    }
    return choice;
  }

  #sameZone(zone: string): ClusterChoice {
    let choice = this.#byZone.get(zone);
    if (choice === undefined) {
      const endpoints = this.#ready.filter((ep) => ep.zoneHints?.includes(zone) === true);
      choice =
        endpoints.length === 0
          ? {
              endpoints: this.#ready,
              act: {
                rule: 'K8S-TOPOLOGY-IGNORED-NO-ENDPOINT-FOR-ZONE',
                note: `topology hints ignored: no ready endpoint is hinted for zone ${zone}, so every ready endpoint is used`,
              },
            }
          : {
              endpoints,
              act: {
                rule: 'K8S-TOPOLOGY-SAME-ZONE',
                note: `topology hints (PreferSameZone): ${plural(endpoints.length, 'endpoint')} of ${this.#ready.length} hinted for zone ${zone}`,
              },
            };
      this.#byZone.set(zone, choice);
    }
    return choice;
  }
}

/** Whether any ready endpoint carries a hint (then a policy's Topology is worth making). */
export function anyHinted(ready: readonly CompiledEndpoint[]): boolean {
  for (let i = 0; i < ready.length; i++) {
    const ep = ready[i];
    if ((ep.zoneHints !== null && ep.zoneHints.length > 0) || (ep.nodeHints !== null && ep.nodeHints.length > 0))
      return true;
  }
  return false;
}

/**
 * The hints the EndpointSlice controller writes for a ready endpoint of a Service with no slices
 * here (its endpoints derived from the selector), by trafficDistribution (trafficdist.go,
 * preferCloseHeuristic.update): PreferClose, PreferSameZone and PreferSameNode hint the endpoint
 * for its own zone when it has one, PreferSameNode also for its own node. Null when the
 * controller writes none: no trafficDistribution (or one it does not know), a controller before
 * v1.31 (the field's beta), or a Service that asks for "Auto" hints by annotation, which take
 * precedence and whose allocation (by each zone's share of CPU) this model cannot know.
 */
export function inferredHints(
  version: string,
  svc: ServiceModel,
  zone: string | null,
  nodeName: string | null,
): { zones: readonly string[]; nodes: readonly string[] } | null {
  const trafficDistribution = svc.trafficDistribution;
  if (
    trafficDistribution !== 'PreferClose' &&
    trafficDistribution !== 'PreferSameZone' &&
    trafficDistribution !== 'PreferSameNode'
  )
    return null;
  const minor = minorVersion(version) ?? Number.MAX_SAFE_INTEGER;
  if (minor < 31 || hintsAnnotated(minor, svc)) return null;
  const zones = zone === null || zone === '' ? [] : [zone];
  const nodes = trafficDistribution === 'PreferSameNode' && nodeName !== null ? [nodeName] : [];
  return zones.length === 0 && nodes.length === 0 ? null : { zones, nodes };
}

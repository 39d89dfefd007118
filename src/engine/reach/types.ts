// The types reachability's modules share, in one module that imports none of them: the
// environment of one answer (Env, with the cluster's EngineProfile), a path's outcome, and what
// suggestions are asked with. A profile's remedies take a SuggestionInput, whose Env holds the
// profile: types that refer to each other live here, so no engine module imports in a cycle.
import type { CompiledCluster, CompiledEndpoint, CompiledServicePort } from '../compiled';
import type { DataPlane, Decision, PacketContext, PolicyOverride } from '../dataplane/dataplane';
import type { Profile } from '../model';
import type { FailureSummary } from '../packet';
import type {
  EndpointOutcome,
  ReachabilityResult,
  ReachVerdict,
  ServiceAffinity,
  SourceIp,
  Suggestion,
  ViaKind,
} from '../results';
import type { RuleId } from '../rules';
import type { Sharing } from '../sharing/sharing';
import type { ClientInfo, ReachabilityClient } from './client';
import type { OutcomeList } from './outcome-list';

export interface ReachabilityRequest {
  readonly client: ReachabilityClient;
  /** `namespace/name` */
  readonly service: string;
  /** Only this Service port (its `port`); all ports when absent. */
  readonly port?: number;
}

/**
 * How the engine behaves for one profile (src/engine/profiles assembles each): the data
 * plane's packet semantics, how reachability may share work between nodes (NO_SHARING unless
 * the profile has proven better, see sharing.spec.ts), and what the profile adds to answers.
 */
export interface EngineProfile {
  readonly name: Profile;
  readonly dataPlane: DataPlane;
  readonly sharing: Sharing;
  /** Rules appended to every answer of this profile (e.g. "fell back to upstream"). */
  readonly notes: readonly RuleId[];
  /** Service-affinity facts (e.g. CCE Table 1) for a Service port, added to the reachability answer. */
  affinity?(cc: CompiledCluster, sp: CompiledServicePort): ServiceAffinity | null;
  /** Profile remedies: rewrite or extend the verified upstream suggestions (each re-run with q.reevaluate). */
  refineSuggestions?(q: SuggestionInput, upstream: readonly Suggestion[]): Suggestion[];
}

export interface Env {
  readonly cc: CompiledCluster;
  /** The cluster's profile: its data plane, how nodes may share work, and what it adds to answers. */
  readonly profile: EngineProfile;
  readonly client: ClientInfo;
  readonly override?: PolicyOverride;
  /** Endpoint outcomes built so far in this answer (see outcomesAt); none when absent. */
  readonly outcomes?: OutcomeMemo;
  /**
   * reachability() itself, handed down by it: suggestions ask the question again on a variant of
   * the cluster (the entry point, reachability.ts, sits above this module).
   */
  readonly ask: (cc: CompiledCluster, req: ReachabilityRequest) => ReachabilityResult;
  /**
   * Whether this answer offers suggestions. An answer asked again to check a suggestion's
   * promise reads only verdicts and source-IP fates, so it offers none: otherwise checking a
   * promise on a variant could check a promise on a variant of that, without end.
   */
  readonly suggest: boolean;
}

/** Endpoint outcomes of one candidate list, with what is derived from them once. */
export interface Outcomes {
  readonly list: OutcomeList;
  /** The path verdict when the decision is FORWARD. */
  readonly verdict: ReachVerdict;
  readonly targets: string;
  readonly failure: FailureSummary | null;
  /** Whether any connection that completes is masqueraded (see PathOutcome.masquerade). */
  readonly masquerade: boolean;
}

/** Outcomes as last computed for a candidate list: on which node, in which connection context. */
export interface KnownOutcomes {
  readonly outcomes: Outcomes;
  readonly node: number;
  /**
   * The packet and decision they were computed for (its connection scope, see sameScope), or
   * null when the sharing is not connectionNodeLocal.
   */
  readonly scope: NodeDecision | null;
  /** scopeDst(scope), found once. */
  readonly scopeDst: string;
  /** The client's node in that scope (-1 outside the cluster, or for what a load balancer delivers). */
  readonly clientNode: number;
}

/**
 * Per answer: the latest outcomes built for each candidate list (by identity), one for
 * decisions that masquerade and one for those that do not (what-if re-evaluations of the
 * same list often flip it, and would otherwise match nothing).
 */
export type OutcomeMemo = Map<readonly CompiledEndpoint[], [KnownOutcomes | undefined, KnownOutcomes | undefined]>;

export interface NodeDecision {
  readonly ctx: PacketContext;
  readonly decision: Decision;
}

export interface PathOutcome {
  readonly hops: readonly NodeDecision[];
  readonly verdict: ReachVerdict;
  /** The outcome of each candidate endpoint of the last hop's decision. */
  readonly outcomes: OutcomeList;
  /** outcomes.array (built when first read). */
  readonly endpoints: readonly EndpointOutcome[];
  /** endpointTargets(endpoints), computed once per path. */
  readonly targets: string;
  /** Why some connections fail, summarised once per path. */
  readonly failure: FailureSummary | null;
  /**
   * Whether any connection that completes is masqueraded, found once per path: the source-IP
   * fate is judged on those (packet.ts sourceIpFate), so a failing hairpin does not count.
   */
  readonly masquerade: boolean;
}

export interface Answer {
  readonly verdict: ReachVerdict;
  readonly sourceIpPreserved: boolean | null;
}

export type Reevaluate = (override: PolicyOverride) => Answer;

export interface SuggestionInput {
  readonly env: Env;
  readonly sp: CompiledServicePort;
  readonly via: ViaKind;
  /** Whether the address is a node's EIP (NodePort on the public network). */
  readonly eip?: boolean;
  readonly path: PathOutcome | null;
  readonly verdict: ReachVerdict;
  readonly sourceIp: SourceIp;
  /** Superseded by clusterIp (read no more); callers may still pass it. */
  readonly clusterIpVerdict?: ReachVerdict | null;
  /** The ClusterIP answer of the same Service port for this client (USE_CLUSTER_IP promises it); none outside the cluster. */
  readonly clusterIp?: Answer | null;
  /** The same path re-run with a what-if override: ask it through whatIf(), which adds what the path alone does not decide. */
  readonly reevaluate: Reevaluate;
  /**
   * The same address's path taken on another compiled version of the cluster with the same
   * nodes and Service ports (e.g. readyVariant's); absent where the caller cannot (then the
   * question is asked again whole).
   */
  readonly reevaluateOn?: (cc: CompiledCluster) => Answer;
}

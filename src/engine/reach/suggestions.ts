// Suggestions, each verified by re-evaluating the same path with the change applied: only
// those that would change the answer are returned.
import type { CompiledServicePort } from '../compiled';
import type { PolicyOverride } from '../dataplane/dataplane';
import type { ReachVerdict, SourceIp, Suggestion, SuggestionCode, ViaKind } from '../results';
import type { RuleId } from '../rules';
import type { Env, PathOutcome } from './paths';

export interface Answer {
  readonly verdict: ReachVerdict;
  readonly sourceIpPreserved: boolean | null;
}

export type Reevaluate = (override: PolicyOverride) => Answer;

const RANK: Record<ReachVerdict, number> = { UNKNOWN: 0, UNREACHABLE: 1, PARTIAL: 2, REACHABLE: 3 };

/**
 * The what-if overrides, one object each: re-evaluations are shared across node classes by
 * override identity (see reachability.ts), and a node class asks them again and again.
 */
export const WHAT_IF = {
  ITP_CLUSTER: { internalTrafficPolicy: 'Cluster' },
  ETP_CLUSTER: { externalTrafficPolicy: 'Cluster' },
  ETP_LOCAL: { externalTrafficPolicy: 'Local' },
  ALLOW_SOURCE: { allowSource: true },
  PASS_THROUGH: { passThrough: true },
} as const satisfies Record<string, PolicyOverride>;

function better(a: Answer, than: ReachVerdict): boolean {
  return RANK[a.verdict] > RANK[than];
}

export function answerOf(path: PathOutcome): Answer {
  if (path.verdict === 'UNREACHABLE' && path.outcomes.length === 0) return { verdict: path.verdict, sourceIpPreserved: null };
  return { verdict: path.verdict, sourceIpPreserved: !path.masquerade };
}

function acted(path: PathOutcome, rule: RuleId): boolean {
  for (let h = 0; h < path.hops.length; h++) {
    const acts = path.hops[h].decision.acts;
    for (let i = 0; i < acts.length; i++) if (acts[i].rule === rule) return true;
  }
  return false;
}

/** Suggestions whose expected answer is a what-if answer, by answer and code: one object each (see verified()). */
const VERIFIED = new WeakMap<Answer, Map<SuggestionCode, Suggestion>>();

/**
 * The suggestion `code` with its (fixed) message, expecting what-if answer `a`: one object per
 * answer and code. What-if answers are shared by the node classes of an answer where they can
 * be, so then are their suggestions (suggestions are never changed once made).
 */
function verified(code: SuggestionCode, message: string, a: Answer): Suggestion {
  let byCode = VERIFIED.get(a);
  if (byCode === undefined) VERIFIED.set(a, (byCode = new Map()));
  let made = byCode.get(code);
  if (made === undefined) byCode.set(code, (made = { code, message, expected: a }));
  return made;
}

/** Worded the same for every Service: one object (suggestions are never changed once made). */
const USE_CLUSTER_IP: Suggestion = { code: 'USE_CLUSTER_IP', message: 'inside the cluster, use the ClusterIP or the Service DNS name', expected: { verdict: 'REACHABLE', sourceIpPreserved: null } };

export interface SuggestionInput {
  readonly env: Env;
  readonly sp: CompiledServicePort;
  readonly via: ViaKind;
  readonly path: PathOutcome | null;
  readonly verdict: ReachVerdict;
  readonly sourceIp: SourceIp;
  readonly clusterIpVerdict: ReachVerdict | null;
  readonly reevaluate: Reevaluate;
}

function whenUnreachable(q: SuggestionInput, out: Suggestion[]): void {
  const { sp, via, path } = q;
  if (path !== null && acted(path, 'K8S-NO-ENDPOINTS-REJECT')) {
    out.push({ code: 'ADD_READY_ENDPOINTS', message: `${sp.serviceKey} has no ready endpoint: fix its selector or readiness`, expected: { verdict: 'REACHABLE', sourceIpPreserved: null } });
    return;
  }
  if (via === 'CLUSTER_IP' && sp.internalPolicyLocal) {
    const a = q.reevaluate(WHAT_IF.ITP_CLUSTER);
    if (better(a, q.verdict)) out.push(verified('SET_ITP_CLUSTER', 'set internalTrafficPolicy: Cluster so ClusterIP traffic may use endpoints on other nodes', a));
  }
  if (via !== 'CLUSTER_IP' && sp.externalPolicyLocal) {
    const a = q.reevaluate(WHAT_IF.ETP_CLUSTER);
    if (better(a, q.verdict)) out.push(verified('SET_ETP_CLUSTER', 'set externalTrafficPolicy: Cluster; note that the client source IP is then not preserved', a));
  }
  if (path !== null && acted(path, 'K8S-LB-SOURCE-RANGES-DROP')) {
    const a = q.reevaluate(WHAT_IF.ALLOW_SOURCE);
    if (better(a, q.verdict)) out.push(verified('ADD_SOURCE_RANGE', 'add the client\'s address to loadBalancerSourceRanges', a));
  }
  if (q.env.client.kind !== 'EXTERNAL' && via !== 'CLUSTER_IP' && q.clusterIpVerdict === 'REACHABLE') {
    out.push(USE_CLUSTER_IP);
  }
}

/** Suggestions that would change this answer (verdict, or a lost source IP for outside clients). */
export function suggestionsFor(q: SuggestionInput): Suggestion[] {
  const out: Suggestion[] = [];
  if (q.verdict === 'UNKNOWN') return out;
  if (q.verdict !== 'REACHABLE') whenUnreachable(q, out);
  const svcType = q.env.cc.services[q.sp.serviceIndex].model.type;
  const canBeLocal = svcType === 'NodePort' || svcType === 'LoadBalancer';
  if (q.env.client.kind === 'EXTERNAL' && q.via !== 'CLUSTER_IP' && canBeLocal && !q.sp.externalPolicyLocal && q.sourceIp.preserved === false) {
    const a = q.reevaluate(WHAT_IF.ETP_LOCAL);
    if (a.sourceIpPreserved === true && RANK[a.verdict] >= RANK[q.verdict]) {
      out.push(verified('SET_ETP_LOCAL', 'set externalTrafficPolicy: Local to preserve the client source IP (only nodes with local endpoints then serve it)', a));
    }
  }
  return q.env.dp.refineSuggestions?.(q, out) ?? out;
}

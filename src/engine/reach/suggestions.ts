// Suggestions, each verified by re-evaluating the same path with the change applied: only
// those that would change the answer are returned.
import type { CompiledServicePort } from '../compiled';
import type { PolicyOverride } from '../dataplane/dataplane';
import type { ReachVerdict, SourceIp, Suggestion, ViaKind } from '../results';
import type { RuleId } from '../rules';
import type { Env, PathOutcome } from './paths';

export interface Answer {
  readonly verdict: ReachVerdict;
  readonly sourceIpPreserved: boolean | null;
}

export type Reevaluate = (override: PolicyOverride) => Answer;

const RANK: Record<ReachVerdict, number> = { UNKNOWN: 0, UNREACHABLE: 1, PARTIAL: 2, REACHABLE: 3 };

function better(a: Answer, than: ReachVerdict): boolean {
  return RANK[a.verdict] > RANK[than];
}

export function answerOf(path: PathOutcome): Answer {
  if (path.verdict === 'UNREACHABLE' && path.endpoints.length === 0) return { verdict: path.verdict, sourceIpPreserved: null };
  return { verdict: path.verdict, sourceIpPreserved: !path.endpoints.some((e) => e.masquerade) };
}

function acted(path: PathOutcome, rule: RuleId): boolean {
  return path.hops.some((h) => h.decision.acts.some((a) => a.rule === rule));
}

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
    const a = q.reevaluate({ internalTrafficPolicy: 'Cluster' });
    if (better(a, q.verdict)) out.push({ code: 'SET_ITP_CLUSTER', message: 'set internalTrafficPolicy: Cluster so ClusterIP traffic may use endpoints on other nodes', expected: a });
  }
  if (via !== 'CLUSTER_IP' && sp.externalPolicyLocal) {
    const a = q.reevaluate({ externalTrafficPolicy: 'Cluster' });
    if (better(a, q.verdict)) out.push({ code: 'SET_ETP_CLUSTER', message: 'set externalTrafficPolicy: Cluster; note that the client source IP is then not preserved', expected: a });
  }
  if (path !== null && acted(path, 'K8S-LB-SOURCE-RANGES-DROP')) {
    const a = q.reevaluate({ allowSource: true });
    if (better(a, q.verdict)) out.push({ code: 'ADD_SOURCE_RANGE', message: 'add the client\'s address to loadBalancerSourceRanges', expected: a });
  }
  if (q.env.client.kind !== 'EXTERNAL' && via !== 'CLUSTER_IP' && q.clusterIpVerdict === 'REACHABLE') {
    out.push({ code: 'USE_CLUSTER_IP', message: 'inside the cluster, use the ClusterIP or the Service DNS name', expected: { verdict: 'REACHABLE', sourceIpPreserved: null } });
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
    const a = q.reevaluate({ externalTrafficPolicy: 'Local' });
    if (a.sourceIpPreserved === true && RANK[a.verdict] >= RANK[q.verdict]) {
      out.push({ code: 'SET_ETP_LOCAL', message: 'set externalTrafficPolicy: Local to preserve the client source IP (only nodes with local endpoints then serve it)', expected: a });
    }
  }
  return q.env.dp.refineSuggestions?.(q, out) ?? out;
}

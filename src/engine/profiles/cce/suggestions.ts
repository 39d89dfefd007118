// The CCE page's remedies, worded as the page gives them and each offered only where re-running
// the analysis with the remedy applied changes the answer.
import { changeAccepted, WHAT_IF, whatIf } from '../../reach/suggestions';
import type { SuggestionInput } from '../../reach/types';
import type { ReachVerdict, Suggestion, SuggestionCode } from '../../results';
import type { ServiceModel } from '../../model';
import {
  ELB_PASS_THROUGH,
  passThroughRequested,
  passThroughUnsupported,
  servicesSharingLoadBalancer,
} from './annotations';

const RANK: Record<ReachVerdict, number> = { UNKNOWN: 0, UNREACHABLE: 1, PARTIAL: 2, REACHABLE: 3 };

export const REMEDY_TEXT = {
  USE_CLUSTER_IP: '(Recommended) In the cluster, use the ClusterIP Service or service domain name for access.',
  SET_ETP_CLUSTER:
    'Set externalTrafficPolicy of the Service to Cluster, which means cluster-level service affinity. Note that this affects source address persistence: the client source IP is no longer preserved.',
  ENABLE_ELB_PASS_THROUGH:
    'Leverage the pass-through feature of the Service (kubernetes.io/elb.pass-through: "true"): kube-proxy is bypassed when the ELB address is used for access; the ELB load balancer is accessed first, and then the workload.',
} as const;

const ORDER: readonly SuggestionCode[] = ['USE_CLUSTER_IP', 'SET_ETP_CLUSTER', 'ENABLE_ELB_PASS_THROUGH'];

function passThroughLimits(q: SuggestionInput): string {
  const cc = q.env.cc;
  const svc = cc.services[q.sp.serviceIndex].model;
  const notes: string[] = [];
  if (cc.model.profile === 'CCE')
    notes.push(
      'In a CCE standard cluster with a dedicated load balancer, its private IP still cannot be accessed from the node where the workload pod resides or other containers on that node.',
    );
  if (svc.externalTrafficPolicy === 'Local')
    notes.push('With node-level (Local) affinity the annotation is set to onlyLocal automatically.');
  if (cc.model.proxyMode === 'IPVS' && servicesSharingLoadBalancer(cc.model.services, svc).length > 0) {
    notes.push(
      'In IPVS mode every Service on the same load balancer must have the same pass-through setting: change them together.',
    );
  }
  return notes.join(' ');
}

/**
 * Whether what-if accepts the annotation written (on every Service of the load balancer in IPVS
 * mode, as the message asks: one alone is refused there).
 */
function passThroughAccepted(q: SuggestionInput): boolean {
  const cc = q.env.cc;
  const svc = cc.services[q.sp.serviceIndex].model;
  const on = (s: ServiceModel): ServiceModel => ({
    ...s,
    annotations: { ...s.annotations, [ELB_PASS_THROUGH]: 'true' },
  });
  return changeAccepted(cc, `${q.sp.serviceIndex} ENABLE_ELB_PASS_THROUGH`, () => [
    on(svc),
    ...(cc.model.proxyMode === 'IPVS' ? servicesSharingLoadBalancer(cc.model.services, svc).map(on) : []),
  ]);
}

function passThrough(q: SuggestionInput): Suggestion | null {
  const cc = q.env.cc;
  const svc = cc.services[q.sp.serviceIndex].model;
  if (q.via !== 'LOAD_BALANCER' || q.env.client.kind === 'EXTERNAL' || svc.type !== 'LoadBalancer') return null;
  if (
    q.verdict === 'REACHABLE' ||
    q.verdict === 'UNKNOWN' ||
    passThroughRequested(svc) ||
    passThroughUnsupported(cc.model.kubernetesVersion)
  )
    return null;
  const a = whatIf(q, WHAT_IF.PASS_THROUGH);
  if (RANK[a.verdict] <= RANK[q.verdict] || !passThroughAccepted(q)) return null;
  const limits = passThroughLimits(q);
  return {
    code: 'ENABLE_ELB_PASS_THROUGH',
    message: limits === '' ? REMEDY_TEXT.ENABLE_ELB_PASS_THROUGH : `${REMEDY_TEXT.ENABLE_ELB_PASS_THROUGH} ${limits}`,
    expected: a,
  };
}

/** Page wording for the upstream remedies it shares, plus ELB pass-through; the page's order first. */
export function refineCceSuggestions(q: SuggestionInput, upstream: readonly Suggestion[]): Suggestion[] {
  const out: Suggestion[] = upstream.map((s) =>
    s.code === 'USE_CLUSTER_IP' || s.code === 'SET_ETP_CLUSTER' ? { ...s, message: REMEDY_TEXT[s.code] } : s,
  );
  const pt = passThrough(q);
  if (pt !== null) out.push(pt);
  const rank = (c: SuggestionCode): number => {
    const i = ORDER.indexOf(c);
    return i < 0 ? ORDER.length : i;
  };
  return out.sort((a, b) => rank(a.code) - rank(b.code));
}

// reachability(): every way a client can address a Service, each answered from trace()
// decisions (the same data-plane `decide`), composed into paths (see reach/answer.ts).
import type { CompiledCluster } from './compiled';
import { profileFor } from './profiles/select';
import { answerReachability } from './reach/answer';
import { answerTarget, type TargetRequest } from './reach/targets';
import type { ReachabilityRequest } from './reach/types';
import type { ReachabilityResult } from './results';

export type { ReachabilityClient } from './reach/client';
export type { ReachabilityRequest } from './reach/types';
export type { TargetRequest } from './reach/targets';

/** Can this client reach this Service, by each way of addressing it, and will its source IP survive? */
export function reachability(cc: CompiledCluster, req: ReachabilityRequest): ReachabilityResult {
  return answerReachability(cc, req, profileFor(cc.model.profile), askAgain);
}

/**
 * Can this client reach a pod on its own IP, or an outside address, on this port? One result
 * (via POD_IP or IP), decided by NetworkPolicy (reach/targets.ts).
 */
export function reachabilityToTarget(cc: CompiledCluster, req: TargetRequest): ReachabilityResult {
  return answerTarget(cc, req, profileFor(cc.model.profile));
}

/** The same question on a variant of the cluster, to check a suggestion's promise: verdicts only, no suggestions. */
function askAgain(cc: CompiledCluster, req: ReachabilityRequest): ReachabilityResult {
  return answerReachability(cc, req, profileFor(cc.model.profile), askAgain, false);
}

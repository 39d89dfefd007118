// trace(): one packet through one node, and whether the connections it starts complete.
import type { CompiledCluster } from './compiled';
import { renderTrace, resolvePacket, type TraceRequest } from './packet';
import { profileFor } from './profiles/select';
import type { TraceResult } from './results';

export type { TraceDestination, TraceRequest, TraceSource } from './packet';

/** Trace one packet: what the node's data plane does with it, whether its connections complete, and why. */
export function trace(cc: CompiledCluster, req: TraceRequest): TraceResult {
  const profile = profileFor(cc.model.profile);
  const resolved = resolvePacket(cc, req);
  return renderTrace(resolved, profile.dataPlane.decide(resolved.ctx), profile.dataPlane, profile.notes);
}

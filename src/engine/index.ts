// Public API of the engine: pure functions over plain data. No framework, no I/O.
export type * from './model';
export type * from './results';
export type { CompiledCluster } from './compiled';
export type { Rule, RuleId, Evidence } from './rules';
export type { TraceRequest, TraceSource, TraceDestination } from './trace';
export type { ReachabilityRequest, ReachabilityClient, TargetRequest } from './reachability';
export type { DataPlane } from './dataplane/dataplane';
export type { EngineProfile } from './reach/types';
export { compile } from './compile';
export { applyModelChanges, patchCompiled, patchRecompiles, type ClusterSettings, type ModelChange } from './patch';
export { trace } from './trace';
export { reachability, reachabilityToTarget } from './reachability';
export { RULES } from './rules';
export { EngineInputError, type EngineErrorCode } from './errors';
export { profileFor } from './profiles/select';
// CCE write-time constraints and annotation normalisation (called by the API layer before storing a Service).
export {
  checkCceServiceConstraints,
  selectedPods,
  type CceConstraintViolation,
  type CceClusterFacts,
} from './profiles/cce/constraints';
export { normaliseCceAnnotations, servicesSharingLoadBalancer } from './profiles/cce/annotations';
// The answers as sent: grouped, summarised, each rule once (docs/answers.md).
export { reachabilityAnswer, type ReachabilityAnswer, type Detail } from './answer/compact';
export { traceSummary, type Summary } from './answer/summary';
export { serviceMatrix, type ServiceMatrix } from './answer/matrix';

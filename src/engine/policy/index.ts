// NetworkPolicy evaluation (networking.k8s.io/v1): compile once per model, then judge each
// direction of a connection in microseconds. Pure: reads the engine model only.
export { compilePolicies, hasPolicies } from './compile';
export type { PolicyIndex } from './compile';
export { judgeConnection, judgeEgress, judgeIngress } from './judge';
export type {
  ConnectionVerdict,
  PolicyAllowance,
  PolicyPeerRef,
  PolicyReason,
  PolicyRuleId,
  PolicyVerdict,
} from './types';

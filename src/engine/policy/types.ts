// The NetworkPolicy evaluator's answers. Kept apart from the code so that the compiler and the
// judge can both name them without importing each other.
import type { PodModel } from '../model';
import type { NetworkPolicyRuleId } from '../rules';

/** Every id a policy verdict cites: the K8S-NETPOL-* rules of rules.ts. */
export type PolicyRuleId = NetworkPolicyRuleId;

export type PolicyReason =
  | 'NOT_ENFORCED'
  | 'NO_POLICY_SELECTS_POD'
  | 'ALLOWED_BY_POLICY'
  | 'DENIED_INGRESS'
  | 'DENIED_EGRESS'
  | 'NODE_EXCEPTION'
  | 'HOST_NETWORK_NOT_SELECTED'
  | 'SAME_POD'
  | 'NOT_A_POD';

export interface PolicyPeerRef {
  /** The address on the wire as the judged end sees it. */
  readonly ip: string;
  /** The pod that owns ip (a non-hostNetwork pod), or null: a node, a hostNetwork pod's address, an external address. */
  readonly pod: PodModel | null;
}

export interface PolicyAllowance {
  /** "namespace/name". */
  readonly policy: string;
  readonly direction: 'Ingress' | 'Egress';
  /** Index in the policy's ingress[] or egress[]. */
  readonly rule: number;
}

export interface PolicyVerdict {
  readonly allowed: boolean;
  readonly reason: PolicyReason;
  /** The rule that decided. */
  readonly rule: PolicyRuleId;
  /** "namespace/name" of the policies that select the judged pod for this direction, sorted. */
  readonly policies: readonly string[];
  /** The first (policy name order, then rule order) rule that allowed it. */
  readonly allowedBy: PolicyAllowance | null;
  /** Rules that make the verdict depend on the network plugin (e.g. an ipBlock matched a pod's IP). */
  readonly caveats: readonly PolicyRuleId[];
}

export interface ConnectionVerdict {
  readonly egress: PolicyVerdict;
  readonly ingress: PolicyVerdict;
  readonly allowed: boolean;
}

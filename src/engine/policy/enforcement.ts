// Whether a cluster's network plugin enforces NetworkPolicy: the cluster's own setting, else the
// profile's default with the rule that says why (K8S-NETPOL-ENFORCED-DEFAULT, CCE-NETPOL-*).
import type { ClusterModel } from '../model';
import type { RuleId } from '../rules';

export interface Enforcement {
  readonly enforced: boolean;
  /** SETTING: the cluster says so (networkPolicyEnforced); DEFAULT: the profile's default. */
  readonly from: 'SETTING' | 'DEFAULT';
  /** The rule behind a default (null for a setting). */
  readonly rule: RuleId | null;
}

export function enforcementOf(
  model: Pick<ClusterModel, 'profile' | 'networkModel' | 'networkPolicyEnforced'>,
): Enforcement {
  const set = model.networkPolicyEnforced;
  if (set === true || set === false) return { enforced: set, from: 'SETTING', rule: null };
  if (model.profile === 'KUBERNETES') return { enforced: true, from: 'DEFAULT', rule: 'K8S-NETPOL-ENFORCED-DEFAULT' };
  if (model.networkModel === 'TUNNEL') return { enforced: true, from: 'DEFAULT', rule: 'CCE-NETPOL-TUNNEL' };
  return { enforced: false, from: 'DEFAULT', rule: 'CCE-NETPOL-DATAPLANE-V2' };
}

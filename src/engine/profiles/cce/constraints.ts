// Write-time constraints of the CCE page, as a pure function the API layer calls before storing a
// Service (a violation is a 4xx naming the rule; nothing is stored). Empty list = allowed.
import type { ClusterModel, PodModel, ServiceModel } from '../../model';
import { externalPolicyLocal } from '../../predicates';
import type { RuleId } from '../../rules';
import {
  ELB_PASS_THROUGH,
  passThroughRequested,
  passThroughUnsupported,
  servicesSharingLoadBalancer,
} from './annotations';

export interface CceConstraintViolation {
  readonly ruleId: RuleId;
  /** Dotted path of the offending field, e.g. `metadata.annotations["kubernetes.io/elb.pass-through"]`. */
  readonly field: string;
  readonly message: string;
}

/** What the checks need of the cluster: its profile, version and proxy mode; pods and Services when known. */
export type CceClusterFacts = Pick<ClusterModel, 'profile' | 'kubernetesVersion' | 'proxyMode'> & {
  readonly pods?: readonly PodModel[];
  readonly services?: readonly ServiceModel[];
};

const PASS_FIELD = `metadata.annotations["${ELB_PASS_THROUGH}"]`;

/** Pods the Service selects (running on a node, same namespace, labels match). */
export function selectedPods(pods: readonly PodModel[], svc: ServiceModel): PodModel[] {
  const sel = svc.selector;
  if (sel === null || Object.keys(sel).length === 0) return [];
  return pods.filter(
    (p) =>
      p.namespace === svc.namespace &&
      p.nodeName !== null &&
      p.phase !== 'Succeeded' &&
      p.phase !== 'Failed' &&
      Object.entries(sel).every(([k, v]) => p.labels[k] === v),
  );
}

function passThroughVersion(cluster: CceClusterFacts, svc: ServiceModel): CceConstraintViolation[] {
  if (!passThroughRequested(svc) || !passThroughUnsupported(cluster.kubernetesVersion)) return [];
  return [
    {
      ruleId: 'CCE-ELB-PASSTHROUGH-UNSUPPORTED-VERSION',
      field: PASS_FIELD,
      message: `pass-through is not supported for clusters of v1.15 or earlier (this cluster is ${cluster.kubernetesVersion})`,
    },
  ];
}

function passThroughSameLb(
  cluster: CceClusterFacts,
  svc: ServiceModel,
  others: readonly ServiceModel[],
): CceConstraintViolation[] {
  if (cluster.proxyMode !== 'IPVS' || svc.type !== 'LoadBalancer') return [];
  const mine = passThroughRequested(svc);
  const differ = others.filter((o) => passThroughRequested(o) !== mine).map((o) => `${o.namespace}/${o.name}`);
  if (differ.length === 0) return [];
  return [
    {
      ruleId: 'CCE-ELB-PASSTHROUGH-IPVS-SAME-LB',
      field: PASS_FIELD,
      message: `in IPVS mode every Service on the same load balancer must have the same pass-through setting; ${differ.join(', ')} ${differ.length === 1 ? 'has' : 'have'} pass-through ${mine ? 'off' : 'on'}`,
    },
  ];
}

function turboLocal(cluster: CceClusterFacts, svc: ServiceModel): CceConstraintViolation[] {
  if (cluster.profile !== 'CCE_TURBO' || !externalPolicyLocal(svc) || cluster.pods === undefined) return [];
  const bad = selectedPods(cluster.pods, svc)
    .filter((p) => !p.hostNetwork)
    .map((p) => `${p.namespace}/${p.name}`);
  if (bad.length === 0) return [];
  return [
    {
      ruleId: 'CCE-TURBO-LOCAL-HOSTNETWORK',
      field: 'spec.externalTrafficPolicy',
      message: `in a CCE Turbo cluster, externalTrafficPolicy: Local is supported only when the Service backend is a HostNetwork pod; not HostNetwork: ${bad.join(', ')}`,
    },
  ];
}

/**
 * The CCE constraints on one Service about to be written. `otherServicesOnSameLb` defaults to the
 * Services in `cluster.services` that share its load balancer (same kubernetes.io/elb.id or a common
 * ingress IP). KUBERNETES clusters have no such constraints.
 */
export function checkCceServiceConstraints(
  cluster: CceClusterFacts,
  service: ServiceModel,
  otherServicesOnSameLb?: readonly ServiceModel[],
): CceConstraintViolation[] {
  if (cluster.profile === 'KUBERNETES') return [];
  const others = otherServicesOnSameLb ?? servicesSharingLoadBalancer(cluster.services ?? [], service);
  return [
    ...passThroughVersion(cluster, service),
    ...passThroughSameLb(cluster, service, others),
    ...turboLocal(cluster, service),
  ];
}

// The CCE ELB annotations on a Service, read the way CCE reads them.
import type { ServiceModel } from '../../model';
import { externalPolicyLocal } from '../../predicates';

export const ELB_CLASS = 'kubernetes.io/elb.class';
export const ELB_PASS_THROUGH = 'kubernetes.io/elb.pass-through';
export const ELB_ID = 'kubernetes.io/elb.id';

/** `performance` = dedicated ELB, `union` = shared ELB; null when the annotation is absent or unknown. */
export type ElbClass = 'DEDICATED' | 'SHARED';

export function elbClassOf(svc: ServiceModel): ElbClass | null {
  const v = svc.annotations[ELB_CLASS]?.trim().toLowerCase();
  if (v === 'performance') return 'DEDICATED';
  if (v === 'union') return 'SHARED';
  return null;
}

/** Pass-through is on when the annotation says "true" (or "onlyLocal", what CCE writes back for Local). */
export function passThroughRequested(svc: ServiceModel): boolean {
  const v = svc.annotations[ELB_PASS_THROUGH]?.trim().toLowerCase();
  return v === 'true' || v === 'onlylocal';
}

/** "v1.15.11-r0", "1.15" -> [1, 15]; null when unparseable. */
export function versionOf(text: string): readonly [number, number] | null {
  const m = /^v?(\d+)\.(\d+)/.exec(text.trim());
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

/** Pass-through is not supported for clusters of v1.15 or earlier (unparseable versions are not judged). */
export function passThroughUnsupported(kubernetesVersion: string): boolean {
  const v = versionOf(kubernetesVersion);
  return v !== null && (v[0] < 1 || (v[0] === 1 && v[1] <= 15));
}

/** Services share a load balancer when they name the same ELB id or publish a common ingress IP. */
export function shareLoadBalancer(a: ServiceModel, b: ServiceModel): boolean {
  if (a.type !== 'LoadBalancer' || b.type !== 'LoadBalancer') return false;
  if (a.namespace === b.namespace && a.name === b.name) return false;
  const idA = a.annotations[ELB_ID]?.trim();
  if (idA !== undefined && idA !== '' && idA === b.annotations[ELB_ID]?.trim()) return true;
  const ips = new Set(a.loadBalancerIngress.map((i) => i.ip));
  return b.loadBalancerIngress.some((i) => ips.has(i.ip));
}

export function servicesSharingLoadBalancer(all: readonly ServiceModel[], svc: ServiceModel): ServiceModel[] {
  return all.filter((o) => shareLoadBalancer(svc, o));
}

/**
 * What CCE stores: with node-level (Local) affinity, kubernetes.io/elb.pass-through is set to
 * onlyLocal to enable pass-through (cce_10_0249, pass-through notes). Returns the Service unchanged
 * when nothing is rewritten.
 */
export function normaliseCceAnnotations<S extends ServiceModel>(svc: S): S {
  const v = svc.annotations[ELB_PASS_THROUGH];
  if (v === undefined || v.trim().toLowerCase() !== 'true' || !externalPolicyLocal(svc)) return svc;
  return { ...svc, annotations: { ...svc.annotations, [ELB_PASS_THROUGH]: 'onlyLocal' } };
}

import { DomainError } from '../../common/domain-error';
import { cidrContains, ipFamily, parseCidr } from '../../common/net';
import { canonicalCidrList, canonicalIps } from '../topology/canonical';
import { ClusterRow } from '../topology/cluster-store';
import { IpMode, Protocol, ServiceType, TrafficPolicy } from '../topology/enums';
import { LoadBalancerIngressView, ServicePortView, UpdateServiceInput } from './service.dto';

/** A Service's spec as stored; `clusterIps` is ["None"] for a headless Service. */
export interface ServiceSpec {
  type: ServiceType;
  selector: Record<string, string> | null;
  ports: ServicePortView[];
  clusterIps: string[];
  externalIps: string[];
  loadBalancerIngress: LoadBalancerIngressView[];
  loadBalancerSourceRanges: string[];
  externalTrafficPolicy: TrafficPolicy;
  internalTrafficPolicy: TrafficPolicy;
  healthCheckNodePort: number | null;
  publishNotReadyAddresses: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export const isHeadless = (spec: Pick<ServiceSpec, 'clusterIps'>): boolean => spec.clusterIps[0] === 'None';
const usesNodePorts = (type: ServiceType): boolean => type !== 'ClusterIP';

function mergePorts(input: UpdateServiceInput, current: ServiceSpec | null, type: ServiceType): ServicePortView[] {
  if (!input.ports) {
    return (current?.ports ?? []).map((p) => ({ ...p, nodePort: usesNodePorts(type) ? p.nodePort : null }));
  }
  return input.ports.map((p, i) => {
    const protocol: Protocol = p.protocol ?? 'TCP';
    if (!usesNodePorts(type) && p.nodePort != null) {
      throw DomainError.invalid(`ports[${i}].nodePort`, 'only NodePort and LoadBalancer Services have NodePorts');
    }
    // Like the API server: an updated port keeps the NodePort it had unless a new one is given.
    const kept = current?.ports.find((c) => c.port === p.port && c.protocol === protocol)?.nodePort ?? null;
    return { name: p.name ?? null, protocol, port: p.port, targetPort: p.targetPort ?? p.port, nodePort: usesNodePorts(type) ? p.nodePort ?? kept : null };
  });
}

function checkPorts(ports: ServicePortView[], headless: boolean, cluster: ClusterRow): void {
  if (ports.length === 0 && !headless) throw DomainError.invalid('ports', 'a Service needs at least one port (only a headless Service may have none)');
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name) throw DomainError.invalid(`ports[${i}].name`, 'is required when a Service has more than one port');
    for (const key of [`${p.port}/${p.protocol}`, ...(p.name ? [`name ${p.name}`] : [])]) {
      if (seen.has(key)) throw DomainError.invalid(`ports[${i}]`, `repeats ${key}`);
      seen.add(key);
    }
    if (p.nodePort !== null && (p.nodePort < cluster.nodePortMin || p.nodePort > cluster.nodePortMax)) {
      throw DomainError.invalid(`ports[${i}].nodePort`, `must be in the cluster's NodePort range ${cluster.nodePortMin}-${cluster.nodePortMax}`);
    }
  });
}

function checkClusterIps(clusterIps: string[], cluster: ClusterRow): void {
  if (isHeadless({ clusterIps })) return;
  const cidrs = cluster.serviceCidrs.map((c) => parseCidr(c)!);
  clusterIps.forEach((ip, i) => {
    if (!cidrs.some((c) => cidrContains(c, ip))) {
      throw DomainError.invalid(`clusterIps[${i}]`, `${ip} is outside the cluster's Service CIDRs (${cluster.serviceCidrs.join(', ')})`);
    }
  });
}

/** Cross-field rules of a Service, as the Kubernetes API server applies them. */
function checkShape(spec: ServiceSpec, cluster: ClusterRow): void {
  const headless = isHeadless(spec);
  if (headless && spec.type !== 'ClusterIP') throw DomainError.invalid('clusterIps', `a ${spec.type} Service cannot be headless (clusterIP None)`);
  checkPorts(spec.ports, headless, cluster);
  checkClusterIps(spec.clusterIps, cluster);
  if (spec.type !== 'LoadBalancer' && spec.loadBalancerIngress.length) throw DomainError.invalid('loadBalancerIngress', 'only a LoadBalancer Service has load-balancer ingress IPs');
  if (spec.type !== 'LoadBalancer' && spec.loadBalancerSourceRanges.length) throw DomainError.invalid('loadBalancerSourceRanges', 'only a LoadBalancer Service takes source ranges');
  const external = spec.type !== 'ClusterIP' || spec.externalIps.length > 0;
  if (spec.externalTrafficPolicy === 'Local' && !external) {
    throw DomainError.invalid('externalTrafficPolicy', 'Local applies only to externally reachable Services (NodePort, LoadBalancer, or with externalIps)');
  }
  const wantsHealthCheck = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  if (!wantsHealthCheck && spec.healthCheckNodePort !== null) {
    throw DomainError.invalid('healthCheckNodePort', 'only a LoadBalancer Service with externalTrafficPolicy Local has a health-check NodePort');
  }
  if (spec.healthCheckNodePort !== null && (spec.healthCheckNodePort < cluster.nodePortMin || spec.healthCheckNodePort > cluster.nodePortMax)) {
    throw DomainError.invalid('healthCheckNodePort', `must be in the cluster's NodePort range ${cluster.nodePortMin}-${cluster.nodePortMax}`);
  }
}

function clusterIpsOf(input: string[] | undefined, current: ServiceSpec | null): string[] {
  if (input === undefined) return current?.clusterIps ?? [];
  if (input.length === 1 && input[0] === 'None') return ['None'];
  return canonicalIps('clusterIps', input, { dualStack: true });
}

/** The stored spec after applying `input` (a create when `current` is null). Allocation comes later. */
export function resolveSpec(input: UpdateServiceInput, current: ServiceSpec | null, cluster: ClusterRow): ServiceSpec {
  const type = input.type ?? current?.type ?? 'ClusterIP';
  const spec: ServiceSpec = {
    type,
    selector: input.selector === undefined ? current?.selector ?? null : input.selector,
    ports: mergePorts(input, current, type),
    clusterIps: clusterIpsOf(input.clusterIps, current),
    externalIps: input.externalIps ? canonicalIps('externalIps', input.externalIps) : current?.externalIps ?? [],
    loadBalancerIngress: input.loadBalancerIngress
      ? input.loadBalancerIngress.map((i, n) => ({ ip: canonicalIps(`loadBalancerIngress[${n}].ip`, [i.ip])[0], ipMode: (i.ipMode ?? 'VIP') as IpMode }))
      : current?.loadBalancerIngress ?? [],
    loadBalancerSourceRanges: input.loadBalancerSourceRanges ? canonicalCidrList('loadBalancerSourceRanges', input.loadBalancerSourceRanges) : current?.loadBalancerSourceRanges ?? [],
    externalTrafficPolicy: input.externalTrafficPolicy ?? current?.externalTrafficPolicy ?? 'Cluster',
    internalTrafficPolicy: input.internalTrafficPolicy ?? current?.internalTrafficPolicy ?? 'Cluster',
    healthCheckNodePort: input.healthCheckNodePort === undefined ? current?.healthCheckNodePort ?? null : input.healthCheckNodePort,
    publishNotReadyAddresses: input.publishNotReadyAddresses ?? current?.publishNotReadyAddresses ?? false,
    labels: input.labels ?? current?.labels ?? {},
    annotations: input.annotations ?? current?.annotations ?? {},
  };
  // Like the API server: a Service that stops being externally reachable drops the external
  // traffic policy it had, unless this change sets one.
  if (current && input.externalTrafficPolicy == null && type === 'ClusterIP' && spec.externalIps.length === 0) spec.externalTrafficPolicy = 'Cluster';
  // A Service that stops being an external LB with Local policy gives its health-check port back.
  if (input.healthCheckNodePort === undefined && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local')) spec.healthCheckNodePort = null;
  checkShape(spec, cluster);
  return spec;
}

/** The claims a Service holds: its ClusterIPs and NodePorts (a NodePort number once, whatever the protocol). */
export function serviceClaims(spec: ServiceSpec): { key: string; field: string }[] {
  const ips = isHeadless(spec) ? [] : spec.clusterIps.map((ip, i) => ({ key: `ip/${ip}`, field: `clusterIps[${i}]` }));
  const ports = new Map<number, string>();
  spec.ports.forEach((p, i) => { if (p.nodePort !== null && !ports.has(p.nodePort)) ports.set(p.nodePort, `ports[${i}].nodePort`); });
  if (spec.healthCheckNodePort !== null) {
    if (ports.has(spec.healthCheckNodePort)) throw DomainError.invalid('healthCheckNodePort', 'must differ from the Service\'s NodePorts');
    ports.set(spec.healthCheckNodePort, 'healthCheckNodePort');
  }
  return [...ips, ...[...ports].map(([port, field]) => ({ key: `nodeport/${port}`, field }))];
}

export function familyOf(cidrText: string): 4 | 6 {
  return ipFamily(cidrText.slice(0, cidrText.indexOf('/'))) as 4 | 6;
}

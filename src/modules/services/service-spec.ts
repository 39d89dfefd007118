import { DomainError } from '../../common/domain-error';
import { cidrContains, ipFamily, parseCidr } from '../../common/net';
import { canonicalCidrList, canonicalIps } from '../topology/canonical';
import { ClusterRow } from '../topology/cluster-store';
import {
  IpMode,
  LoadBalancerTarget,
  Protocol,
  ServiceType,
  SessionAffinity,
  TRAFFIC_DISTRIBUTIONS,
  TrafficPolicy,
} from '../topology/enums';
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
  /** status.loadBalancer.ingress[].hostname entries without an IP. */
  loadBalancerHostnames: string[];
  /** Where the cloud load balancer delivers; null = not stated. */
  loadBalancerTarget: LoadBalancerTarget | null;
  externalTrafficPolicy: TrafficPolicy;
  internalTrafficPolicy: TrafficPolicy;
  healthCheckNodePort: number | null;
  publishNotReadyAddresses: boolean;
  sessionAffinity: SessionAffinity;
  /** With ClientIP: 1-86400; null with None. */
  sessionAffinityTimeoutSeconds: number | null;
  /** One of TRAFFIC_DISTRIBUTIONS, null, or (kept by an import) a value this version does not know. */
  trafficDistribution: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * How a write treats what a live cluster may hold but the API refuses. As PodRuleContext: with
 * `tolerate` (the import) the value is kept as the cluster has it, or dropped as the API server
 * drops it, and the finding reported against the field; without it the finding is an error.
 */
export interface ServiceRuleContext {
  tolerate?: (field: string, message: string) => void;
}

/** Reports a finding: an error, or (tolerated) handled as `kept` says and reported. */
function finding(ctx: ServiceRuleContext, error: DomainError, kept: string): void {
  if (!ctx.tolerate) throw error;
  const issue = error.issues[0];
  ctx.tolerate(issue.field, `${issue.message}: ${kept}`);
}

/** DefaultClientIPServiceAffinitySeconds (k8s.io/api/core/v1 types.go): 3 hours. */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;
/** MaxClientIPServiceAffinitySeconds: one day. */
const MAX_AFFINITY_TIMEOUT_SECONDS = 86400;

/**
 * Session affinity as kube-apiserver defaults and validates it: SetDefaults_Service
 * (pkg/apis/core/v1/defaults.go: ClientIP without a timeout gets 10800; None drops
 * sessionAffinityConfig) and ValidateService / validateClientIPAffinityConfig / validateAffinityTimeout
 * (pkg/apis/core/validation/validation.go: with ClientIP the timeout is > 0 and <= 86400; with None no
 * sessionAffinityConfig). A timeout given with None is refused; the import drops it, as the API
 * server's defaulting would have.
 */
function affinityOf(
  input: UpdateServiceInput,
  current: ServiceSpec | null,
  ctx: ServiceRuleContext,
): Pick<ServiceSpec, 'sessionAffinity' | 'sessionAffinityTimeoutSeconds'> {
  const sessionAffinity = input.sessionAffinity ?? current?.sessionAffinity ?? 'None';
  const given = input.sessionAffinityTimeoutSeconds;
  if (sessionAffinity === 'None') {
    if (given !== undefined && given !== null) {
      finding(
        ctx,
        DomainError.invalid(
          'sessionAffinityTimeoutSeconds',
          'may only be set when sessionAffinity is ClientIP (with None there is no affinity to time out)',
        ),
        "dropped, as the API server's defaulting drops sessionAffinityConfig with None",
      );
    }
    return { sessionAffinity, sessionAffinityTimeoutSeconds: null };
  }
  // An update that does not give a timeout keeps the one the Service had (if it had ClientIP).
  const kept =
    given === undefined && current?.sessionAffinity === 'ClientIP' ? current.sessionAffinityTimeoutSeconds : null;
  const timeout = given ?? kept ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_AFFINITY_TIMEOUT_SECONDS) {
    throw DomainError.invalid(
      'sessionAffinityTimeoutSeconds',
      `must be a whole number of seconds from 1 to ${MAX_AFFINITY_TIMEOUT_SECONDS} (one day), got ${timeout}`,
    );
  }
  return { sessionAffinity, sessionAffinityTimeoutSeconds: timeout };
}

/** How Kubernetes spells an enumerated value (PreferSameZone): what a later release could add. */
const API_VALUE = /^[A-Z][A-Za-z0-9]{0,62}$/;

/**
 * spec.trafficDistribution: one of the values validateServiceTrafficDistribution accepts
 * (pkg/apis/core/validation/validation.go, with PreferSameTrafficDistribution, GA in 1.35), or null.
 * The import keeps another value spelled as an API value (a later Kubernetes may have added it).
 * Checked only when the write sets it: a value an import kept stays through other updates.
 */
function trafficDistributionOf(
  input: UpdateServiceInput,
  current: ServiceSpec | null,
  ctx: ServiceRuleContext,
): string | null {
  if (input.trafficDistribution === undefined) return current?.trafficDistribution ?? null;
  const value = input.trafficDistribution;
  if (value !== null && !(TRAFFIC_DISTRIBUTIONS as readonly string[]).includes(value)) {
    const error = DomainError.invalid(
      'trafficDistribution',
      `must be one of ${TRAFFIC_DISTRIBUTIONS.join(', ')} or null, got ${JSON.stringify(value.slice(0, 80))}`,
    );
    if (!API_VALUE.test(value)) throw error;
    finding(ctx, error, 'kept as given (a later Kubernetes may accept it)');
  }
  return value;
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
    return {
      name: p.name ?? null,
      protocol,
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      nodePort: usesNodePorts(type) ? (p.nodePort ?? kept) : null,
    };
  });
}

function checkPorts(ports: ServicePortView[], headless: boolean, cluster: ClusterRow): void {
  if (ports.length === 0 && !headless)
    throw DomainError.invalid('ports', 'a Service needs at least one port (only a headless Service may have none)');
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && !p.name)
      throw DomainError.invalid(`ports[${i}].name`, 'is required when a Service has more than one port');
    for (const key of [`${p.port}/${p.protocol}`, ...(p.name ? [`name ${p.name}`] : [])]) {
      if (seen.has(key)) throw DomainError.invalid(`ports[${i}]`, `repeats ${key}`);
      seen.add(key);
    }
    if (p.nodePort !== null && (p.nodePort < cluster.nodePortMin || p.nodePort > cluster.nodePortMax)) {
      throw DomainError.invalid(
        `ports[${i}].nodePort`,
        `must be in the cluster's NodePort range ${cluster.nodePortMin}-${cluster.nodePortMax}`,
      );
    }
  });
}

function checkClusterIps(clusterIps: string[], cluster: ClusterRow): void {
  if (isHeadless({ clusterIps })) return;
  const cidrs = cluster.serviceCidrs.map((c) => parseCidr(c)!);
  clusterIps.forEach((ip, i) => {
    if (!cidrs.some((c) => cidrContains(c, ip))) {
      throw DomainError.invalid(
        `clusterIps[${i}]`,
        `${ip} is outside the cluster's Service CIDRs (${cluster.serviceCidrs.join(', ')})`,
      );
    }
  });
}

/** Cross-field rules of a Service, as the Kubernetes API server applies them. */
function checkShape(spec: ServiceSpec, cluster: ClusterRow): void {
  const headless = isHeadless(spec);
  if (headless && spec.type !== 'ClusterIP')
    throw DomainError.invalid('clusterIps', `a ${spec.type} Service cannot be headless (clusterIP None)`);
  checkPorts(spec.ports, headless, cluster);
  checkClusterIps(spec.clusterIps, cluster);
  if (spec.type !== 'LoadBalancer' && spec.loadBalancerIngress.length)
    throw DomainError.invalid('loadBalancerIngress', 'only a LoadBalancer Service has load-balancer ingress IPs');
  if (spec.type !== 'LoadBalancer' && spec.loadBalancerSourceRanges.length)
    throw DomainError.invalid('loadBalancerSourceRanges', 'only a LoadBalancer Service takes source ranges');
  if (spec.type !== 'LoadBalancer' && spec.loadBalancerHostnames.length)
    throw DomainError.invalid('loadBalancerHostnames', 'only a LoadBalancer Service has load balancers');
  if (spec.type !== 'LoadBalancer' && spec.loadBalancerTarget !== null)
    throw DomainError.invalid('loadBalancerTarget', 'only a LoadBalancer Service has a load balancer to deliver');
  const external = spec.type !== 'ClusterIP' || spec.externalIps.length > 0;
  if (spec.externalTrafficPolicy === 'Local' && !external) {
    throw DomainError.invalid(
      'externalTrafficPolicy',
      'Local applies only to externally reachable Services (NodePort, LoadBalancer, or with externalIps)',
    );
  }
  const wantsHealthCheck = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  if (!wantsHealthCheck && spec.healthCheckNodePort !== null) {
    throw DomainError.invalid(
      'healthCheckNodePort',
      'only a LoadBalancer Service with externalTrafficPolicy Local has a health-check NodePort',
    );
  }
  if (
    spec.healthCheckNodePort !== null &&
    (spec.healthCheckNodePort < cluster.nodePortMin || spec.healthCheckNodePort > cluster.nodePortMax)
  ) {
    throw DomainError.invalid(
      'healthCheckNodePort',
      `must be in the cluster's NodePort range ${cluster.nodePortMin}-${cluster.nodePortMax}`,
    );
  }
}

function clusterIpsOf(input: string[] | undefined, current: ServiceSpec | null): string[] {
  if (input === undefined) return current?.clusterIps ?? [];
  if (input.length === 1 && input[0] === 'None') return ['None'];
  return canonicalIps('clusterIps', input, { dualStack: true });
}

/** The stored spec after applying `input` (a create when `current` is null). Allocation comes later. */
export function resolveSpec(
  input: UpdateServiceInput,
  current: ServiceSpec | null,
  cluster: ClusterRow,
  ctx: ServiceRuleContext = {},
): ServiceSpec {
  const type = input.type ?? current?.type ?? 'ClusterIP';
  const spec: ServiceSpec = {
    type,
    selector: input.selector === undefined ? (current?.selector ?? null) : input.selector,
    ports: mergePorts(input, current, type),
    clusterIps: clusterIpsOf(input.clusterIps, current),
    externalIps: input.externalIps ? canonicalIps('externalIps', input.externalIps) : (current?.externalIps ?? []),
    loadBalancerIngress: input.loadBalancerIngress
      ? input.loadBalancerIngress.map((i, n) => ({
          ip: canonicalIps(`loadBalancerIngress[${n}].ip`, [i.ip])[0],
          ipMode: (i.ipMode ?? 'VIP') as IpMode,
        }))
      : (current?.loadBalancerIngress ?? []),
    loadBalancerSourceRanges: input.loadBalancerSourceRanges
      ? canonicalCidrList('loadBalancerSourceRanges', input.loadBalancerSourceRanges)
      : (current?.loadBalancerSourceRanges ?? []),
    loadBalancerHostnames: input.loadBalancerHostnames
      ? [...new Set(input.loadBalancerHostnames)]
      : (current?.loadBalancerHostnames ?? []),
    loadBalancerTarget:
      input.loadBalancerTarget === undefined ? (current?.loadBalancerTarget ?? null) : input.loadBalancerTarget,
    externalTrafficPolicy: input.externalTrafficPolicy ?? current?.externalTrafficPolicy ?? 'Cluster',
    internalTrafficPolicy: input.internalTrafficPolicy ?? current?.internalTrafficPolicy ?? 'Cluster',
    healthCheckNodePort:
      input.healthCheckNodePort === undefined ? (current?.healthCheckNodePort ?? null) : input.healthCheckNodePort,
    publishNotReadyAddresses: input.publishNotReadyAddresses ?? current?.publishNotReadyAddresses ?? false,
    ...affinityOf(input, current, ctx),
    trafficDistribution: trafficDistributionOf(input, current, ctx),
    labels: input.labels ?? current?.labels ?? {},
    annotations: input.annotations ?? current?.annotations ?? {},
  };
  // Like the API server: a Service that stops being externally reachable drops the external
  // traffic policy it had, unless this change sets one.
  if (current && input.externalTrafficPolicy == null && type === 'ClusterIP' && spec.externalIps.length === 0)
    spec.externalTrafficPolicy = 'Cluster';
  // A Service that stops being an external LB with Local policy gives its health-check port back.
  if (input.healthCheckNodePort === undefined && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local'))
    spec.healthCheckNodePort = null;
  checkShape(spec, cluster);
  return spec;
}

/** The claims a Service holds: its ClusterIPs and NodePorts (a NodePort number once, whatever the protocol). */
export function serviceClaims(spec: ServiceSpec): { key: string; field: string }[] {
  const ips = isHeadless(spec) ? [] : spec.clusterIps.map((ip, i) => ({ key: `ip/${ip}`, field: `clusterIps[${i}]` }));
  const ports = new Map<number, string>();
  spec.ports.forEach((p, i) => {
    if (p.nodePort !== null && !ports.has(p.nodePort)) ports.set(p.nodePort, `ports[${i}].nodePort`);
  });
  if (spec.healthCheckNodePort !== null) {
    if (ports.has(spec.healthCheckNodePort))
      throw DomainError.invalid('healthCheckNodePort', "must differ from the Service's NodePorts");
    ports.set(spec.healthCheckNodePort, 'healthCheckNodePort');
  }
  return [...ips, ...[...ports].map(([port, field]) => ({ key: `nodeport/${port}`, field }))];
}

export function familyOf(cidrText: string): 4 | 6 {
  return ipFamily(cidrText.slice(0, cidrText.indexOf('/'))) as 4 | 6;
}

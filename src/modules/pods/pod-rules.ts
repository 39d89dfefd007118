import { DomainError } from '../../common/domain-error';
import { ipFamily } from '../../common/net';
import { podIpInServiceRange, serviceCidrHolding } from '../topology/address-ranges';
import { canonicalIps, ipClaims } from '../topology/canonical';
import { Claim } from '../topology/cluster-store';
import { PodPhase, Protocol } from '../topology/enums';

/**
 * The rules every write of a pod obeys, whichever way it comes: REST and GraphQL (PodsService),
 * the import, and what-if. Fields are named as the REST input names them (`ips[0]`, `nodeName`).
 *
 * A pod read from a live cluster (the import) may hold what the API refuses: a partial dump lacks
 * its node, containers repeat a port. With `tolerate` the pod is kept as the cluster has it and
 * the finding reported against the field; without it, the same finding is an error on that field.
 */
export interface PodRuleContext {
  /** The InternalIPs of a node of the cluster, or undefined when it has no such node. */
  nodeIps(name: string): readonly string[] | undefined;
  /** The cluster's Service CIDRs: a pod's own IPs lie outside them (topology/address-ranges). */
  readonly serviceCidrs: readonly string[];
  tolerate?: (field: string, message: string) => void;
}

/** What podPorts needs of the context: only whether findings are tolerated. */
export type FindingContext = Pick<PodRuleContext, 'tolerate'>;

export interface PortDraft {
  readonly name?: string | null;
  readonly containerPort: number;
  readonly protocol?: Protocol | null;
}
export interface PodPort {
  name: string | null;
  containerPort: number;
  protocol: Protocol;
}
export interface Placement {
  nodeName: string | null;
  hostNetwork: boolean;
  ips: string[];
}

/** Reports a finding: an error, or (tolerated) kept and reported. */
function finding(ctx: FindingContext, field: string, error: DomainError, kept: string): void {
  if (!ctx.tolerate) throw error;
  ctx.tolerate(field, `${error.issues[0]?.message ?? error.message}: ${kept}`);
}

/** Container ports, protocol TCP by default; a port number/protocol or a name appears once (the first is kept when tolerated). */
export function podPorts(ports: readonly PortDraft[], ctx: FindingContext): PodPort[] {
  const seen = new Set<string>();
  const out: PodPort[] = [];
  ports.forEach((p, i) => {
    const port: PodPort = { name: p.name ?? null, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' };
    const keys = [`${port.containerPort}/${port.protocol}`, ...(port.name ? [`name:${port.name}`] : [])];
    const repeated = keys.find((k) => seen.has(k));
    if (repeated !== undefined) {
      const what = repeated.startsWith('name:') ? `the port name ${port.name}` : repeated;
      finding(
        ctx,
        `containerPorts[${i}]`,
        DomainError.invalid(`containerPorts[${i}]`, `repeats ${what}`),
        'the first one is kept',
      );
      return;
    }
    keys.forEach((k) => seen.add(k));
    out.push(port);
  });
  return out;
}

/**
 * Where the pod sits: its node must be one of the cluster's; a hostNetwork pod has its node's IPs
 * (by default all of them, one per family; given ones must be the node's); other pods' IPs are
 * their own (at most one per family), outside the Service CIDRs.
 */
export function placePod(
  wanted: { nodeName: string | null; hostNetwork: boolean; ips: readonly string[]; ipsGiven: boolean },
  ctx: PodRuleContext,
): Placement {
  const ips = canonicalIps('ips', wanted.ips, { dualStack: true });
  let nodeName = wanted.nodeName;
  const node = nodeName === null ? undefined : ctx.nodeIps(nodeName);
  if (nodeName !== null && node === undefined) {
    const message = `${nodeName} is not a node of this cluster`;
    finding(
      ctx,
      'nodeName',
      new DomainError('UNPROCESSABLE', `nodeName: ${message}`, [{ field: 'nodeName', message }]),
      'the pod is stored without a node',
    );
    nodeName = null;
  }
  if (!wanted.hostNetwork) {
    checkOutsideServiceCidrs(ips, ctx);
    return { nodeName, hostNetwork: false, ips };
  }
  if (node === undefined) {
    if (!ctx.tolerate) throw DomainError.invalid('nodeName', 'a hostNetwork pod must name the node it runs on');
    return { nodeName, hostNetwork: true, ips };
  }
  if (!wanted.ipsGiven || ips.length === 0) {
    return {
      nodeName,
      hostNetwork: true,
      ips: [4, 6].map((f) => node.find((ip) => ipFamily(ip) === f)).filter((ip): ip is string => ip !== undefined),
    };
  }
  const foreign = ips.findIndex((ip) => !node.includes(ip));
  if (foreign >= 0) {
    const error = DomainError.invalid(
      `ips[${foreign}]`,
      `a hostNetwork pod has its node's IPs; ${ips[foreign]} is not an IP of node ${nodeName}`,
    );
    finding(ctx, `ips[${foreign}]`, error, 'kept as given');
  }
  return { nodeName, hostNetwork: true, ips };
}

/**
 * A pod's own IP is never in a Service CIDR, even where the Service CIDR overlaps the pod CIDR:
 * node IPAM leaves the Service range out of the pod CIDRs it hands out (topology/address-ranges).
 */
function checkOutsideServiceCidrs(ips: readonly string[], ctx: PodRuleContext): void {
  ips.forEach((ip, i) => {
    const range = serviceCidrHolding(ctx.serviceCidrs, ip);
    if (range !== undefined)
      finding(ctx, `ips[${i}]`, DomainError.invalid(`ips[${i}]`, podIpInServiceRange(ip, range)), 'kept as given');
  });
}

/** The addresses a pod holds alone: none for a hostNetwork pod (its node's) or a finished one (released, often reused at once). */
export function podClaims(pod: { hostNetwork: boolean; phase: PodPhase | string; ips: readonly string[] }): Claim[] {
  if (pod.hostNetwork || pod.phase === 'Succeeded' || pod.phase === 'Failed') return [];
  return ipClaims('ips', pod.ips);
}

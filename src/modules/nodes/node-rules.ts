import { DomainError } from '../../common/domain-error';
import { canonicalIp } from '../../common/net';
import { podCidrInServiceRange, serviceCidrOverlapping } from '../topology/address-ranges';
import { canonicalCidrList, canonicalIps, ipClaims } from '../topology/canonical';
import { Claim } from '../topology/cluster-store';

/**
 * The rules every write of a node obeys: REST and GraphQL (NodesService), the import and what-if.
 * Fields are named as the REST input names them.
 */
export interface NodeAddresses {
  internalIps: string[];
  externalIp: string | null;
  podCidrs: string[];
}

/** Canonical, validated addresses (each InternalIP once). */
export function nodeAddresses(input: {
  internalIps: readonly string[];
  externalIp: string | null;
  podCidrs: readonly string[];
}): NodeAddresses {
  const externalIp = input.externalIp === null ? null : canonicalIp(input.externalIp);
  if (input.externalIp !== null && externalIp === null)
    throw DomainError.invalid('externalIp', `"${input.externalIp}" is not an IP address`);
  return {
    internalIps: canonicalIps('internalIps', input.internalIps),
    externalIp,
    podCidrs: canonicalCidrList('podCidrs', input.podCidrs),
  };
}

/**
 * A node's pod CIDRs lie outside the Service CIDRs, even where the Service CIDR overlaps the pod
 * CIDR: node IPAM leaves the Service range out of what it hands out (topology/address-ranges).
 * Checked when a write sets them. With `tolerate` (the import: a live cluster may hold one set by
 * hand) a finding is reported and the CIDR kept; without it, it is a 400 on that CIDR.
 */
export function checkPodCidrs(
  podCidrs: readonly string[],
  serviceCidrs: readonly string[],
  tolerate?: (field: string, message: string) => void,
): void {
  podCidrs.forEach((cidr, i) => {
    const range = serviceCidrOverlapping(serviceCidrs, cidr);
    if (range === undefined) return;
    if (!tolerate) throw DomainError.invalid(`podCidrs[${i}]`, podCidrInServiceRange(cidr, range));
    tolerate(`podCidrs[${i}]`, `${podCidrInServiceRange(cidr, range)}: kept as given`);
  });
}

/** A node holds its InternalIPs and its public IP (once, when it is also an InternalIP: bare-metal nodes). */
export function nodeClaims(node: { internalIps: readonly string[]; externalIp: string | null }): Claim[] {
  const own =
    node.externalIp && !node.internalIps.includes(node.externalIp)
      ? [{ key: `ip/${node.externalIp}`, field: 'externalIp' }]
      : [];
  return [...ipClaims('internalIps', node.internalIps), ...own];
}

/** HostNetwork pods carry their node's IPs: a node cannot drop an IP such a pod still uses. */
export function checkHostNetworkPods(
  internalIps: readonly string[],
  pods: readonly { namespace: string; name: string; ips: readonly string[] }[],
): void {
  const stranded = pods.find((p) => p.ips.some((ip) => !internalIps.includes(ip)));
  if (stranded)
    throw DomainError.conflict(
      'internalIps',
      `hostNetwork pod ${stranded.namespace}/${stranded.name} uses an IP this change removes`,
    );
}

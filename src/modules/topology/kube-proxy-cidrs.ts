import { DomainError } from '../../common/domain-error';
import { parseCidr } from '../../common/net';
import { shown } from '../../common/validators';
import { cidrsOverlap } from './address-ranges';
import type { LocalDetector } from './enums';

/**
 * kube-proxy's own clusterCIDR, apart from the cluster's pod ranges (clusterCidrs): the ranges its
 * ClusterCIDR local-traffic detector (detectLocalMode ClusterCIDR, the default) takes for pod
 * traffic, one per IP family; a family without one gets a no-op detector
 * (cmd/kube-proxy/app/server_linux.go `getLocalDetectors`). One home for the rule that REST,
 * GraphQL, the import and what-if apply, and for what a value means for the cluster (warnings).
 *
 * Stored as kube-proxy's v1alpha1 `clusterCIDR` spells it: comma-separated, "" = none; null = the
 * same as clusterCidrs (the default). Prisma has no optional lists, and null and [] differ here.
 */

const FIELD = 'kubeProxy.clusterCidrs';

/** The stored column for a list (null stays null: the same as clusterCidrs). */
export function storedKubeProxyCidrs(cidrs: readonly string[] | null): string | null {
  return cidrs === null ? null : cidrs.join(',');
}

/** The list a stored column holds: null = the same as clusterCidrs, [] = kube-proxy has none. */
export function kubeProxyCidrsOf(row: { readonly kubeProxyClusterCidr: string | null }): string[] | null {
  const text = row.kubeProxyClusterCidr;
  if (text === null) return null;
  return text === '' ? [] : text.split(',');
}

/**
 * The CIDRs in canonical form, or a 400 naming the entry: each a CIDR, at most one per IP family.
 * kube-proxy's own rule (pkg/proxy/apis/config/validation/validation.go): `clusterCIDR`, split on
 * ",", is one CIDR or a dual-stack pair (`netutils.IsDualStackCIDRStrings`); from v1alpha2,
 * `validateDualStackCIDRStrings` on `detectLocal.clusterCIDRs` checks the same, entry by entry.
 */
export function checkKubeProxyCidrs(cidrs: readonly string[]): string[] {
  const firstOfFamily = new Map<number, number>();
  return cidrs.map((text, i) => {
    const cidr = parseCidr(text);
    if (!cidr)
      throw DomainError.invalid(
        `${FIELD}[${i}]`,
        `must be a CIDR such as 10.244.0.0/16 or fd00:10:244::/56 with no host bits set, got ${shown(text)}`,
      );
    const first = firstOfFamily.get(cidr.family);
    if (first !== undefined) {
      throw DomainError.invalid(
        `${FIELD}[${i}]`,
        `is a second IPv${cidr.family} CIDR (${FIELD}[${first}] is one): kube-proxy's clusterCIDR is one CIDR or a dual-stack pair, one IPv4 and one IPv6`,
      );
    }
    firstOfFamily.set(cidr.family, i);
    return cidr.text;
  });
}

/**
 * What kube-proxy's clusterCIDR means for the cluster's pods, per IP family of the pod ranges, when
 * the ClusterCIDR detector reads it (no other detector does; null reads clusterCidrs themselves):
 * a family it has no CIDR for gets a no-op detector (kube-proxy v1.28 to v1.30 log "Detect-local-mode
 * set to ClusterCIDR, but no cluster CIDR for family"), and a CIDR apart from the family's pod range
 * matches none of its pods. Accepted, as kube-proxy runs so; these say what follows.
 */
export function detectorWarnings(s: {
  readonly clusterCidrs: readonly string[];
  readonly localDetector: LocalDetector;
  readonly kubeProxyClusterCidr: string | null;
}): string[] {
  const own = kubeProxyCidrsOf(s);
  if (own === null || s.localDetector !== 'CLUSTER_CIDR') return [];
  const out: string[] = [];
  s.clusterCidrs.forEach((podText, j) => {
    const pod = parseCidr(podText)!;
    const i = own.findIndex((text) => parseCidr(text)!.family === pod.family);
    const range = `clusterCidrs[${j}] ${pod.text}`;
    if (i < 0) {
      out.push(
        `${FIELD} has no IPv${pod.family} CIDR for ${range}: kube-proxy's ClusterCIDR detector recognises no IPv${pod.family} pod (a no-op detector for the family; kube-proxy logs "Detect-local-mode set to ClusterCIDR, but no cluster CIDR for family" ipFamily="IPv${pod.family}")`,
      );
    } else if (!cidrsOverlap(parseCidr(own[i])!, pod)) {
      out.push(
        `${FIELD}[${i}] ${own[i]} does not overlap ${range}: kube-proxy's ClusterCIDR detector will not recognise the cluster's IPv${pod.family} pods`,
      );
    }
  });
  return out;
}

import { cidrContains, cidrNetwork, parseCidr, type Cidr } from '../../common/net';

/**
 * Where a cluster's addresses may lie relative to its ranges: one home for the rule that cluster
 * settings, nodes, pods, the import and what-if all apply.
 *
 * A Service CIDR may overlap the pod (cluster) CIDR, as Kubernetes allows. Nothing upstream refuses
 * it: kube-controller-manager checks the Service CIDRs only for dual-stack
 * (cmd/kube-controller-manager/app/core.go `startNodeIpamController`), kubeadm only for size
 * (cmd/kubeadm/app/apis/kubeadm/validation/validation.go `ValidateNetworking`). Node IPAM instead
 * marks the Service range as used inside the cluster CIDR, so it never hands out a pod CIDR there
 * (pkg/controller/nodeipam/ipam/range_allocator.go `filterOutServiceRange`; the cloud allocator's
 * `occupyServiceCIDR` in controller_legacyprovider.go). Their tests pin it: range_allocator_test.go
 * "Correctly filter out ServiceCIDR" (cluster 127.123.234.0/24, Service 127.123.234.0/26, first
 * node CIDR 127.123.234.64/30) and controller_test.go `TestOccupyServiceCIDR`. What follows, and is
 * checked here: a pod's own IP and a node's pod CIDR lie outside every Service CIDR, whatever the
 * cluster CIDR holds.
 */

/** Whether two CIDRs share an address (CIDRs are nested or disjoint, so one holds the other's base). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && (a.contains(cidrNetwork(b)) || b.contains(cidrNetwork(a)));
}

/** The first of `serviceCidrs` holding `ip`, or undefined. */
export function serviceCidrHolding(serviceCidrs: readonly string[], ip: string): string | undefined {
  return serviceCidrs.find((text) => cidrContains(parseCidr(text)!, ip));
}

/** The first of `serviceCidrs` sharing an address with `cidr`, or undefined. */
export function serviceCidrOverlapping(serviceCidrs: readonly string[], cidr: string): string | undefined {
  const c = parseCidr(cidr)!;
  return serviceCidrs.find((text) => cidrsOverlap(parseCidr(text)!, c));
}

/** Why a pod's own IP must not lie in a Service CIDR (the message of the 400 and of the import's warning). */
export function podIpInServiceRange(ip: string, serviceCidr: string): string {
  return `${ip} is inside the Service CIDR ${serviceCidr}: pod IPs lie outside serviceCidrs (node IPAM leaves the Service range out of the pod CIDRs it hands out)`;
}

/** Why a node's pod CIDR must not overlap a Service CIDR. */
export function podCidrInServiceRange(podCidr: string, serviceCidr: string): string {
  return `${podCidr} overlaps the Service CIDR ${serviceCidr}: pod CIDRs lie outside serviceCidrs (node IPAM leaves the Service range out of the pod CIDRs it hands out)`;
}

/**
 * What a cluster's ranges mean when a Service CIDR overlaps a pod CIDR: one warning per overlapping
 * pair, naming both. Accepted, as Kubernetes accepts it (see the top of this file).
 */
export function rangeWarnings(s: {
  readonly clusterCidrs: readonly string[];
  readonly serviceCidrs: readonly string[];
}): string[] {
  const out: string[] = [];
  s.serviceCidrs.forEach((serviceText, i) => {
    const service = parseCidr(serviceText)!;
    s.clusterCidrs.forEach((podText, j) => {
      const pod = parseCidr(podText)!;
      if (!cidrsOverlap(service, pod)) return;
      const pair = `serviceCidrs[${i}] ${service.text}`;
      out.push(
        service.bits <= pod.bits
          ? // filterOutServiceRange then occupies the whole cluster CIDR: the range allocator starts but every
            // node's allocation fails (CIDRNotAvailable); the legacy cloud allocator refuses to start.
            `${pair} covers all of clusterCidrs[${j}] ${pod.text}: node IPAM has no pod CIDR left to hand out from it (kube-controller-manager filterOutServiceRange occupies all of it), and every pod IP and node pod CIDR inside ${service.text} is refused`
          : `${pair} overlaps clusterCidrs[${j}] ${pod.text}: node IPAM leaves the Service range out of the pod CIDRs it hands out (kube-controller-manager filterOutServiceRange, occupyServiceCIDR), so pod IPs and node pod CIDRs inside ${service.text} are refused`,
      );
    });
  });
  return out;
}

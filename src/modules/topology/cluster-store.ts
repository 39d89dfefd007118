import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { cidrContains, parseCidr } from '../../common/net';
import { Cluster, Prisma } from '../../generated/prisma/client';
import type { ModelChange } from '../../engine';
import { serviceCidrHolding, serviceCidrOverlapping } from './address-ranges';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';

export type ClusterRow = Cluster;

export interface ClaimOwner {
  readonly kind: 'node' | 'pod' | 'service';
  readonly id: string;
  readonly name: string;
}

/** A claim on something a cluster allows only once: an IP (`ip/10.0.0.1`) or a NodePort (`nodeport/30080`). */
export interface Claim {
  readonly key: string;
  readonly field: string;
}

/**
 * The cluster row as the parent of everything in it: existence checks, the per-cluster write lock
 * (which also bumps the version the analysis cache validates against), and exclusive claims.
 */
@Injectable()
export class ClusterStore {
  constructor(private readonly prisma: PrismaService) {}

  async require(tx: TenantTx, tenantId: string, clusterId: string): Promise<ClusterRow> {
    const row = await tx.cluster.findUnique({ where: { tenantId_id: { tenantId, id: clusterId } } });
    if (!row) throw DomainError.notFound(`cluster ${clusterId}`);
    return row;
  }

  /**
   * Locks the cluster row for the rest of the transaction and bumps its version: writes to one
   * cluster are serialised (so address allocation cannot race) and every committed change is seen
   * (by the version the analysis cache checks, and announced to other instances).
   */
  async lock(tx: TenantTx, tenantId: string, clusterId: string): Promise<ClusterRow> {
    try {
      const row = await tx.cluster.update({
        where: { tenantId_id: { tenantId, id: clusterId } },
        data: { version: { increment: 1 } },
      });
      // Other instances hear of it at commit (PrismaService sends the NOTIFY, with what the write
      // records as changed: see changed()); this one right after.
      this.prisma.markChanged(tx, { clusterId, version: row.version, row });
      return row;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
        throw DomainError.notFound(`cluster ${clusterId}`);
      }
      throw error;
    }
  }

  /** Says what a write under lock() changed, so the analyses patch their model instead of reloading the cluster. */
  changed(tx: TenantTx, cluster: ClusterRow, ...changes: ModelChange[]): void {
    this.prisma.recordChanges(tx, cluster, changes);
  }

  /** Takes the claims for `owner`, replacing the ones it held; a claim held by another object is a 409. */
  async claim(tx: TenantTx, cluster: ClusterRow, owner: ClaimOwner, claims: readonly Claim[]): Promise<void> {
    await tx.addressClaim.deleteMany({ where: { tenantId: cluster.tenantId, ownerId: owner.id } });
    if (claims.length === 0) return;
    const held = await tx.addressClaim.findMany({
      where: { tenantId: cluster.tenantId, clusterId: cluster.id, key: { in: claims.map((c) => c.key) } },
    });
    if (held.length > 0) {
      const clash = held[0];
      const claim = claims.find((c) => c.key === clash.key)!;
      const what = clash.key.startsWith('ip/') ? clash.key.slice(3) : `NodePort ${clash.key.slice('nodeport/'.length)}`;
      throw DomainError.conflict(
        claim.field,
        `${what} is already used by ${clash.ownerKind} ${clash.ownerName} in this cluster`,
      );
    }
    await tx.addressClaim.createMany({
      data: claims.map((c) => ({
        tenantId: cluster.tenantId,
        clusterId: cluster.id,
        key: c.key,
        ownerKind: owner.kind,
        ownerId: owner.id,
        ownerName: owner.name,
      })),
    });
  }

  async release(tx: TenantTx, cluster: ClusterRow, ownerId: string): Promise<void> {
    await tx.addressClaim.deleteMany({ where: { tenantId: cluster.tenantId, ownerId } });
  }

  async claimedKeys(tx: TenantTx, cluster: ClusterRow, prefix: string): Promise<Set<string>> {
    const rows = await tx.addressClaim.findMany({
      where: { tenantId: cluster.tenantId, clusterId: cluster.id, key: { startsWith: prefix } },
      select: { key: true },
    });
    return new Set(rows.map((r) => r.key));
  }

  /**
   * New cluster settings must still hold what the cluster contains: ClusterIPs and NodePorts inside
   * the ranges, and no pod IP or node pod CIDR newly inside a Service CIDR (address-ranges).
   */
  async checkContentsFit(
    tx: TenantTx,
    cluster: ClusterRow,
    s: { serviceCidrs: string[]; nodePortMin: number; nodePortMax: number },
  ): Promise<void> {
    const cidrs = s.serviceCidrs.map((c) => parseCidr(c)!);
    const services = await tx.service.findMany({
      where: { tenantId: cluster.tenantId, clusterId: cluster.id },
      select: { namespace: true, name: true, clusterIps: true, ports: true, healthCheckNodePort: true },
    });
    for (const svc of services) {
      const outside = svc.clusterIps.find((ip) => !cidrs.some((c) => cidrContains(c, ip)));
      if (outside)
        throw DomainError.conflict(
          'serviceCidrs',
          `Service ${svc.namespace}/${svc.name} has ClusterIP ${outside} outside the new Service CIDRs`,
        );
      const ports = [...(svc.ports as { nodePort: number | null }[]).map((p) => p.nodePort), svc.healthCheckNodePort];
      const bad = ports.find((p) => p !== null && (p < s.nodePortMin || p > s.nodePortMax));
      if (bad)
        throw DomainError.conflict(
          'nodePortRange',
          `Service ${svc.namespace}/${svc.name} uses NodePort ${bad} outside the new range`,
        );
    }
    if (s.serviceCidrs.join(',') !== cluster.serviceCidrs.join(','))
      await this.checkOutsideNewServiceCidrs(tx, cluster, s.serviceCidrs);
  }

  /**
   * Pods' own IPs and nodes' pod CIDRs that new Service CIDRs would take in: a 409 naming the first.
   * Only what the change takes in counts (what the current ranges already held was kept by an
   * import, with a warning, and stays so).
   */
  private async checkOutsideNewServiceCidrs(
    tx: TenantTx,
    cluster: ClusterRow,
    serviceCidrs: readonly string[],
  ): Promise<void> {
    const where = { tenantId: cluster.tenantId, clusterId: cluster.id };
    const newlyHolding = (ip: string) =>
      serviceCidrHolding(cluster.serviceCidrs, ip) ? undefined : serviceCidrHolding(serviceCidrs, ip);
    for (const pod of await tx.pod.findMany({
      where: { ...where, hostNetwork: false },
      select: { namespace: true, name: true, ips: true },
    })) {
      for (const ip of pod.ips) {
        const range = newlyHolding(ip);
        if (range)
          throw DomainError.conflict(
            'serviceCidrs',
            `pod ${pod.namespace}/${pod.name} has IP ${ip} inside the new Service CIDR ${range}`,
          );
      }
    }
    const newlyOverlapping = (cidr: string) =>
      serviceCidrOverlapping(cluster.serviceCidrs, cidr) ? undefined : serviceCidrOverlapping(serviceCidrs, cidr);
    for (const node of await tx.node.findMany({ where, select: { name: true, podCidrs: true } })) {
      for (const cidr of node.podCidrs) {
        const range = newlyOverlapping(cidr);
        if (range)
          throw DomainError.conflict(
            'serviceCidrs',
            `node ${node.name} has pod CIDR ${cidr} overlapping the new Service CIDR ${range}`,
          );
      }
    }
  }
}

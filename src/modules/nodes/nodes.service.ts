import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { canonicalIp } from '../../common/net';
import { Node } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { canonicalCidrList, canonicalIps, ipClaims } from '../topology/canonical';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { Page, PageArgs, decodeCursor, pageOf } from '../topology/paging';
import { CreateNodeInput, NodeView, UpdateNodeInput } from './node.dto';

export function toNodeView(row: Node): NodeView {
  return {
    id: row.id, clusterId: row.clusterId, name: row.name, internalIps: row.internalIps, externalIp: row.externalIp,
    podCidrs: row.podCidrs, labels: row.labels as Record<string, string>,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

function claimsOf(internalIps: string[], externalIp: string | null) {
  // A public IP that is also an internal IP (bare-metal nodes) is claimed once.
  const ownExternal = externalIp && !internalIps.includes(externalIp) ? [{ key: `ip/${externalIp}`, field: 'externalIp' }] : [];
  return [...ipClaims('internalIps', internalIps), ...ownExternal];
}

@Injectable()
export class NodesService {
  constructor(private readonly prisma: PrismaService, private readonly store: ClusterStore) {}

  async create(tenantId: string, clusterId: string, input: CreateNodeInput): Promise<NodeView> {
    const internalIps = canonicalIps('internalIps', input.internalIps);
    const externalIp = input.externalIp ? canonicalIp(input.externalIp) : null;
    const podCidrs = canonicalCidrList('podCidrs', input.podCidrs ?? []);
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      if (await tx.node.findUnique({ where: { tenantId_clusterId_name: { tenantId, clusterId, name: input.name } }, select: { id: true } })) {
        throw DomainError.conflict('name', `a node named "${input.name}" already exists in this cluster`);
      }
      const id = randomUUID();
      await this.store.claim(tx, cluster, { kind: 'node', id, name: input.name }, claimsOf(internalIps, externalIp));
      const row = await tx.node.create({ data: { tenantId, clusterId, id, name: input.name, internalIps, externalIp, podCidrs, labels: input.labels ?? {} } });
      return toNodeView(row);
    });
  }

  async get(tenantId: string, clusterId: string, id: string): Promise<NodeView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      return toNodeView(await this.find(tx, tenantId, clusterId, id));
    });
  }

  async list(tenantId: string, clusterId: string, args: PageArgs): Promise<Page<NodeView>> {
    const limit = args.limit ?? 50;
    const after = decodeCursor(args.cursor, 1);
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      const rows = await tx.node.findMany({
        where: { tenantId, clusterId, ...(after ? { name: { gt: after[0] } } : {}) }, orderBy: { name: 'asc' }, take: limit + 1,
      });
      const page = pageOf(rows, limit, (row) => [row.name]);
      return { items: page.items.map(toNodeView), nextCursor: page.nextCursor };
    });
  }

  async update(tenantId: string, clusterId: string, id: string, input: UpdateNodeInput): Promise<NodeView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const current = await this.find(tx, tenantId, clusterId, id);
      const internalIps = input.internalIps ? canonicalIps('internalIps', input.internalIps) : current.internalIps;
      const externalIp = input.externalIp === undefined ? current.externalIp : input.externalIp === null ? null : canonicalIp(input.externalIp);
      await this.store.claim(tx, cluster, { kind: 'node', id, name: current.name }, claimsOf(internalIps, externalIp));
      await this.checkHostNetworkPods(tx, cluster, current.name, internalIps);
      const row = await tx.node.update({
        where: { tenantId_id: { tenantId, id } },
        data: { internalIps, externalIp, podCidrs: input.podCidrs ? canonicalCidrList('podCidrs', input.podCidrs) : undefined, labels: input.labels ?? undefined },
      });
      return toNodeView(row);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const node = await this.find(tx, tenantId, clusterId, id);
      const pods = await tx.pod.count({ where: { tenantId, clusterId, nodeName: node.name } });
      if (pods > 0) throw DomainError.conflict('id', `node ${node.name} still runs ${pods} pod(s); delete or move them first`);
      await this.store.release(tx, cluster, id);
      await tx.node.delete({ where: { tenantId_id: { tenantId, id } } });
    });
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<Node> {
    const row = await tx.node.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`node ${id}`);
    return row;
  }

  /** HostNetwork pods carry their node's IPs: a node cannot drop an IP such a pod still uses. */
  private async checkHostNetworkPods(tx: TenantTx, cluster: ClusterRow, nodeName: string, internalIps: string[]): Promise<void> {
    const pods = await tx.pod.findMany({ where: { tenantId: cluster.tenantId, clusterId: cluster.id, nodeName, hostNetwork: true }, select: { namespace: true, name: true, ips: true } });
    const stranded = pods.find((p) => p.ips.some((ip) => !internalIps.includes(ip)));
    if (stranded) throw DomainError.conflict('internalIps', `hostNetwork pod ${stranded.namespace}/${stranded.name} uses an IP this change removes`);
  }
}

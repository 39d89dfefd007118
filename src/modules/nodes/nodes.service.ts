import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { checkIfMatch, IfMatch } from '../../common/etag';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { Node } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { changesNothing, holdCluster } from '../clusters/cluster-writes';
import { ClusterStore } from '../topology/cluster-store';
import { stillUnknown } from '../topology/canonical';
import { nodeChange } from '../topology/model-changes';
import { Page, PageArgs, decodeCursor, pageOf } from '../topology/paging';
import { CreateNodeInput, NodeView, UpdateNodeInput } from './node.dto';
import { checkHostNetworkPods, checkPodCidrs, nodeAddresses, nodeClaims } from './node-rules';

export function toNodeView(row: Node): NodeView {
  return {
    id: row.id,
    clusterId: row.clusterId,
    name: row.name,
    internalIps: row.internalIps,
    externalIp: row.externalIp,
    podCidrs: row.podCidrs,
    labels: row.labels as Record<string, string>,
    unknownFields: row.unknownFields,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class NodesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
  ) {}

  /** With an Idempotency-Key (REST), at most once per key: see common/idempotency. */
  async create(
    tenantId: string,
    clusterId: string,
    input: CreateNodeInput,
    key: IdempotencyKey | null = null,
  ): Promise<Created<NodeView>> {
    const { internalIps, externalIp, podCidrs } = nodeAddresses({
      internalIps: input.internalIps,
      externalIp: input.externalIp ?? null,
      podCidrs: input.podCidrs ?? [],
    });
    return createOnce(this.prisma, tenantId, key, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      checkPodCidrs(podCidrs, cluster.serviceCidrs);
      if (
        await tx.node.findUnique({
          where: { tenantId_clusterId_name: { tenantId, clusterId, name: input.name } },
          select: { id: true },
        })
      ) {
        throw DomainError.conflict('name', `a node named "${input.name}" already exists in this cluster`);
      }
      const id = randomUUID();
      await this.store.claim(
        tx,
        cluster,
        { kind: 'node', id, name: input.name },
        nodeClaims({ internalIps, externalIp }),
      );
      const row = await tx.node.create({
        data: {
          tenantId,
          clusterId,
          id,
          name: input.name,
          internalIps,
          externalIp,
          podCidrs,
          labels: input.labels ?? {},
        },
      });
      this.store.changed(tx, cluster, nodeChange(row.name, row));
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
        where: { tenantId, clusterId, ...(after ? { name: { gt: after[0] } } : {}) },
        orderBy: { name: 'asc' },
        take: limit + 1,
      });
      const page = pageOf(rows, limit, (row) => [row.name]);
      return { items: page.items.map(toNodeView), nextCursor: page.nextCursor };
    });
  }

  /** `ifMatch` (REST If-Match): the node's version must be one it names. A PATCH that changes nothing bumps no version. */
  async update(
    tenantId: string,
    clusterId: string,
    id: string,
    input: UpdateNodeInput,
    ifMatch: IfMatch | null = null,
  ): Promise<NodeView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await holdCluster(tx, this.store, tenantId, clusterId);
      const current = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, current.version);
      const { internalIps, externalIp, podCidrs } = nodeAddresses({
        internalIps: input.internalIps ?? current.internalIps,
        externalIp: input.externalIp === undefined ? current.externalIp : input.externalIp,
        podCidrs: input.podCidrs ?? current.podCidrs,
      });
      // Checked only when given: a node an import kept with a tolerated pod CIDR can still be relabelled.
      if (input.podCidrs != null) checkPodCidrs(podCidrs, cluster.serviceCidrs);
      const data = {
        internalIps,
        externalIp,
        podCidrs,
        labels: input.labels ?? undefined,
        unknownFields: stillUnknown(current.unknownFields, input),
      };
      if (changesNothing(current, data)) return toNodeView(current);
      await this.store.claim(
        tx,
        cluster,
        { kind: 'node', id, name: current.name },
        nodeClaims({ internalIps, externalIp }),
      );
      const hostNetworkPods = await tx.pod.findMany({
        where: { tenantId, clusterId, nodeName: current.name, hostNetwork: true },
        select: { namespace: true, name: true, ips: true },
      });
      checkHostNetworkPods(internalIps, hostNetworkPods);
      const locked = await this.store.lock(tx, tenantId, clusterId);
      const row = await tx.node.update({
        where: { tenantId_id: { tenantId, id } },
        data: { ...data, version: { increment: 1 } },
      });
      this.store.changed(tx, locked, nodeChange(row.name, row));
      return toNodeView(row);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string, ifMatch: IfMatch | null = null): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const node = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, node.version); // a 412 rolls the transaction back, the cluster's version with it
      const pods = await tx.pod.count({ where: { tenantId, clusterId, nodeName: node.name } });
      if (pods > 0)
        throw DomainError.conflict('id', `node ${node.name} still runs ${pods} pod(s); delete or move them first`);
      await this.store.release(tx, cluster, id);
      await tx.node.delete({ where: { tenantId_id: { tenantId, id } } });
      this.store.changed(tx, cluster, nodeChange(node.name, null));
    });
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<Node> {
    const row = await tx.node.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`node ${id}`);
    return row;
  }
}

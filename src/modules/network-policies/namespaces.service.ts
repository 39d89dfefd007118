import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/domain-error';
import { checkIfMatch, IfMatch } from '../../common/etag';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { Namespace } from '../../generated/prisma/client';
import { PrismaService, TenantTx } from '../../prisma/prisma.service';
import { policyObjectsIn } from '../analysis/topology-loader';
import { changesNothing, holdCluster } from '../clusters/cluster-writes';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';
import { settingsChange } from '../topology/model-changes';
import { decodeCursor, Page, PageArgs, pageOf } from '../topology/paging';
import { CreateNamespaceInput, NamespaceView, UpdateNamespaceInput } from './namespace.dto';
import { namespaceLabels } from './network-policy-rules';

export function toNamespaceView(row: Namespace): NamespaceView {
  return {
    id: row.id,
    clusterId: row.clusterId,
    name: row.name,
    labels: row.labels as Record<string, string>,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class NamespacesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: ClusterStore,
  ) {}

  /** With an Idempotency-Key (REST), at most once per key: see common/idempotency. */
  async create(
    tenantId: string,
    clusterId: string,
    input: CreateNamespaceInput,
    key: IdempotencyKey | null = null,
  ): Promise<Created<NamespaceView>> {
    const labels = namespaceLabels(input.name, input.labels);
    return createOnce(this.prisma, tenantId, key, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      if (
        await tx.namespace.findUnique({
          where: { tenantId_clusterId_name: { tenantId, clusterId, name: input.name } },
          select: { id: true },
        })
      ) {
        throw DomainError.conflict('name', `a namespace named "${input.name}" already exists in this cluster`);
      }
      const row = await tx.namespace.create({
        data: { tenantId, clusterId, id: randomUUID(), name: input.name, labels },
      });
      await this.changed(tx, cluster);
      return toNamespaceView(row);
    });
  }

  async get(tenantId: string, clusterId: string, id: string): Promise<NamespaceView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      return toNamespaceView(await this.find(tx, tenantId, clusterId, id));
    });
  }

  async list(tenantId: string, clusterId: string, args: PageArgs): Promise<Page<NamespaceView>> {
    const limit = args.limit ?? 50;
    const after = decodeCursor(args.cursor, 1);
    return this.prisma.forTenant(tenantId, async (tx) => {
      await this.store.require(tx, tenantId, clusterId);
      const rows = await tx.namespace.findMany({
        where: { tenantId, clusterId, ...(after ? { name: { gt: after[0] } } : {}) },
        orderBy: { name: 'asc' },
        take: limit + 1,
      });
      const page = pageOf(rows, limit, (row) => [row.name]);
      return { items: page.items.map(toNamespaceView), nextCursor: page.nextCursor };
    });
  }

  /** `ifMatch` (REST If-Match): the namespace's version must be one it names. A PATCH that changes nothing bumps no version. */
  async update(
    tenantId: string,
    clusterId: string,
    id: string,
    input: UpdateNamespaceInput,
    ifMatch: IfMatch | null = null,
  ): Promise<NamespaceView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      await holdCluster(tx, this.store, tenantId, clusterId);
      const current = await this.find(tx, tenantId, clusterId, id);
      checkIfMatch(ifMatch, current.version);
      // null (allowed by the optional field) means "not given", as for the other resources.
      const labels = input.labels == null ? undefined : namespaceLabels(current.name, input.labels);
      if (changesNothing(current, { labels })) return toNamespaceView(current);
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      const row = await tx.namespace.update({
        where: { tenantId_id: { tenantId, id } },
        data: { labels, version: { increment: 1 } },
      });
      await this.changed(tx, cluster);
      return toNamespaceView(row);
    });
  }

  async remove(tenantId: string, clusterId: string, id: string, ifMatch: IfMatch | null = null): Promise<void> {
    await this.prisma.forTenant(tenantId, async (tx) => {
      const cluster = await this.store.lock(tx, tenantId, clusterId);
      checkIfMatch(ifMatch, (await this.find(tx, tenantId, clusterId, id)).version); // a 412 rolls the cluster's version back
      await tx.namespace.delete({ where: { tenantId_id: { tenantId, id } } });
      await this.changed(tx, cluster);
    });
  }

  /** Namespaces are among the model's settings: the change carries them all, as this write leaves them. */
  private async changed(tx: TenantTx, cluster: ClusterRow): Promise<void> {
    this.store.changed(tx, cluster, settingsChange(cluster, await policyObjectsIn(tx, cluster)));
  }

  private async find(tx: TenantTx, tenantId: string, clusterId: string, id: string): Promise<Namespace> {
    const row = await tx.namespace.findUnique({ where: { tenantId_id: { tenantId, id } } });
    if (!row || row.clusterId !== clusterId) throw DomainError.notFound(`namespace ${id}`);
    return row;
  }
}

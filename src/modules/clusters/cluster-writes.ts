import { TenantTx } from '../../prisma/prisma.service';
import { same } from '../import/import-records';
import { ClusterRow, ClusterStore } from '../topology/cluster-store';

/**
 * A write that may turn out to change nothing (a PATCH of `{}`, or of the values already stored),
 * or be refused by its If-Match: it locks the cluster row first without bumping the cluster's
 * version (the lock ClusterStore.lock's UPDATE takes, so writes to one cluster stay serialised; an
 * import does the same), decides, and only a write that changes something then bumps it
 * (ClusterStore.lock) and its own row's version. So a no-op PATCH bumps neither, announces nothing
 * to the analyses' caches, and the If-Match check happens under the same lock as the write.
 */
export async function holdCluster(
  tx: TenantTx,
  store: ClusterStore,
  tenantId: string,
  clusterId: string,
): Promise<ClusterRow> {
  await tx.$queryRaw`SELECT 1 FROM clusters WHERE tenant_id = ${tenantId}::uuid AND id = ${clusterId}::uuid FOR NO KEY UPDATE`;
  return store.require(tx, tenantId, clusterId);
}

/** Whether writing `data` (Prisma update data; undefined = left as it is) to `row` would change nothing. */
export function changesNothing(row: object, data: object): boolean {
  const stored = row as Record<string, unknown>;
  return Object.entries(data).every(([column, value]) => value === undefined || same(stored[column], value));
}

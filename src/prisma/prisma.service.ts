import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export const DATABASE_URL = Symbol('DATABASE_URL');

/** A Prisma transaction client scoped to one tenant (row-level security does the scoping). */
export type TenantTx = Prisma.TransactionClient;

/** What a transaction changed, announced to this instance's caches once it has committed. */
interface TxChanges { clusters: Set<string>; keyHashes: Set<string> }
export interface Committed { readonly tenantId: string; readonly clusterIds: readonly string[]; readonly keyHashes: readonly string[] }

@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly client: PrismaClient;
  /**
   * What each open transaction changed, by its transaction client. Passed explicitly rather than
   * through AsyncLocalStorage: an active AsyncLocalStorage makes Node run a hook on every promise
   * the process creates (measured: ~5% of a busy analysis route's CPU).
   */
  private readonly changes = new WeakMap<TenantTx, TxChanges>();
  private readonly committedListeners = new Set<(c: Committed) => void>();

  constructor(@Inject(DATABASE_URL) url: string) {
    const adapter = new PrismaPg({
      connectionString: url,
      max: 20,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    }, {
      // An idle client whose server went away emits 'error'; without a listener the process dies.
      onPoolError: () => undefined,
    });
    this.client = new PrismaClient({ adapter });
  }

  /**
   * Runs `fn` in one transaction with the tenant set transaction-locally, so the setting can never
   * outlive the request on a pooled connection. Every tenant-owned query goes through here.
   * `timeoutMs` (default 60 s) bounds the transaction; only bulk writes such as an import need more.
   */
  async forTenant<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const changes: TxChanges = { clusters: new Set(), keyHashes: new Set() };
    const result = await this.client.$transaction(async (tx) => {
      this.changes.set(tx, changes);
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return fn(tx);
    }, { timeout: options.timeoutMs ?? 60_000, maxWait: 10_000 });
    if (changes.clusters.size || changes.keyHashes.size) {
      const committed = { tenantId, clusterIds: [...changes.clusters], keyHashes: [...changes.keyHashes] };
      for (const listener of this.committedListeners) listener(committed);
    }
    return result;
  }

  /** Records, in transaction `tx` (from forTenant), that a cluster (or an API key) changed. */
  markChanged(tx: TenantTx, change: { clusterId?: string; keyHash?: string }): void {
    const current = this.changes.get(tx);
    if (!current) throw new Error('markChanged outside forTenant');
    if (change.clusterId) current.clusters.add(change.clusterId);
    if (change.keyHash) current.keyHashes.add(change.keyHash);
  }

  onCommitted(listener: (c: Committed) => void): void {
    this.committedListeners.add(listener);
  }

  /** Finds an API key by the hash of the presented secret (the `api_key_lookup` policy allows exactly that row). */
  async findKeyByHash(keyHash: string): Promise<{ tenantId: string; id: string; scope: 'read' | 'write'; revokedAt: Date | null } | null> {
    return this.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.key_hash', ${keyHash}, true)`;
      return tx.apiKey.findUnique({ where: { keyHash }, select: { tenantId: true, id: true, scope: true, revokedAt: true } });
    });
  }

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.$disconnect();
  }
}

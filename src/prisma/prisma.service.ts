import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import type { ModelChange } from '../engine';
import { Cluster, Prisma, PrismaClient } from '../generated/prisma/client';
import { CHANGE_CHANNEL, encodeChange, ObjectRef } from './change-feed';
import { DATABASE_URL } from './database-url';

const PRISMA_LOG = new Logger('Prisma');

export { DATABASE_URL };

/** A Prisma transaction client scoped to one tenant (row-level security does the scoping). */
export type TenantTx = Prisma.TransactionClient;

/**
 * A cluster a transaction changed: its version after the change, and what changed as the engine
 * applies it (the committed objects), or null when the writer did not say (the analyses then load
 * the cluster again: never a stale model because a write forgot to tell).
 */
export interface ClusterChange {
  readonly clusterId: string;
  version: number | undefined;
  changes: ModelChange[] | null;
  row: Cluster | undefined;
}

/** What a transaction changed, announced to this instance's caches once it has committed. */
interface TxChanges {
  clusters: Map<string, ClusterChange>;
  keyHashes: Set<string>;
}
export interface Committed {
  readonly tenantId: string;
  readonly clusters: readonly ClusterChange[];
  readonly keyHashes: readonly string[];
}

/** The objects a change names, for other instances (which read them and patch their models). */
function objectsOf(changes: readonly ModelChange[]): ObjectRef[] {
  return changes.map((c) =>
    c.kind === 'settings' ? { kind: 'settings', key: '' } : { kind: c.kind, key: c.kind === 'node' ? c.name : c.key },
  );
}

@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly client: PrismaClient;
  /** The connection pool the client queries through (its gauges: modules/metrics/pool-metrics). */
  readonly pool: Pool;
  /**
   * What each open transaction changed, by its transaction client. Passed explicitly rather than
   * through AsyncLocalStorage: an active AsyncLocalStorage makes Node run a hook on every promise
   * the process creates (measured: ~5% of a busy analysis route's CPU).
   */
  private readonly changes = new WeakMap<TenantTx, TxChanges>();
  private readonly committedListeners = new Set<(c: Committed) => void>();

  constructor(@Inject(DATABASE_URL) url: string) {
    this.pool = new Pool({
      connectionString: url,
      max: 20,
      // An outage is a 503 within 2 s (issue 15): connecting, or waiting for a pooled connection, gives up after 1.5 s.
      connectionTimeoutMillis: 1_500,
      idleTimeoutMillis: 30_000,
    });
    // Handed to the adapter (which ends it on $disconnect) rather than built by it, so its counts can be read.
    const adapter = new PrismaPg(this.pool, {
      // An idle client whose server went away emits 'error'; without a listener the process dies.
      onPoolError: () => undefined,
      disposeExternalPool: true,
    });
    // Prisma's own warnings and errors as log lines of the common format (common/log.ts), not its plain text.
    const client = new PrismaClient({
      adapter,
      log: [
        { emit: 'event', level: 'warn' },
        { emit: 'event', level: 'error' },
      ],
    });
    client.$on('warn', (e) => PRISMA_LOG.warn({ target: e.target, message: e.message }));
    client.$on('error', (e) => PRISMA_LOG.error({ target: e.target, message: e.message }));
    this.client = client;
  }

  /**
   * Runs `fn` in one transaction with the tenant set transaction-locally, so the setting can never
   * outlive the request on a pooled connection. Every tenant-owned query goes through here.
   * `timeoutMs` (default 60 s) bounds the transaction; only bulk writes such as an import need more.
   */
  async forTenant<T>(
    tenantId: string,
    fn: (tx: TenantTx) => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const changes: TxChanges = { clusters: new Map(), keyHashes: new Set() };
    const result = await this.client.$transaction(
      async (tx) => {
        this.changes.set(tx, changes);
        await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
        const out = await fn(tx);
        await this.announce(tx, tenantId, changes);
        return out;
      },
      { timeout: options.timeoutMs ?? 60_000, maxWait: 10_000 },
    );
    if (changes.clusters.size || changes.keyHashes.size) {
      const committed = { tenantId, clusters: [...changes.clusters.values()], keyHashes: [...changes.keyHashes] };
      for (const listener of this.committedListeners) listener(committed);
    }
    return result;
  }

  /**
   * Records, in transaction `tx` (from forTenant), that a cluster (at `version`) or an API key
   * changed. What changed in the cluster is not known until `recordChanges` says it.
   */
  markChanged(tx: TenantTx, change: { clusterId?: string; version?: number; row?: Cluster; keyHash?: string }): void {
    const current = this.txChanges(tx);
    if (change.clusterId) {
      const held = current.clusters.get(change.clusterId);
      if (held) {
        held.version = change.version ?? held.version;
        held.row = change.row ?? held.row;
      } else {
        current.clusters.set(change.clusterId, {
          clusterId: change.clusterId,
          version: change.version,
          changes: null,
          row: change.row,
        });
      }
    }
    if (change.keyHash) current.keyHashes.add(change.keyHash);
  }

  /**
   * What a write did to a cluster it marked changed (ClusterStore.lock), as the engine applies it.
   * A cluster marked changed with nothing recorded is reloaded whole by the analyses.
   */
  recordChanges(tx: TenantTx, cluster: Cluster, changes: readonly ModelChange[]): void {
    const held = this.txChanges(tx).clusters.get(cluster.id);
    if (!held) throw new Error('recordChanges before markChanged');
    held.changes = [...(held.changes ?? []), ...changes];
    held.row = cluster;
  }

  private txChanges(tx: TenantTx): TxChanges {
    const current = this.changes.get(tx);
    if (!current) throw new Error('markChanged outside forTenant');
    return current;
  }

  /** NOTIFY, sent at commit (it is transactional): each changed cluster with its version and, when known, the objects. */
  private async announce(tx: TenantTx, tenantId: string, changes: TxChanges): Promise<void> {
    for (const c of changes.clusters.values()) {
      const objects = c.changes === null ? undefined : objectsOf(c.changes);
      const payload = encodeChange({
        kind: 'cluster',
        tenantId,
        clusterId: c.clusterId,
        version: c.version,
        ...(objects ? { objects } : {}),
      });
      await tx.$executeRaw`SELECT pg_notify(${CHANGE_CHANNEL}, ${payload})`;
    }
  }

  onCommitted(listener: (c: Committed) => void): void {
    this.committedListeners.add(listener);
  }

  /** Finds an API key by the hash of the presented secret (the `api_key_lookup` policy allows exactly that row). */
  async findKeyByHash(
    keyHash: string,
  ): Promise<{ tenantId: string; id: string; scope: 'read' | 'write'; revokedAt: Date | null } | null> {
    return this.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.key_hash', ${keyHash}, true)`;
      return tx.apiKey.findUnique({
        where: { keyHash },
        select: { tenantId: true, id: true, scope: true, revokedAt: true },
      });
    });
  }

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.$disconnect();
  }
}

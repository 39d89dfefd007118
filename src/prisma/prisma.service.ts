import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../generated/prisma/client';

export const DATABASE_URL = Symbol('DATABASE_URL');

/** A Prisma transaction client scoped to one tenant (row-level security does the scoping). */
export type TenantTx = Prisma.TransactionClient;

@Injectable()
export class PrismaService implements OnModuleDestroy {
  readonly client: PrismaClient;

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
   */
  async forTenant<T>(tenantId: string, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
    return this.client.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return fn(tx);
    }, { timeout: 60_000, maxWait: 10_000 });
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

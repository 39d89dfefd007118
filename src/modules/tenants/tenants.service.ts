import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateApiKey } from '../../common/auth';
import { DomainError } from '../../common/domain-error';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { CHANGE_CHANNEL, encodeChange } from '../../prisma/change-feed';
import { PrismaService } from '../../prisma/prisma.service';
import { ApiKeyScope } from '../topology/enums';
import { ApiKeyView, CreateApiKeyInput, CreatedApiKeyView, CreatedTenantView, TenantView } from './tenant.dto';

interface KeyRow { id: string; name: string; prefix: string; scope: ApiKeyScope; createdAt: Date; revokedAt: Date | null }

function toKeyView(row: KeyRow): ApiKeyView {
  return { id: row.id, name: row.name, prefix: row.prefix, scope: row.scope, createdAt: row.createdAt.toISOString(), revokedAt: row.revokedAt?.toISOString() ?? null };
}

@Injectable()
export class TenantsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Operator only: a new tenant and its first (write) key, in one transaction. */
  async createTenant(name: string): Promise<CreatedTenantView> {
    const id = randomUUID();
    return this.prisma.forTenant(id, async (tx) => {
      await tx.tenant.create({ data: { id, name } });
      const key = generateApiKey();
      await tx.apiKey.create({ data: { tenantId: id, id: randomUUID(), name: 'initial', prefix: key.prefix, keyHash: key.hash, scope: 'write' } });
      return { id, name, apiKey: key.key };
    });
  }

  async getTenant(tenantId: string): Promise<TenantView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const row = await tx.tenant.findUnique({ where: { id: tenantId } });
      if (!row) throw DomainError.notFound('tenant');
      return { id: row.id, name: row.name };
    });
  }

  async listKeys(tenantId: string): Promise<ApiKeyView[]> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const rows = await tx.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toKeyView);
    });
  }

  /**
   * With an Idempotency-Key (REST), at most once per key: see common/idempotency. The response holds
   * the new key's secret, so it is stored sealed with the caller's credential (only its hash is
   * stored): the database never holds a usable secret, and only the API key that created it gets
   * it replayed.
   */
  async createKey(tenantId: string, input: CreateApiKeyInput, idempotencyKey: IdempotencyKey | null = null): Promise<Created<CreatedApiKeyView>> {
    const key = generateApiKey();
    return createOnce(this.prisma, tenantId, idempotencyKey, async (tx) => {
      const row = await tx.apiKey.create({
        data: { tenantId, id: randomUUID(), name: input.name ?? 'key', prefix: key.prefix, keyHash: key.hash, scope: input.scope ?? 'write' },
      });
      return { ...toKeyView(row), apiKey: key.key };
    }, { secret: true });
  }

  async revokeKey(tenantId: string, keyId: string): Promise<ApiKeyView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const row = await tx.apiKey.findUnique({ where: { tenantId_id: { tenantId, id: keyId } } });
      if (!row) throw DomainError.notFound(`API key ${keyId}`);
      if (row.revokedAt) return toKeyView(row);
      await tx.$executeRaw`SELECT pg_notify(${CHANGE_CHANNEL}, ${encodeChange({ kind: 'api-key', keyHash: row.keyHash })})`;
      this.prisma.markChanged(tx, { keyHash: row.keyHash });
      return toKeyView(await tx.apiKey.update({ where: { tenantId_id: { tenantId, id: keyId } }, data: { revokedAt: new Date() } }));
    });
  }
}

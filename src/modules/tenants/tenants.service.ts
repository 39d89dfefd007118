import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateApiKey } from '../../common/auth';
import { DomainError } from '../../common/domain-error';
import { createOnce, Created, IdempotencyKey } from '../../common/idempotency';
import { CHANGE_CHANNEL, encodeChange } from '../../prisma/change-feed';
import { PrismaService } from '../../prisma/prisma.service';
import { ApiKeyScope } from '../topology/enums';
import { ApiKeyView, CreateApiKeyInput, CreatedApiKeyView, CreatedTenantView, TenantView } from './tenant.dto';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scope: ApiKeyScope;
  createdAt: Date;
  revokedAt: Date | null;
}

function toKeyView(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * The id of the tenant an operator's POST /v1/tenants creates under an Idempotency-Key: a UUID
 * (version 8, RFC 9562) from the SHA-256 of the key, so every retry, on any instance, names the
 * same tenant, whose idempotency_keys row holds the first response.
 */
export function operatorTenantId(key: string): string {
  const h = createHash('sha256').update(`svcpath operator idempotency-key\0${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

@Injectable()
export class TenantsService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Operator only: a new tenant and its first (write) key, in one transaction. With an
   * Idempotency-Key the tenant's id is derived from the key (operatorTenantId), so a retry lands
   * on the same tenant and finds the stored response there (common/idempotency, sealed with the
   * operator token: it holds the first key's secret).
   */
  async createTenant(name: string, idempotencyKey: IdempotencyKey | null = null): Promise<Created<CreatedTenantView>> {
    const id = idempotencyKey === null ? randomUUID() : operatorTenantId(idempotencyKey.key);
    return createOnce(
      this.prisma,
      id,
      idempotencyKey,
      async (tx) => {
        await tx.tenant.create({ data: { id, name } });
        const key = generateApiKey();
        await tx.apiKey.create({
          data: {
            tenantId: id,
            id: randomUUID(),
            name: 'initial',
            prefix: key.prefix,
            keyHash: key.hash,
            scope: 'write',
          },
        });
        return { id, name, apiKey: key.key };
      },
      { secret: true },
    );
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
  async createKey(
    tenantId: string,
    input: CreateApiKeyInput,
    idempotencyKey: IdempotencyKey | null = null,
  ): Promise<Created<CreatedApiKeyView>> {
    const key = generateApiKey();
    return createOnce(
      this.prisma,
      tenantId,
      idempotencyKey,
      async (tx) => {
        const row = await tx.apiKey.create({
          data: {
            tenantId,
            id: randomUUID(),
            name: input.name ?? 'key',
            prefix: key.prefix,
            keyHash: key.hash,
            scope: input.scope ?? 'write',
          },
        });
        return { ...toKeyView(row), apiKey: key.key };
      },
      { secret: true },
    );
  }

  async revokeKey(tenantId: string, keyId: string): Promise<ApiKeyView> {
    return this.prisma.forTenant(tenantId, async (tx) => {
      const row = await tx.apiKey.findUnique({ where: { tenantId_id: { tenantId, id: keyId } } });
      if (!row) throw DomainError.notFound(`API key ${keyId}`);
      if (row.revokedAt) return toKeyView(row);
      await tx.$executeRaw`SELECT pg_notify(${CHANGE_CHANNEL}, ${encodeChange({ kind: 'api-key', keyHash: row.keyHash })})`;
      this.prisma.markChanged(tx, { keyHash: row.keyHash });
      return toKeyView(
        await tx.apiKey.update({ where: { tenantId_id: { tenantId, id: keyId } }, data: { revokedAt: new Date() } }),
      );
    });
  }
}

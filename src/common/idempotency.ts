import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { PrismaService, TenantTx } from '../prisma/prisma.service';
import { bearerToken } from './auth';
import { DomainError } from './domain-error';

/**
 * Idempotency-Key on the REST POSTs that create (draft-ietf-httpapi-idempotency-key-header). The key
 * is scoped to the tenant and kept at least KEPT_HOURS in PostgreSQL (idempotency_keys), so every
 * instance agrees. In one tenant transaction:
 *
 * 1. a transaction-scoped advisory lock on (tenant, key), tried without waiting: held means the
 *    first request with this key is still running → 409;
 * 2. rows older than KEPT_HOURS are purged (a few, skipping any another transaction holds);
 * 3. a stored row → the same request (method, route, path parameters, body) replays its status and
 *    body; another request → 422;
 * 4. otherwise the creation runs and its response is stored, in the same transaction: both commit
 *    or neither does (a crash leaves no key without its object, nor an object without its key).
 *
 * Only successful creations are stored: a refused request (4xx) changes nothing and may be retried
 * with the same key.
 */

export const KEPT_HOURS = 24;
const MAX_KEY_LENGTH = 255;

/** A request's Idempotency-Key, with what identifies the request. */
export interface IdempotencyKey {
  readonly key: string;
  /** SHA-256 of the method, route, path parameters and body (canonical JSON). */
  readonly fingerprint: string;
  /** The caller's bearer credential, in memory only: it seals a response that holds a secret (see createOnce). */
  readonly credential: string;
}

/** What a creation answered: now, or replayed from the first request with the same key. */
export interface Created<T> {
  readonly body: T;
  readonly status: number;
  readonly replayed: boolean;
}

/** JSON with object keys sorted at every level: equal JSON values, equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The key a header carries: as sent, or unquoted (the draft makes it a structured-field string). */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const invalid = (message: string) => DomainError.invalid('Idempotency-Key', message);
  if (Array.isArray(header)) throw invalid('must be sent once');
  const key = /^"(.*)"$/.exec(header)?.[1] ?? header;
  if (key.trim() === '') throw invalid('must not be empty');
  if (key.length > MAX_KEY_LENGTH) throw invalid(`must be at most ${MAX_KEY_LENGTH} characters (a UUID is a good key)`);
  return key;
}

/** The Idempotency-Key of a REST request and the fingerprint of that request; null without the header. */
export const IdempotencyKeyHeader = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): IdempotencyKey | null => {
    const request = ctx.switchToHttp().getRequest<FastifyRequest>();
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === null) return null;
    const what = canonicalJson([
      request.method,
      request.routeOptions.url ?? request.url.split('?')[0],
      request.params ?? {},
      request.body ?? null,
    ]);
    return {
      key,
      fingerprint: createHash('sha256').update(what).digest('hex'),
      credential: bearerToken(request.headers.authorization) ?? '',
    };
  },
);

/** Answers a creation with its body; a replay carries `Idempotent-Replayed: true`. */
@Injectable()
export class CreatedInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((created: Created<unknown>) => {
        if (created.replayed) void reply.header('idempotent-replayed', 'true');
        return created.body;
      }),
    );
  }
}

/** The Idempotent-Replayed response header, for `@ApiCreatedResponse({ headers })`. */
export const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored response of an earlier request with the same Idempotency-Key (nothing was created this time).',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** A REST POST that creates: takes an Idempotency-Key and answers what `createOnce` returns. */
export function IdempotentCreate(secret = false): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      example: '8e03978e-40d5-43e8-bc93-6894a57f9324',
      description:
        `Makes the POST safe to retry: a unique value per creation (a UUID; 1-${MAX_KEY_LENGTH} characters), scoped to the tenant and kept at least ${KEPT_HOURS} h. ` +
        'A retry with the same key and the same request (path and body) creates nothing and gets the first response again (same id, same status, with `Idempotent-Replayed: true`); ' +
        'the same key with another request is a 422; the same key while the first request is still running is a 409 (retry it later). ' +
        'Only successful creations are remembered: after an error the same key may be used again.' +
        (secret
          ? " The response holds a new key's secret: it is stored encrypted with a key derived from your credential, so only the credential that created it (that API key, or the operator token) gets it replayed; another gets a 422."
          : ''),
    }),
    UseInterceptors(CreatedInterceptor),
  );
}

// ---------------------------------------------------------------- storage

/** The key for a sealed response: derived from the caller's credential, which is never stored (only its hash is). */
function sealingKey(credential: string, tenantId: string, key: string): Buffer {
  return Buffer.from(hkdfSync('sha256', credential, tenantId, `svcpath idempotency-key ${key}`, 32));
}

function seal(text: string, sealKey: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function unseal(sealed: string, sealKey: Buffer): string | null {
  const raw = Buffer.from(sealed, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null; // another credential
  }
}

/** Deletes up to 100 of the tenant's keys older than KEPT_HOURS, skipping rows another transaction holds (never waits). */
async function purgeExpired(tx: TenantTx, tenantId: string): Promise<void> {
  await tx.$executeRaw`DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
    SELECT ctid FROM idempotency_keys WHERE tenant_id = ${tenantId}::uuid AND created_at < now() - make_interval(hours => ${KEPT_HOURS})
    LIMIT 100 FOR UPDATE SKIP LOCKED))`;
}

/**
 * Runs `create` in one tenant transaction, at most once per Idempotency-Key (see the top of this
 * file); without a key, simply once. `secret`: the response holds a secret (a new API key), so it
 * is stored sealed with the caller's credential and replayed only to the same credential.
 */
export async function createOnce<T>(
  prisma: PrismaService,
  tenantId: string,
  key: IdempotencyKey | null,
  create: (tx: TenantTx) => Promise<T>,
  options: { secret?: boolean } = {},
): Promise<Created<T>> {
  if (key === null) return { body: await prisma.forTenant(tenantId, create), status: 201, replayed: false };
  return prisma.forTenant(tenantId, async (tx) => {
    const [{ locked }] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(hashtextextended(${`${tenantId}/${key.key}`}, 0)) AS locked`;
    if (!locked)
      throw DomainError.conflict(
        'Idempotency-Key',
        'a request with this key is still being processed; retry it once that one has finished',
      );
    await purgeExpired(tx, tenantId);
    const sealKey = options.secret ? sealingKey(key.credential, tenantId, key.key) : null;
    const stored = await tx.idempotencyKey.findUnique({ where: { tenantId_key: { tenantId, key: key.key } } });
    if (stored) return replay<T>(stored, key, sealKey);
    const body = await create(tx);
    const text = JSON.stringify(body);
    await tx.idempotencyKey.create({
      data: {
        tenantId,
        key: key.key,
        fingerprint: key.fingerprint,
        status: 201,
        response: sealKey ? seal(text, sealKey) : text,
        sealed: sealKey !== null,
      },
    });
    return { body, status: 201, replayed: false };
  });
}

function replay<T>(
  stored: { fingerprint: string; status: number; response: string; sealed: boolean },
  key: IdempotencyKey,
  sealKey: Buffer | null,
): Created<T> {
  const unprocessable = (message: string) =>
    new DomainError('UNPROCESSABLE', `Idempotency-Key: ${message}`, [{ field: 'Idempotency-Key', message }]);
  if (stored.fingerprint !== key.fingerprint)
    throw unprocessable(
      'was already used with another request (a different path or body); use a new key for a new request',
    );
  const text = stored.sealed ? (sealKey ? unseal(stored.response, sealKey) : null) : stored.response;
  if (text === null)
    throw unprocessable(
      'was already used by another API key of this tenant, and its response holds a secret only that key may see again',
    );
  return { body: JSON.parse(text) as T, status: stored.status, replayed: true };
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';
import { isDatabaseUnavailable } from './errors';
import { rateLimited, RateLimiter, RateSubject } from './rate-limit';
import { LIMITS, Limits } from '../config/limits';
import { ChangeFeed } from '../prisma/change-feed';
import { PrismaService } from '../prisma/prisma.service';

/** Who is calling: set by the guard from the API key, never from a header, path or body. */
export interface AuthContext {
  readonly tenantId: string;
  readonly keyId: string;
  readonly scope: 'read' | 'write';
}

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

type Access = 'public' | 'operator' | 'read';
const ACCESS = 'svcpath:access';
/** No credentials (health, docs). */
export const Public = () => SetMetadata(ACCESS, 'public' satisfies Access);
/** The operator token from the environment (creating tenants). */
export const OperatorOnly = () => SetMetadata(ACCESS, 'operator' satisfies Access);
/** A POST that changes nothing (an analysis): read-scoped keys may call it. */
export const ReadOnlyOperation = () => SetMetadata(ACCESS, 'read' satisfies Access);

export interface ApiKeySecret {
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

/** A new key: ≥ 128 random bits (here 192), shown once; only its SHA-256 is stored. */
export function generateApiKey(): ApiKeySecret {
  const prefix = randomBytes(6).toString('base64url');
  const key = `svc_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix: `svc_${prefix}`, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares two tokens in constant time (for equal lengths; a length mismatch is refused at once). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

type AuthedRequest = FastifyRequest & { auth?: AuthContext };

interface RequestInfo {
  request: AuthedRequest;
  reply: FastifyReply;
  mutation: boolean;
}

function requestOf(ctx: ExecutionContext): RequestInfo {
  if (ctx.getType<GqlContextType>() === 'graphql') {
    const gql = GqlExecutionContext.create(ctx);
    const { req, reply } = gql.getContext<{ req: AuthedRequest; reply: FastifyReply }>();
    return {
      request: req,
      reply,
      mutation: gql.getInfo<{ operation: { operation: string } }>().operation.operation === 'mutation',
    };
  }
  const http = ctx.switchToHttp();
  const request = http.getRequest<AuthedRequest>();
  return {
    request,
    reply: http.getResponse<FastifyReply>(),
    mutation: !['GET', 'HEAD', 'OPTIONS'].includes(request.method),
  };
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match === null ? null : match[1];
}

function bearer(request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization);
  if (token === null) throw new DomainError('UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
  return token;
}

interface KeyRecord {
  tenantId: string;
  id: string;
  scope: 'read' | 'write';
  revokedAt: Date | null;
}

/**
 * Key lookups, cached briefly so a busy client does not cost a database round trip per request.
 * A revocation drops the entry on this instance at commit and on the others when they hear the
 * NOTIFY; if that is lost, the entry expires within KEY_TTL_MS.
 *
 * It also holds the rate limiter (see rate-limit.ts): every path that accepts a credential (the
 * guard, AnswerMemo's hook, the GraphQL admission hook added here) already holds this object, so
 * the counts they charge are one. The GraphQL hook is added to the route as Mercurius registers
 * it (routes are registered after the providers are built).
 */
@Injectable()
export class ApiKeyAuthenticator {
  static readonly KEY_TTL_MS = 2_000;
  /** How long after its last confirmation a key is still accepted while the database cannot be reached. */
  static readonly STALE_ON_OUTAGE_MS = 60_000;
  private static readonly MAX_ENTRIES = 10_000;
  private readonly cache = new Map<string, { key: KeyRecord; expires: number }>();
  private readonly lookups = new Map<string, Promise<KeyRecord | null>>();
  readonly rate: RateLimiter;

  constructor(
    private readonly prisma: PrismaService,
    feed: ChangeFeed,
    @Inject(LIMITS) limits: Limits,
    host: HttpAdapterHost,
  ) {
    feed.subscribe((change) => {
      if (change.kind === 'api-key') this.invalidate(change.keyHash);
    });
    prisma.onCommitted((committed) => committed.keyHashes.forEach((hash) => this.invalidate(hash)));
    this.rate = new RateLimiter(limits.rate);
    const fastify = host.httpAdapter?.getInstance<FastifyInstance>();
    if (typeof fastify?.addHook === 'function') {
      fastify.addHook('onRoute', (route) => this.rate.meterGraphql(route, (request) => this.subjectOf(request)));
    }
  }

  /** The key a request presents, as a rate subject, if it is valid (null: none, unknown or revoked). */
  private async subjectOf(request: FastifyRequest): Promise<RateSubject | null> {
    const token = bearerToken(request.headers.authorization);
    if (token === null) return null;
    const key = this.cached(token) ?? (await this.authenticate(token));
    return key === null || key.revokedAt !== null ? null : { kind: 'key', keyId: key.id };
  }

  /** The key if this instance accepted it less than KEY_TTL_MS ago (and it was not revoked since), else null; no I/O. */
  cached(secret: string): KeyRecord | null {
    return this.fresh(hashApiKey(secret));
  }

  private fresh(hash: string): KeyRecord | null {
    const hit = this.cache.get(hash);
    return hit !== undefined && hit.expires > Date.now() ? hit.key : null;
  }

  /**
   * The key a secret names (null if none), from the cache while it is fresh, else from the
   * database: one lookup per key at a time, shared by every request presenting it meanwhile. A
   * revocation during a lookup detaches it: its result is not cached, and later requests look again.
   */
  authenticate(secret: string): Promise<KeyRecord | null> {
    const hash = hashApiKey(secret);
    const hit = this.fresh(hash);
    if (hit !== null) return Promise.resolve(hit);
    const pending = this.lookups.get(hash);
    if (pending !== undefined) return pending;
    const lookup: Promise<KeyRecord | null> = this.prisma.findKeyByHash(hash).then(
      (key) => {
        if (this.lookups.get(hash) !== lookup) return key; // invalidated meanwhile
        this.lookups.delete(hash);
        if (key && !key.revokedAt) {
          if (this.cache.size >= ApiKeyAuthenticator.MAX_ENTRIES) this.cache.clear();
          this.cache.set(hash, { key, expires: Date.now() + ApiKeyAuthenticator.KEY_TTL_MS });
        } else {
          this.cache.delete(hash);
        }
        return key;
      },
      (error: unknown) => {
        if (this.lookups.get(hash) === lookup) this.lookups.delete(hash);
        // The database cannot be reached: a key this instance accepted less than STALE_ON_OUTAGE_MS
        // ago (and has not heard revoked) still opens what needs no database, such as an analysis
        // on a model in memory. No revocation can commit while the database is down.
        const held = this.cache.get(hash);
        if (
          held !== undefined &&
          isDatabaseUnavailable(error) &&
          Date.now() - (held.expires - ApiKeyAuthenticator.KEY_TTL_MS) < ApiKeyAuthenticator.STALE_ON_OUTAGE_MS
        )
          return held.key;
        throw error;
      },
    );
    this.lookups.set(hash, lookup);
    return lookup;
  }

  /** A key changed (revoked): forget what this instance knows of it, and any lookup under way. */
  private invalidate(hash: string): void {
    this.cache.delete(hash);
    this.lookups.delete(hash);
  }
}

/** Deny by default: every route needs an API key unless marked @Public() or @OperatorOnly(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyAuthenticator,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string | null,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [ctx.getHandler(), ctx.getClass()]);
    if (access === 'public') return true;
    const { request, reply, mutation } = requestOf(ctx);
    const token = bearer(request);
    if (access === 'operator') {
      if (this.adminToken === null)
        throw new DomainError('FORBIDDEN', 'no operator token is configured on this server (set SVCPATH_ADMIN_TOKEN)');
      if (!safeEqual(token, this.adminToken))
        throw new DomainError('UNAUTHENTICATED', 'the operator token is not valid');
      this.charge(request, reply, { kind: 'operator' });
      return true;
    }
    const key = await this.keys.authenticate(token);
    if (!key || key.revokedAt) throw new DomainError('UNAUTHENTICATED', 'the API key is not valid or has been revoked');
    // Every accepted request counts, whatever its scope and whatever follows (a 403, a 400).
    this.charge(request, reply, { kind: 'key', keyId: key.id });
    if (mutation && access !== 'read' && key.scope !== 'write') {
      throw new DomainError('FORBIDDEN', 'this API key has the read scope; changes need a key with the write scope');
    }
    request.auth = { tenantId: key.tenantId, keyId: key.id, scope: key.scope };
    return true;
  }

  /**
   * Charges the request, once (AnswerMemo's hook or the GraphQL admission hook may have charged it
   * already: that decision stands), and refuses it over the limit: over REST a 429 problem+json,
   * with the headers the limiter set. A refused GraphQL request was answered by its hook already.
   */
  private charge(request: FastifyRequest, reply: FastifyReply, subject: RateSubject): void {
    const decision = this.keys.rate.admit(request, reply, subject);
    if (decision !== null && !decision.allowed) throw rateLimited(decision);
  }
}

/** The caller's AuthContext; throws if the guard did not run (a route wrongly left without auth). */
export const CurrentAuth = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  const { request } = requestOf(ctx);
  if (!request.auth) throw new Error('CurrentAuth used on a route the auth guard did not authenticate');
  return request.auth;
});

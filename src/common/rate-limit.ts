import type { FastifyReply, FastifyRequest, preHandlerHookHandler, RouteOptions } from 'fastify';
import type { RateLimits } from '../config/limits';
import { DomainError } from './domain-error';
import { graphqlErrorOf } from './errors';

/** Whom a request is counted against: an API key (by its id: each key of a tenant has its own count) or the operator token. */
export type RateSubject = { readonly kind: 'key'; readonly keyId: string } | { readonly kind: 'operator' };

/** What one request was charged, and what is left: the content of the `RateLimit` headers. */
export interface RateDecision {
  /** The policy's name in the headers: `"key"` or `"operator"`. */
  readonly policy: RateSubject['kind'];
  /** Units per window (`q`). */
  readonly quota: number;
  /** Window length in seconds (`w`). */
  readonly windowSeconds: number;
  /** Units this request costs (what was taken if it was allowed). */
  readonly cost: number;
  /** Units left in the window after this request (`r`). */
  readonly remaining: number;
  /** Seconds until the window ends and the quota is whole again (`t`; also `Retry-After` on a refusal). */
  readonly resetSeconds: number;
  readonly allowed: boolean;
}

/** A request costs one unit per started MiB of its body, at least one: an import of a 30 MiB dump costs 30. */
export const UNIT_BYTES = 2 ** 20;

/** The path Mercurius serves GraphQL on (GraphQLModule `path` in app.module.ts). */
export const GRAPHQL_PATH = '/graphql';

/**
 * Per request: the decision that charged it (null: no limit applies), so a request is charged once
 * whichever path sees it first. A WeakMap, not a property: adding one to some requests would give
 * Fastify's request objects two shapes on the hot path.
 */
const CHARGED = new WeakMap<FastifyRequest, RateDecision | null>();

/** Open windows above this many trigger a sweep of the ended ones (each entry is ~100 bytes). */
const SWEEP_FLOOR = 10_000;

/**
 * Rate limits per API key (its id, so a tenant's keys are counted apart) and for the operator
 * token: `perKey` / `perOperator` units per fixed window of `windowSeconds`, the window starting
 * with the first request after the previous one ended. A request costs 1 unit per started MiB of
 * its body (at least 1), so a bulk import counts by its size (REST `/import`, whose body may be
 * 512 MiB, and the GraphQL `importManifests`, whose document is the request body). A request that
 * would cost more than the whole quota is charged the whole quota: it waits for an untouched window.
 * A refused request costs nothing. A limit of 0 turns it off, and then no headers are sent.
 *
 * Counted in memory, per instance, not in PostgreSQL. A shared counter would be exact across
 * replicas, but it would put a database write (an upsert, with row-lock contention for a busy key)
 * on every request, including the analyses answered from memory (AnswerMemo) in microseconds,
 * which would then cost more to count than to answer; and during a database outage every request
 * would fail at the counter, even the ones memory can still answer. The price of memory: with N
 * replicas behind a load balancer a key gets up to N × its limit, and a restart forgets the counts.
 * That is the usual trade for an abuse and fairness bound (set the limit per replica accordingly);
 * it is not a billing meter.
 *
 * Charged where the credential is first accepted, once per request: the AuthGuard (REST routes),
 * the GraphQL admission hook (before the document is parsed, so an over-limit GraphQL request is a
 * real HTTP 429), and AnswerMemo's hook (a remembered answer is served before Nest runs). Routes
 * that need no credential (`/health`, `/docs`, `/graphiql`, `/ui`) are never charged, and neither
 * is a request whose credential is missing or not valid.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();
  private sweepAt = SWEEP_FLOOR;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Charges this request to `subject` (once: later calls return the first decision), writes the
   * `RateLimit-Policy` and `RateLimit` headers on the reply, and `Retry-After` when it is refused.
   * Null when no limit applies.
   */
  admit(request: FastifyRequest, reply: FastifyReply, subject: RateSubject): RateDecision | null {
    if ((subject.kind === 'key' ? this.limits.perKey : this.limits.perOperator) <= 0) return null;
    const known = CHARGED.get(request);
    if (known !== undefined) return known;
    const decision = this.take(subject, unitsOf(request));
    CHARGED.set(request, decision);
    if (decision !== null) {
      void reply.header('RateLimit-Policy', `"${decision.policy}";q=${decision.quota};w=${decision.windowSeconds}`);
      void reply.header('RateLimit', `"${decision.policy}";r=${decision.remaining};t=${decision.resetSeconds}`);
      if (!decision.allowed) void reply.header('Retry-After', String(decision.resetSeconds));
    }
    return decision;
  }

  /** Takes `units` from the subject's current window if they are left; null when its limit is 0. */
  take(subject: RateSubject, units: number): RateDecision | null {
    const quota = subject.kind === 'key' ? this.limits.perKey : this.limits.perOperator;
    if (quota <= 0) return null;
    const windowMs = this.limits.windowSeconds * 1000;
    const now = this.now();
    const id = subject.kind === 'key' ? `key:${subject.keyId}` : 'operator';
    let window = this.windows.get(id);
    if (window === undefined || now >= window.start + windowMs) {
      if (window === undefined && this.windows.size >= this.sweepAt) this.sweep(now, windowMs);
      window = { start: now, used: 0 };
      this.windows.set(id, window);
    }
    const cost = Math.min(units, quota);
    const allowed = window.used + cost <= quota;
    if (allowed) window.used += cost;
    const resetSeconds = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000));
    return {
      policy: subject.kind,
      quota,
      windowSeconds: this.limits.windowSeconds,
      cost,
      remaining: quota - window.used,
      resetSeconds,
      allowed,
    };
  }

  /**
   * A preHandler for the GraphQL route: charges the request to the key it presents before
   * Mercurius parses or runs the document, and answers a refusal itself, as HTTP 429 with a
   * GraphQL body holding one typed error (RATE_LIMITED). A missing or invalid key passes through
   * uncharged (the guard answers it). Added to the route by `meterGraphql`.
   */
  graphqlAdmission(identify: (request: FastifyRequest) => Promise<RateSubject | null>): preHandlerHookHandler {
    return (request, reply, done) => {
      identify(request).then(
        (subject) => {
          const decision = subject === null ? null : this.admit(request, reply, subject);
          if (decision === null || decision.allowed) return done();
          void reply
            .code(429)
            .type('application/json; charset=utf-8')
            .send({ data: null, errors: [graphqlErrorOf(rateLimited(decision), String(request.id)).toJSON()] });
        },
        () => done(),
      ); // a failed key lookup: the guard meets it again and answers it
    };
  }

  /** Route options with the GraphQL admission hook first among the preHandlers (for an onRoute hook); others unchanged. */
  meterGraphql(route: RouteOptions, identify: (request: FastifyRequest) => Promise<RateSubject | null>): void {
    if (route.url !== GRAPHQL_PATH) return;
    const own =
      route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [this.graphqlAdmission(identify), ...own];
  }

  /** Drops the windows that have ended; the next sweep waits until the map has doubled. */
  private sweep(now: number, windowMs: number): void {
    for (const [id, w] of this.windows) if (now >= w.start + windowMs) this.windows.delete(id);
    this.sweepAt = Math.max(SWEEP_FLOOR, 2 * this.windows.size);
  }
}

/** 1 unit per started MiB of the body (its declared length, else the raw body's), at least 1. */
export function unitsOf(request: FastifyRequest): number {
  const declared = Number(request.headers['content-length']);
  const body: unknown = request.body;
  const bytes =
    Number.isSafeInteger(declared) && declared >= 0
      ? declared
      : Buffer.isBuffer(body)
        ? body.length
        : typeof body === 'string'
          ? Buffer.byteLength(body)
          : 0;
  return Math.max(1, Math.ceil(bytes / UNIT_BYTES));
}

/** The 429 for a refused request: which limit, how it is set, what the request costs, when to retry. */
export function rateLimited(decision: RateDecision): DomainError {
  const [who, variable] =
    decision.policy === 'key'
      ? ['this API key', 'SVCPATH_RATE_LIMIT']
      : ['the operator token', 'SVCPATH_OPERATOR_RATE_LIMIT'];
  return new DomainError(
    'RATE_LIMITED',
    `rate limit reached: ${who} may use ${decision.quota} units per ${decision.windowSeconds} s ` +
      `(${variable} per SVCPATH_RATE_LIMIT_WINDOW_S; a request costs 1 unit per started MiB of its body, at least 1); ` +
      `this request costs ${decision.cost} and ${decision.remaining} ${decision.remaining === 1 ? 'is' : 'are'} left; retry in ${decision.resetSeconds} s`,
  );
}

import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onSendHookHandler,
  preHandlerHookHandler,
  preSerializationHookHandler,
} from 'fastify';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Observable, tap } from 'rxjs';
import { ApiKeyAuthenticator, bearerToken } from '../../common/auth';
import { CompressedSlot, gzipJsonHook } from '../../common/compression';
import { AnalysisService } from './analysis.service';
import { CACHE_OPTIONS, CacheOptions, CompiledTopology, ModelCache } from './model-cache';

/** A compiled model an answer was computed from. */
interface Source {
  readonly tenantId: string;
  readonly clusterId: string;
  readonly version: number;
}
/** A remembered response: its JSON, the models it came from, and its gzip form once a client asked for it. */
class Remembered implements CompressedSlot {
  gzip: Buffer | undefined = undefined;

  constructor(
    readonly question: string,
    readonly json: string,
    readonly sources: readonly Source[],
    private readonly memo: AnswerMemo,
  ) {}

  get size(): number {
    return this.json.length + (this.gzip?.length ?? 0);
  }

  /** Kept only while the memo holds this response (and counted against its bound). */
  keepGzip(body: Buffer): void {
    if (this.gzip === undefined) this.memo.grew(this, body);
  }
}

/** The REST analyses that are answered from AnswerMemo (all read-only, any key scope). */
const REST_ROUTES = new Set([
  'POST /v1/clusters/:clusterId/reachability',
  'POST /v1/clusters/:clusterId/trace',
  'GET /v1/clusters/:clusterId/services/:namespace/:name/matrix',
  'GET /v1/clusters/:clusterId/namespaces/:namespace/matrix',
]);
const GRAPHQL_ROUTE = 'POST /graphql';
/** Not remembered (its answer is for a proposed change), but its answers are as large: compressed too. */
const WHAT_IF_ROUTE = 'POST /v1/clusters/:clusterId/what-if';
/** GraphQL root fields answered purely from one compiled model (each records its source). */
const GRAPHQL_FIELDS = new Set(['reachability', 'trace', 'matrix', 'namespaceMatrix']);

type MemoRequest = FastifyRequest & {
  /** This request's question (set in preHandler when it may be answered from, or kept in, the memo). */
  memoQuestion?: string;
  /** The remembered response this request was answered from (set in preHandler), or that it was just remembered as (onSend). */
  memoEntry?: Remembered;
  answerSources?: CompiledTopology[];
};

/**
 * Whole responses of the read-only analyses, remembered by question and served again while the
 * models they were computed from are current. An analysis is a pure function of (model version,
 * question): dashboards and CI checks ask the same questions over and over, and the answer is
 * then the same bytes. Correctness rests on three rules:
 * - a response is remembered only after the full pipeline (auth guard, validation, service) has
 *   produced it with status 200, together with the compiled models it used (its sources);
 * - it is served again only to a caller whose key the authenticator currently accepts (its
 *   2 s cache, invalidated on revocation), of the same tenant (the key holds the tenant);
 * - and only while every source is the model ModelCache.peek would serve now (same version,
 *   confirmed within `freshMs`): the same freshness guarantee as any analysis.
 * Anything else (an unknown or revoked key, a stale or unloaded model, a new question) goes
 * through the normal pipeline. Bounded: least recently used responses go beyond `answerBytes` in all.
 */
@Injectable()
export class AnswerMemo {
  /** Remembered responses by question, each weighing its `size`; the least recently used go first past `answerBytes`. */
  private readonly entries: LRUCache<string, Remembered>;

  constructor(
    @Inject(CACHE_OPTIONS) private readonly options: CacheOptions,
    private readonly cache: ModelCache,
    private readonly keys: ApiKeyAuthenticator,
    private readonly analyses: AnalysisService,
  ) {
    // answerBytes 0 installs no hooks, so nothing is ever stored (LRUCache needs a positive bound).
    this.entries = new LRUCache({ maxSize: Math.max(1, options.answerBytes), sizeCalculation: (entry) => entry.size });
  }

  /**
   * Serves remembered responses (preHandler) and remembers new ones (onSend), as hooks of the
   * memoised routes only (added as each route is registered, so call this before the routes are),
   * so no other route pays for them and the route is known without looking at the request.
   * The analysis routes (and what-if) also send large answers gzip-compressed to clients that
   * accept it; a remembered answer keeps its compressed form, so it is compressed once.
   */
  install(fastify: FastifyInstance): void {
    const compress = gzipJsonHook((request: MemoRequest) => request.memoEntry);
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const names = methods.map((m) => `${m} ${route.url}`);
      const memoised = names.find((n) => REST_ROUTES.has(n) || n === GRAPHQL_ROUTE);
      if (memoised !== undefined && this.options.answerBytes > 0) {
        route.preHandler = [...hooksOf(route.preHandler), this.serveHook(memoised)];
        // A REST answer's source is read off the object the handler returned, before it is
        // serialised (GraphQL resolvers record theirs with AnswerSourceInterceptor).
        if (memoised !== GRAPHQL_ROUTE)
          route.preSerialization = [...hooksOf(route.preSerialization), this.sourceHook()];
        route.onSend = [...hooksOf(route.onSend), this.rememberHook(memoised)];
      }
      if (memoised !== undefined || names.includes(WHAT_IF_ROUTE)) route.onSend = [...hooksOf(route.onSend), compress];
    });
  }

  private serveHook(route: string): preHandlerHookHandler {
    return (request: MemoRequest, reply, done) => {
      const token = bearerToken(request.headers.authorization);
      if (token === null) return done(); // the guard answers 401
      const cached = this.keys.cached(token);
      if (cached !== null)
        return this.admit(request, reply, cached) ? this.answer(request, reply, route, cached.tenantId, done) : done();
      // The key's cache entry lapsed (every few seconds): look it up once for all the requests
      // presenting it, rather than sending each of them through the whole pipeline meanwhile.
      this.keys.authenticate(token).then(
        (key) =>
          key === null || key.revokedAt !== null || !this.admit(request, reply, key)
            ? done()
            : this.answer(request, reply, route, key.tenantId, done),
        () => done(),
      );
    };
  }

  /**
   * Charges the request to its key (rate-limit.ts), as the guard would: a remembered answer counts
   * like a computed one. False when refused: the request goes on to the guard, which answers the 429.
   */
  private admit(request: FastifyRequest, reply: FastifyReply, key: { id: string }): boolean {
    const decision = this.keys.rate.admit(request, reply, { kind: 'key', keyId: key.id });
    return decision === null || decision.allowed;
  }

  /** Sends the remembered answer to this question if there is a current one, else lets the request through. */
  private answer(
    request: MemoRequest,
    reply: FastifyReply,
    route: string,
    tenantId: string,
    done: HookHandlerDoneFunction,
  ): void {
    const question = this.question(request, route, tenantId);
    // A body too deep to write out is no question to remember: validation refuses it.
    if (question === null) return done();
    request.memoQuestion = question;
    const remembered = this.entries.peek(question); // used (recency) only once found current
    if (remembered === undefined) return done();
    const serve = (current: boolean): void => {
      if (!current) return done();
      this.entries.get(question); // now the most recently used, if still held
      request.memoEntry = remembered;
      void reply.type('application/json; charset=utf-8').send(remembered.json);
    };
    const current = this.current(remembered.sources);
    if (typeof current === 'boolean') serve(current);
    else current.then(serve, () => done());
  }

  /** Records the compiled model a REST answer came from (what AnswerSourceInterceptor does for resolvers). */
  private sourceHook(): preSerializationHookHandler<unknown> {
    return (request: MemoRequest, _reply, payload, done) => {
      const source = typeof payload === 'object' && payload !== null ? this.analyses.topologyOf(payload) : undefined;
      if (source !== undefined) (request.answerSources ??= []).push(source);
      done(null, payload);
    };
  }

  private rememberHook(route: string): onSendHookHandler {
    return (request: MemoRequest, reply, payload, done) => {
      if (request.memoEntry === undefined && reply.statusCode === 200 && typeof payload === 'string')
        this.remember(request, route, payload);
      done(null, payload);
    };
  }

  stats(): { answers: number; bytes: number } {
    return { answers: this.entries.size, bytes: this.entries.calculatedSize };
  }

  /** Tenant + route + path and query parameters + body: the question, as asked by this caller. */
  private question(request: MemoRequest, route: string, tenantId: string): string | null {
    try {
      return `${tenantId}\n${route}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.query ?? null)}\n${JSON.stringify(request.body ?? null)}`;
    } catch {
      return null;
    }
  }

  /**
   * Whether every source is the model an analysis would use now. Decided at once when the models
   * are fresh in memory; otherwise after ModelCache.get has confirmed (or reloaded) them, which is
   * one version query shared by every request waiting on that cluster, so a busy question does
   * not fall back to computing its answer each time the freshness window lapses.
   */
  private current(sources: readonly Source[]): boolean | Promise<boolean> {
    let stale: Source[] | null = null;
    for (const s of sources) {
      const topology = this.cache.peek(s.tenantId, s.clusterId);
      if (topology === null) (stale ??= []).push(s);
      else if (topology.cluster.version !== s.version) return false;
    }
    if (stale === null) return true;
    return Promise.all(stale.map((s) => this.cache.get(s.tenantId, s.clusterId))).then((topologies) =>
      topologies.every((t, i) => t.cluster.version === (stale as Source[])[i].version),
    );
  }

  private remember(request: MemoRequest, route: string, json: string): void {
    const sources = request.answerSources;
    // (An empty body is not kept: LRUCache sizes must be positive.)
    if (sources === undefined || sources.length === 0 || json === '' || json.length > this.options.answerBytes / 4)
      return;
    if (route === GRAPHQL_ROUTE && !graphqlAnswersOnly(request.body, sources.length)) return;
    // Set in preHandler for every request whose key was accepted there (all that can succeed).
    const question = request.memoQuestion;
    if (question === undefined) return;
    const entry = new Remembered(
      question,
      json,
      sources.map((t) => ({ tenantId: t.cluster.tenantId, clusterId: t.cluster.id, version: t.cluster.version })),
      this,
    );
    this.entries.set(question, entry); // replaces an earlier answer; least recently used ones go past the bound
    request.memoEntry = entry;
  }

  /**
   * A remembered response got its compressed form: kept, and counted, while the response is held
   * (set again at its new size, which also makes it the most recently used: it was just sent).
   */
  grew(entry: Remembered, gzip: Buffer): void {
    if (this.entries.peek(entry.question) !== entry) return;
    entry.gzip = gzip;
    this.entries.set(entry.question, entry);
  }
}

/** A route option that may hold one hook, several, or none, as a list. */
function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/**
 * Whether a GraphQL request is one query operation whose root selections are all analysis fields
 * (no fragments, no other fields), and every one of them recorded its source (none failed).
 */
function graphqlAnswersOnly(body: unknown, sources: number): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return false;
  let operations: OperationDefinitionNode[];
  try {
    operations = parse(query).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
  } catch {
    return false;
  }
  const op = operations.length === 1 ? operations[0] : operations.find((o) => o.name?.value === operationName);
  if (op === undefined || op.operation !== 'query') return false;
  const fields = op.selectionSet.selections;
  return fields.length === sources && fields.every((f) => f.kind === Kind.FIELD && GRAPHQL_FIELDS.has(f.name.value));
}

/**
 * Records, on the request, the compiled model an analysis answer came from (AnswerMemo keeps the
 * response only when every answer in it recorded one). For GraphQL resolvers; the REST routes
 * record theirs in AnswerMemo's preSerialization hook, without an interceptor's cost on each request.
 */
@Injectable()
export class AnswerSourceInterceptor implements NestInterceptor {
  constructor(private readonly service: AnalysisService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request =
      ctx.getType<GqlContextType>() === 'graphql'
        ? GqlExecutionContext.create(ctx).getContext<{ req: MemoRequest }>().req
        : ctx.switchToHttp().getRequest<MemoRequest>();
    return next.handle().pipe(
      tap((answer: unknown) => {
        const source = typeof answer === 'object' && answer !== null ? this.service.topologyOf(answer) : undefined;
        if (source !== undefined) (request.answerSources ??= []).push(source);
      }),
    );
  }
}

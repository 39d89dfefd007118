/**
 * Every bound the service puts on a request, a connection, a client and a shutdown: one place,
 * read from the environment once at boot (see README, "Configuration"). Tests and tools pass
 * their own through `createApp({ limits })`; what they leave out is DEFAULT_LIMITS.
 */
/** Nest injection token for the app's Limits. */
export const LIMITS = Symbol('LIMITS');

export interface GraphqlLimits {
  /** Deepest field nesting an operation may have (fragments expanded, introspection left out). */
  readonly maxDepth: number;
  /** Most aliased fields in one document. */
  readonly maxAliases: number;
  /** Most field selections in the operation run (fragments expanded, introspection left out). */
  readonly maxFields: number;
  /** Highest cost an operation may have: a scalar costs 1; an analysis field costs what it costs (see modules/graphql/cost-model). */
  readonly maxCost: number;
  /** Most lexical tokens in a document; the parser stops at the first one over. */
  readonly maxTokens: number;
  /** Whether introspection queries are answered. */
  readonly introspection: boolean;
  /** Whether the GraphiQL playground is served at /graphiql. */
  readonly playground: boolean;
}

export interface HttpLimits {
  /** Whole request (headers and body) must arrive within this, in ms; else 408. */
  readonly requestTimeoutMs: number;
  /** Headers must arrive within this, in ms. */
  readonly headersTimeoutMs: number;
  /** An idle kept-alive connection is closed after this, in ms. */
  readonly keepAliveTimeoutMs: number;
  /** On SIGTERM/SIGINT, in-flight requests get this long to finish, in ms. */
  readonly shutdownGraceMs: number;
}

export interface RateLimits {
  /** Requests per API key per window; 0 = no limit. */
  readonly perKey: number;
  /** Requests per operator token per window; 0 = no limit. */
  readonly perOperator: number;
  /** Window length in seconds. */
  readonly windowSeconds: number;
}

export interface Limits {
  readonly graphql: GraphqlLimits;
  readonly http: HttpLimits;
  readonly rate: RateLimits;
}

export const DEFAULT_LIMITS: Limits = {
  // Every documented query (README, docs/, the tests', the playground's, the benchmark's) is well
  // under these: at most 7 deep, 3 aliases, 154 fields, cost 1,600 (a 50-row page, 30 selections a row)
  // and 256 tokens (test/api/graphql-limits.spec.ts measures them). A cost of 5,000 is 24
  // reachabilities or a 500-row page of 9 fields; 10,000 tokens hold 1,000 fields with arguments.
  graphql: {
    maxDepth: 12,
    maxAliases: 30,
    maxFields: 1_000,
    maxCost: 5_000,
    maxTokens: 10_000,
    introspection: true,
    playground: true,
  },
  http: { requestTimeoutMs: 120_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, shutdownGraceMs: 25_000 },
  rate: { perKey: 1_200, perOperator: 120, windowSeconds: 60 },
};

/** Deep-merges what a caller gives over the defaults. */
export function limitsWith(given: LimitsOverrides = {}): Limits {
  return {
    graphql: { ...DEFAULT_LIMITS.graphql, ...given.graphql },
    http: { ...DEFAULT_LIMITS.http, ...given.http },
    rate: { ...DEFAULT_LIMITS.rate, ...given.rate },
  };
}

export interface LimitsOverrides {
  readonly graphql?: Partial<GraphqlLimits>;
  readonly http?: Partial<HttpLimits>;
  readonly rate?: Partial<RateLimits>;
}

export class LimitsConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LimitsConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new LimitsConfigError(`${name} must be "true" or "false", got "${raw}"`);
}

/** The limits the environment sets; introspection and the playground default off when NODE_ENV=production. */
export function readLimits(env: NodeJS.ProcessEnv): Limits {
  const d = DEFAULT_LIMITS;
  const production = env.NODE_ENV === 'production';
  return {
    graphql: {
      maxDepth: integer(env, 'SVCPATH_GRAPHQL_MAX_DEPTH', d.graphql.maxDepth, 1, 1_000),
      maxAliases: integer(env, 'SVCPATH_GRAPHQL_MAX_ALIASES', d.graphql.maxAliases, 0, 100_000),
      maxFields: integer(env, 'SVCPATH_GRAPHQL_MAX_FIELDS', d.graphql.maxFields, 1, 1_000_000),
      maxCost: integer(env, 'SVCPATH_GRAPHQL_MAX_COST', d.graphql.maxCost, 1, 100_000_000),
      maxTokens: integer(env, 'SVCPATH_GRAPHQL_MAX_TOKENS', d.graphql.maxTokens, 100, 10_000_000),
      introspection: flag(env, 'SVCPATH_GRAPHQL_INTROSPECTION', !production),
      playground: flag(env, 'SVCPATH_GRAPHIQL', !production),
    },
    http: {
      requestTimeoutMs: integer(env, 'SVCPATH_REQUEST_TIMEOUT_MS', d.http.requestTimeoutMs, 1_000, 3_600_000),
      headersTimeoutMs: integer(env, 'SVCPATH_HEADERS_TIMEOUT_MS', d.http.headersTimeoutMs, 500, 600_000),
      keepAliveTimeoutMs: integer(env, 'SVCPATH_KEEP_ALIVE_TIMEOUT_MS', d.http.keepAliveTimeoutMs, 100, 3_600_000),
      shutdownGraceMs: integer(env, 'SVCPATH_SHUTDOWN_GRACE_MS', d.http.shutdownGraceMs, 0, 3_600_000),
    },
    rate: {
      perKey: integer(env, 'SVCPATH_RATE_LIMIT', d.rate.perKey, 0, 100_000_000),
      perOperator: integer(env, 'SVCPATH_OPERATOR_RATE_LIMIT', d.rate.perOperator, 0, 100_000_000),
      windowSeconds: integer(env, 'SVCPATH_RATE_LIMIT_WINDOW_S', d.rate.windowSeconds, 1, 86_400),
    },
  };
}

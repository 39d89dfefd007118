import { ArgumentMetadata, DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { DomainError } from './common/domain-error';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { ADMIN_TOKEN, ApiKeyAuthenticator, AuthGuard } from './common/auth';
import { graphqlErrorOf, MAX_ISSUES, ProblemFilter, RETRY_AFTER_S, validationError } from './common/errors';
import { Lifecycle } from './common/lifecycle';
import { cacheValidationMetadata } from './common/validation-metadata-cache';
import { VALIDATION_PIPE } from './common/validation-pipe';
import { LIMITS, limitsWith, LimitsOverrides } from './config/limits';
import { checkFieldsAndCost, limitRules, tokenLimitError } from './modules/graphql/graphql-limits';
import { DATABASE_URL, PrismaService } from './prisma/prisma.service';
import { ClustersController } from './modules/clusters/clusters.controller';
import { ClustersResolver } from './modules/clusters/clusters.resolver';
import { ClustersService } from './modules/clusters/clusters.service';
import { GraphiqlController } from './modules/docs/graphiql.controller';
import { HealthController } from './modules/health/health.controller';
import { NodesController } from './modules/nodes/nodes.controller';
import { NodesResolver } from './modules/nodes/nodes.resolver';
import { NodesService } from './modules/nodes/nodes.service';
import { PodsController } from './modules/pods/pods.controller';
import { PodsResolver } from './modules/pods/pods.resolver';
import { PodsService } from './modules/pods/pods.service';
import { ServicesController } from './modules/services/services.controller';
import { ServicesResolver } from './modules/services/services.resolver';
import { ServicesService } from './modules/services/services.service';
import { TenantsController } from './modules/tenants/tenants.controller';
import { TenantsResolver } from './modules/tenants/tenants.resolver';
import { TenantsService } from './modules/tenants/tenants.service';
import { ClusterStore } from './modules/topology/cluster-store';
import { AnalysisController } from './modules/analysis/analysis.controller';
import { AnalysisResolver } from './modules/analysis/analysis.resolver';
import { AnalysisService } from './modules/analysis/analysis.service';
import { AnswerMemo } from './modules/analysis/answer-memo';
import { CACHE_OPTIONS, CacheOptions, DEFAULT_CACHE_OPTIONS, ModelCache } from './modules/analysis/model-cache';
import { TopologyLoader } from './modules/analysis/topology-loader';
import { ChangeFeed } from './prisma/change-feed';
import { LISTEN_DATABASE_URL } from './prisma/database-url';
import { ImportBodyParsers } from './modules/import/import-body';
import { ImportController } from './modules/import/import.controller';
import { ImportResolver } from './modules/import/import.resolver';
import { ImportService } from './modules/import/import.service';
import { UiModule } from './modules/ui/ui.module';
import { NamespacesController } from './modules/network-policies/namespaces.controller';
import { NamespacesResolver } from './modules/network-policies/namespaces.resolver';
import { NamespacesService } from './modules/network-policies/namespaces.service';
import { NetworkPoliciesController } from './modules/network-policies/network-policies.controller';
import { NetworkPoliciesResolver } from './modules/network-policies/network-policies.resolver';
import { NetworkPoliciesService } from './modules/network-policies/network-policies.service';
import { METRICS_CONTROLLERS, metricsProviders, MetricsOptions } from './modules/metrics/metrics.module';

export interface AppOptions {
  /** Runtime database URL: a role subject to row-level security. */
  readonly databaseUrl: string;
  /** Direct URL the change feed LISTENs on (LISTEN does not survive a transaction-mode pooler); unset: databaseUrl. */
  readonly listenDatabaseUrl?: string | null;
  /** Operator token for creating tenants; null disables those routes. */
  readonly adminToken: string | null;
  readonly cache?: Partial<CacheOptions>;
  /** Bounds on requests, GraphQL documents, clients and shutdown; unset ones are DEFAULT_LIMITS. */
  readonly limits?: LimitsOverrides;
  /** Where /metrics is served (token, own port); unset: nowhere. */
  readonly metrics?: MetricsOptions;
}

/** Statuses a GraphQL request refused as a whole answers with (see the errorFormatter); others are 400. */
const WHOLE_REQUEST_STATUSES: readonly number[] = [413, 415, 429, 503];

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const graphqlLimits = limitsWith(options.limits).graphql;
    return {
      module: AppModule,
      imports: [
        UiModule,
        GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: false,
          jit: 1,
          path: '/graphql',
          context: (req: FastifyRequest, reply: FastifyReply) => ({ req, reply }),
          // The limits (modules/graphql/graphql-limits): tokens at parse, depth and aliases (and
          // introspection when it is off) with the validation rules, fields and cost with the
          // request's variables just before execution. Each refusal is QUERY_TOO_COMPLEX.
          graphql: { parseOptions: { maxTokens: graphqlLimits.maxTokens } },
          validationRules: limitRules(graphqlLimits),
          hooks: {
            preExecution: (schema, document, context, variables) => {
              const body = context.reply?.request.body as { operationName?: unknown } | undefined;
              const query = context.reply?.request.query as { operationName?: unknown } | undefined;
              const operationName = body?.operationName ?? query?.operationName;
              const refused = checkFieldsAndCost(
                graphqlLimits,
                schema,
                document,
                variables,
                typeof operationName === 'string' ? operationName : undefined,
              );
              if (refused) throw refused;
            },
          },
          errorFormatter: (execution, context) => {
            // Resolver errors already are typed GraphQLErrors (ProblemFilter); keep HTTP 200 with
            // `errors`, as GraphQL clients expect, and never leak anything else.
            const requestId = String((context as { reply?: FastifyReply }).reply?.request.id ?? 'unknown');
            // Mercurius folds document validation errors into one error that holds them in `errors`.
            const flat = (execution.errors ?? []).flatMap((error) => {
              const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
              return Array.isArray(inner) && inner.every((e) => e instanceof GraphQLError)
                ? (inner as GraphQLError[])
                : [error];
            });
            const errors = flat.slice(0, MAX_ISSUES).map((error) => {
              if (error.extensions?.code) return error;
              const tooManyTokens = tokenLimitError(error);
              if (tooManyTokens) return tooManyTokens;
              // No original error: graphql-js rejected the document or its variables (user input).
              // An original GraphQLError: a variable's value failed coercion (an enum value the
              // type lacks: `Variable "$i" got invalid value "X" at "i.type"; ...`), user input too.
              if (!error.originalError || error.originalError instanceof GraphQLError) {
                // graphql-js quotes the document and variable values in its messages: cut, so a huge input is not echoed.
                const message = error.message.length > 500 ? `${error.message.slice(0, 500)}…` : error.message;
                return new GraphQLError(message, {
                  nodes: error.nodes,
                  path: error.path,
                  extensions: { code: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
                });
              }
              return graphqlErrorOf(error.originalError, requestId, error);
            });
            // A request refused as a whole answers the HTTP status of its problem when that status is
            // about the request itself (too large, wrong type, too many requests, unavailable); 400 otherwise.
            const whole = errors
              .map((e) => e.extensions.status)
              .find((s): s is number => typeof s === 'number' && WHOLE_REQUEST_STATUSES.includes(s));
            const rejected =
              execution.data === undefined ||
              (execution.data === null &&
                errors.every(
                  (e) => e.extensions.status === 400 || WHOLE_REQUEST_STATUSES.includes(e.extensions.status as number),
                ));
            const reply = (context as { reply?: FastifyReply }).reply;
            if (rejected && whole === 503 && reply && !reply.hasHeader('retry-after'))
              void reply.header('retry-after', String(RETRY_AFTER_S));
            return {
              statusCode: rejected ? (whole ?? 400) : 200,
              response: { data: execution.data ?? null, errors: errors.map((e) => e.toJSON()) },
            };
          },
        }),
      ],
      controllers: [
        HealthController,
        TenantsController,
        ClustersController,
        NodesController,
        PodsController,
        ServicesController,
        NamespacesController,
        NetworkPoliciesController,
        AnalysisController,
        ImportController,
        GraphiqlController,
        ...METRICS_CONTROLLERS,
      ],
      providers: [
        { provide: DATABASE_URL, useValue: options.databaseUrl },
        { provide: LISTEN_DATABASE_URL, useValue: options.listenDatabaseUrl ?? options.databaseUrl },
        { provide: ADMIN_TOKEN, useValue: options.adminToken },
        { provide: LIMITS, useValue: limitsWith(options.limits) },
        { provide: CACHE_OPTIONS, useValue: { ...DEFAULT_CACHE_OPTIONS, ...options.cache } },
        Lifecycle,
        PrismaService,
        ChangeFeed,
        ApiKeyAuthenticator,
        ClusterStore,
        TopologyLoader,
        ModelCache,
        AnalysisService,
        AnalysisResolver,
        AnswerMemo,
        TenantsService,
        TenantsResolver,
        ClustersService,
        ClustersResolver,
        NodesService,
        NodesResolver,
        PodsService,
        PodsResolver,
        ServicesService,
        ServicesResolver,
        NamespacesService,
        NamespacesResolver,
        NetworkPoliciesService,
        NetworkPoliciesResolver,
        ImportService,
        ImportResolver,
        ImportBodyParsers,
        ...metricsProviders(options.metrics),
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        {
          provide: VALIDATION_PIPE,
          useValue: validationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
            exceptionFactory: validationError,
          }),
        },
        { provide: APP_PIPE, useExisting: VALIDATION_PIPE },
      ],
    };
  }
}

/** The one validation pipe (REST bodies and params, GraphQL arguments), with class-validator's metadata lookups memoised. */
function validationPipe(options: ConstructorParameters<typeof ValidationPipe>[0]): ValidationPipe {
  cacheValidationMetadata();
  return new BodyValidationPipe(options);
}

/** Body types that are not input classes (raw bodies such as the import's): left as they come. */
const RAW_BODIES: readonly unknown[] = [Object, Array, String, Number, Boolean, Buffer];

/** The validation pipe, refusing a JSON body that is not an object (null, an array, a number, a string) before it is taken for `{}`. */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const input =
      metadata.type === 'body' && typeof metadata.metatype === 'function' && !RAW_BODIES.includes(metadata.metatype);
    if (input && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new DomainError('VALIDATION_FAILED', 'body: must be a JSON object', [
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param')
      checkShape(value, metadata.type === 'body' ? 'body' : (metadata.data ?? metadata.type));
    return super.transform(value, metadata);
  }
}

/** Deeper than this, a request's JSON is refused before validation (which recurses: 10,000 levels overflowed the stack). */
export const MAX_INPUT_DEPTH = 32;

/**
 * Walks an input without recursion: nested deeper than MAX_INPUT_DEPTH, or a string holding a NUL
 * character (PostgreSQL refuses them in text, 22021), is a 400 naming where.
 */
function checkShape(value: unknown, root: string): void {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        throw new DomainError('VALIDATION_FAILED', `${path}: must not contain a NUL character`, [
          { field: path, message: 'must not contain a NUL character' },
        ]);
      continue;
    }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue;
    if (depth >= MAX_INPUT_DEPTH)
      throw new DomainError('VALIDATION_FAILED', `${path}: nested deeper than ${MAX_INPUT_DEPTH} levels`, [
        { field: path, message: `nested deeper than ${MAX_INPUT_DEPTH} levels` },
      ]);
    for (const [k, child] of Object.entries(v))
      stack.push({ v: child, path: Array.isArray(v) ? `${path}[${k}]` : `${path}.${k}`, depth: depth + 1 });
  }
}

import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { unsupportedType } from '../modules/import/import-body';
import { DomainError, ErrorCode, FieldIssue, STATUS_OF } from './domain-error';
import { Problem, problemOf } from './errors';
import { rateLimited } from './rate-limit';

/** The request id the examples carry (the app gives each request a UUID unless the client sent x-request-id). */
const EXAMPLE_REQUEST_ID = '6f1d3c2a-8b4e-4f0a-9c7d-2e5b8a1f4c90';

class FieldIssueView {
  @ApiProperty({ example: 'ports[0].nodePort' }) field!: string;
  @ApiProperty({ example: "must be in the cluster's NodePort range 30000-32767" }) message!: string;
}

/** RFC 9457 problem details, as every 4xx/5xx answer carries them. */
export class ProblemView {
  @ApiProperty({
    example: 'https://svcpath.dev/problems/validation-failed',
    description: '`https://svcpath.dev/problems/<code in kebab case>`; `about:blank` for an internal error.',
  })
  type!: string;
  @ApiProperty({ example: 'Invalid input' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: "ports[0].nodePort: must be in the cluster's NodePort range 30000-32767" }) detail!: string;
  @ApiProperty({ example: 'VALIDATION_FAILED', enum: [...Object.keys(STATUS_OF), 'INTERNAL'] })
  code!: string;
  @ApiPropertyOptional({
    type: [FieldIssueView],
    description: 'Each offending field of the input, when the problem is about fields.',
  })
  errors?: FieldIssueView[];
  @ApiPropertyOptional({
    description: 'The id of the rule the input broke, when one did.',
    example: 'CCE-ELB-PASSTHROUGH-IPVS-SAME-LB',
  })
  rule?: string;
  @ApiProperty({
    description: 'Quote it when reporting a problem (also in the x-request-id header).',
    example: EXAMPLE_REQUEST_ID,
  })
  requestId!: string;
}

/**
 * One documented error answer: the problem exactly as the exception filter renders it (built with
 * the filter's own problemOf), under a short name for the Swagger UI example list.
 */
export interface ProblemExample {
  readonly summary: string;
  readonly value: Problem;
}

const example = (summary: string, error: unknown): ProblemExample => ({
  summary,
  value: problemOf(error, EXAMPLE_REQUEST_ID),
});

/** Builders for a route's error examples; each gives what the app really answers for that cause. */
export const Problems = {
  /** A 400 naming one field (a DomainError.invalid, or class-validator's message for it). */
  invalid: (field: string, message: string, summary = `Invalid ${field}`): ProblemExample =>
    example(summary, DomainError.invalid(field, message)),
  /** A 400 from the validation pipe, which reports every offending field at once. */
  validation: (
    issues: readonly FieldIssue[],
    summary = `Invalid ${issues.map((i) => i.field).join(', ')}`,
  ): ProblemExample =>
    example(
      summary,
      new DomainError('VALIDATION_FAILED', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues),
    ),
  /** A 404: `what` as the service names it, e.g. `cluster 1b4e…` or `Service default/backend`. */
  notFound: (what: string, summary = `No such ${what.split(' ')[0]}`): ProblemExample =>
    example(summary, DomainError.notFound(what)),
  conflict: (field: string, message: string, summary = `${field} clashes`): ProblemExample =>
    example(summary, DomainError.conflict(field, message)),
  /** A 422: well-formed input that names something missing or breaks a platform rule (then `rule` names it). */
  unprocessable: (field: string, message: string, summary: string, rule?: string): ProblemExample =>
    example(summary, new DomainError('UNPROCESSABLE', `${field}: ${message}`, [{ field, message }], rule)),
  /** Any other DomainError (e.g. several issues, or a detail that is not `field: message`). */
  of: (
    summary: string,
    code: ErrorCode,
    detail: string,
    issues: readonly FieldIssue[] = [],
    rule?: string,
  ): ProblemExample => example(summary, new DomainError(code, detail, issues, rule)),
} as const;

/** The id the 404 examples use: no object has it. */
export const MISSING_ID = '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d';

export const NO_KEY = example(
  'No Authorization header',
  new DomainError('UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"'),
);
export const BAD_KEY = example(
  'Unknown or revoked key',
  new DomainError('UNAUTHENTICATED', 'the API key is not valid or has been revoked'),
);
export const BAD_OPERATOR_TOKEN = example(
  'Not the operator token',
  new DomainError('UNAUTHENTICATED', 'the operator token is not valid'),
);
export const READ_SCOPE = example(
  'A read-scoped key',
  new DomainError('FORBIDDEN', 'this API key has the read scope; changes need a key with the write scope'),
);
export const NO_OPERATOR_TOKEN = example(
  'No operator token configured',
  new DomainError('FORBIDDEN', 'no operator token is configured on this server (set SVCPATH_ADMIN_TOKEN)'),
);
/** What Fastify answers for a JSON body over REQUEST_LIMIT (here: one of 9 MiB). */
export const TOO_LARGE = example(
  'Body over 8 MiB',
  Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
);
/** What Fastify answers for a body of a type no parser reads (e.g. application/xml). */
export const UNSUPPORTED_TYPE = example('Not JSON', unsupportedType('application/xml', false));
/** A 415 example of a route's own (`unsupportedType`). */
export const example415 = (summary: string, error: DomainError): ProblemExample => example(summary, error);
export const INTERNAL = example('Unexpected failure', new Error('internal'));
/** The 429 of a key over its limit (built by the limiter's own rateLimited; the numbers vary). */
export const RATE_LIMITED = example(
  'Over the rate limit',
  rateLimited({
    policy: 'key',
    quota: 1200,
    windowSeconds: 60,
    cost: 1,
    remaining: 0,
    resetSeconds: 42,
    allowed: false,
  }),
);
/** The 503 while the database cannot be reached (or the server is shutting down). */
export const UNAVAILABLE = example(
  'Database unavailable',
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
);

type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
export type RouteProblems = { readonly [S in ProblemStatus]?: ProblemExample | readonly ProblemExample[] };

/** Every authenticated route: a missing or bad key, and the internal error any route can meet. */
export const AUTHENTICATED: RouteProblems = {
  401: [NO_KEY, BAD_KEY],
  429: RATE_LIMITED,
  500: INTERNAL,
  503: UNAVAILABLE,
};
/** A route that changes something: a read-scoped key is refused. */
export const WRITE: RouteProblems = { 403: READ_SCOPE };
/** A route with a JSON body: too large, or not JSON. */
export const JSON_BODY: RouteProblems = { 413: TOO_LARGE, 415: UNSUPPORTED_TYPE };

const DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Invalid input: `errors` names each offending field.',
  401: 'No valid credentials.',
  403: 'The key may not do this (e.g. a read-scoped key and a change).',
  404: 'No such object for this tenant.',
  409: 'Clashes with an existing object (name, IP, NodePort).',
  413: 'The body is too large.',
  415: 'The body is not of a media type this route reads.',
  422: 'Well-formed but refers to something that does not exist or breaks a platform rule (`rule` names it).',
  429: 'Over the rate limit of this key (or the operator token): retry after `Retry-After` seconds. Every answer to an accepted credential carries `RateLimit-Policy` and `RateLimit`.',
  500: 'The server failed; quote the requestId when reporting it.',
  503: 'The database cannot be reached, or the server is shutting down: retry after `Retry-After` seconds.',
};

/** Headers a status carries, documented with it. */
const HEADERS: Partial<
  Record<ProblemStatus, Record<string, { description: string; schema: { type: 'string' | 'integer' } }>>
> = {
  429: {
    'Retry-After': { description: 'Seconds until the window ends.', schema: { type: 'integer' } },
    RateLimit: {
      description:
        'Units left and seconds to the window\'s end, e.g. `"key";r=0;t=42` (draft-ietf-httpapi-ratelimit-headers).',
      schema: { type: 'string' },
    },
    'RateLimit-Policy': { description: 'Quota and window, e.g. `"key";q=1200;w=60`.', schema: { type: 'string' } },
  },
  503: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } },
};

const keyOf = (summary: string): string =>
  summary
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * Documents the problem+json answers a route can give, each status with its own example(s) built
 * by the exception filter's problemOf. On a controller, `@ApiProblems()` documents what every
 * authenticated route gives (401, 500); on a method, `@ApiProblems({ ...WRITE, ...JSON_BODY, 400: Problems.invalid(…), … })`
 * adds the statuses that route can give (a status given on the method replaces the controller's).
 */
export function ApiProblems(problems: RouteProblems = AUTHENTICATED): ClassDecorator & MethodDecorator {
  const statuses = Object.keys(problems).map(Number) as ProblemStatus[];
  return applyDecorators(
    ApiExtraModels(ProblemView, FieldIssueView),
    ...statuses.map((status) => {
      const given = problems[status]!;
      const list: readonly ProblemExample[] = Array.isArray(given) ? given : [given as ProblemExample];
      for (const p of list) {
        if (p.value.status !== status)
          throw new Error(`the example "${p.summary}" is a ${p.value.status}, documented as a ${status}`);
      }
      const examples = Object.fromEntries(list.map((p) => [keyOf(p.summary), { summary: p.summary, value: p.value }]));
      if (Object.keys(examples).length !== list.length)
        throw new Error(`two ${status} examples share a summary: ${list.map((p) => p.summary).join(', ')}`);
      const content = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemView) }, examples } };
      return ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        content,
        ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
      });
    }),
  );
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, ValidationError } from '@nestjs/common';
import { GqlContextType } from '@nestjs/graphql';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { Prisma } from '../generated/prisma/client';
import { DomainError, ErrorCode, FieldIssue } from './domain-error';
import { REQUEST_LIMIT } from '../modules/import/import-body';

/** Flattens class-validator's tree into `field.path[0].leaf: message` issues. */
export function validationIssues(errors: ValidationError[], parent = ''): FieldIssue[] {
  return errors.flatMap((error) => {
    const index = /^\d+$/.test(error.property);
    const path =
      parent === '' ? error.property : index ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field: path,
      message: message.startsWith('property ') ? `unknown field "${error.property}"` : message,
    }));
    return [...own, ...validationIssues(error.children ?? [], path)];
  });
}

/** At most this many field issues are reported (a list of 2,000 bad items would otherwise answer 2,000 of them). */
export const MAX_ISSUES = 20;

export function validationError(errors: ValidationError[]): DomainError {
  const all = validationIssues(errors);
  const issues = all.slice(0, MAX_ISSUES);
  const more = all.length > MAX_ISSUES ? `; and ${all.length - MAX_ISSUES} more` : '';
  return new DomainError('VALIDATION_FAILED', issues.map((i) => `${i.field}: ${i.message}`).join('; ') + more, issues);
}

const FRAMEWORK_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
};

/** Node socket errors meaning the database server could not be reached or went away. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
/** PostgreSQL states meaning "not now" (SQLSTATE class 08 is every connection exception). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Prisma's: cannot reach the server, timed out, server closed the connection, pool timeout. */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The driver adapter's error kinds for the same. */
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Connection closed|the database system is (starting up|shutting down)|Client has encountered a connection error|Unable to start a transaction in the given time/i;

/**
 * Whether an error says the database cannot be used right now (unreachable, going down or coming
 * up, out of connections), so the request may succeed if retried: a 503, not a 500. Looks through
 * the error's `cause` chain (Prisma wraps the driver's error, which wraps the socket's).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    const x = e as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
    const code = typeof x.code === 'string' ? x.code : typeof x.originalCode === 'string' ? x.originalCode : '';
    if (
      UNREACHABLE_CODES.has(code) ||
      PRISMA_UNAVAILABLE.has(code) ||
      UNAVAILABLE_STATES.has(code) ||
      /^08[0-9A-Z]{3}$/.test(code)
    )
      return true;
    if (typeof x.kind === 'string' && ADAPTER_UNAVAILABLE.has(x.kind)) return true;
    if (typeof x.message === 'string' && UNAVAILABLE_MESSAGE.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

/** Seconds a client is told to wait (Retry-After) before retrying after a 503. */
export const RETRY_AFTER_S = 2;

/**
 * Turns anything thrown into a DomainError or null (= an internal error). Known database errors
 * map to their meaning (P2002 unique → 409, P2025 missing → 404); nothing of theirs leaks.
 */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (isDatabaseUnavailable(error))
    return new DomainError('UNAVAILABLE', `the database cannot be reached right now; retry in ${RETRY_AFTER_S} s`);
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002')
      return new DomainError('CONFLICT', 'an object with the same unique name or address already exists');
    if (error.code === 'P2025') return new DomainError('NOT_FOUND', 'the object was not found');
    return null;
  }
  if (error instanceof HttpException) {
    const code = FRAMEWORK_CODES[error.getStatus()];
    if (!code) return null;
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? String((response as { message: unknown }).message)
        : error.message;
    return new DomainError(code, message);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new DomainError(
      'PAYLOAD_TOO_LARGE',
      `body: larger than this route takes (at most ${REQUEST_LIMIT} bytes; an import up to 512 MiB)`,
      [{ field: 'body', message: `larger than ${REQUEST_LIMIT} bytes` }],
    );
  }
  if (typeof status === 'number' && FRAMEWORK_CODES[status]) {
    // Fastify's own errors (malformed JSON, unsupported content type, body too large).
    return new DomainError(FRAMEWORK_CODES[status], (error as Error).message.replace(/^FST_\w+: /, ''));
  }
  return null;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: readonly FieldIssue[];
  rule?: string;
  requestId: string;
}

export function problemOf(error: unknown, requestId: string): Problem {
  const domain = toDomainError(error);
  if (!domain) {
    return {
      type: 'about:blank',
      title: 'Internal error',
      status: 500,
      code: 'INTERNAL',
      detail: `the server failed to handle this request; quote request id ${requestId}`,
      requestId,
    };
  }
  return {
    type: `https://svcpath.dev/problems/${domain.code.toLowerCase().replace(/_/g, '-')}`,
    title: domain.title,
    status: domain.status,
    detail: domain.message,
    code: domain.code,
    ...(domain.issues.length ? { errors: domain.issues } : {}),
    ...(domain.rule ? { rule: domain.rule } : {}),
    requestId,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  if (problem.status === 503 && !reply.hasHeader('retry-after'))
    void reply.header('retry-after', String(RETRY_AFTER_S));
  void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}

export function graphqlErrorOf(error: unknown, requestId: string, source?: GraphQLError): GraphQLError {
  const problem = problemOf(error, requestId);
  return new GraphQLError(problem.detail, {
    nodes: source?.nodes,
    path: source?.path,
    extensions: {
      code: problem.code,
      status: problem.status,
      requestId,
      ...(problem.errors ? { errors: problem.errors } : {}),
      ...(problem.rule ? { rule: problem.rule } : {}),
    },
  });
}

/** The one place errors leave the app: RFC 9457 problem+json over REST, typed errors over GraphQL. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') {
      const [, , context] = host.getArgs<[unknown, unknown, { req?: FastifyRequest }]>();
      const requestId = String(context?.req?.id ?? 'unknown');
      if (!toDomainError(error)) this.logger.error({ requestId, err: describe(error) });
      return graphqlErrorOf(error, requestId);
    }
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = problemOf(error, String(request.id));
    if (problem.status >= 500) this.logger.error({ requestId: request.id, err: describe(error) });
    sendProblem(http.getResponse<FastifyReply>(), problem);
    return undefined;
  }
}

export function describe(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'unknown', message: String(error) };
}

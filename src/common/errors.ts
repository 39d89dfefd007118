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
    const path = parent === '' ? error.property : index ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field: path,
      message: message.startsWith('property ') ? `unknown field "${error.property}"` : message,
    }));
    return [...own, ...validationIssues(error.children ?? [], path)];
  });
}

export function validationError(errors: ValidationError[]): DomainError {
  const issues = validationIssues(errors);
  return new DomainError('VALIDATION_FAILED', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
}

const FRAMEWORK_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND',
  409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 422: 'UNPROCESSABLE',
};

/**
 * Turns anything thrown into a DomainError or null (= an internal error). Known database errors
 * map to their meaning (P2002 unique → 409, P2025 missing → 404); nothing of theirs leaks.
 */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') return new DomainError('CONFLICT', 'an object with the same unique name or address already exists');
    if (error.code === 'P2025') return new DomainError('NOT_FOUND', 'the object was not found');
    return null;
  }
  if (error instanceof HttpException) {
    const code = FRAMEWORK_CODES[error.getStatus()];
    if (!code) return null;
    const response = error.getResponse();
    const message = typeof response === 'object' && response !== null && 'message' in response
      ? String((response as { message: unknown }).message) : error.message;
    return new DomainError(code, message);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if ((error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new DomainError('PAYLOAD_TOO_LARGE', `body: larger than this route takes (at most ${REQUEST_LIMIT} bytes; an import up to 512 MiB)`, [{ field: 'body', message: `larger than ${REQUEST_LIMIT} bytes` }]);
  }
  if (typeof status === 'number' && FRAMEWORK_CODES[status]) {
    // Fastify's own errors (malformed JSON, unsupported content type, body too large).
    return new DomainError(FRAMEWORK_CODES[status], (error as Error).message.replace(/^FST_\w+: /, ''));
  }
  return null;
}

export interface Problem {
  type: string; title: string; status: number; detail: string; code: string;
  errors?: readonly FieldIssue[]; rule?: string; requestId: string;
}

export function problemOf(error: unknown, requestId: string): Problem {
  const domain = toDomainError(error);
  if (!domain) {
    return { type: 'about:blank', title: 'Internal error', status: 500, code: 'INTERNAL',
      detail: `the server failed to handle this request; quote request id ${requestId}`, requestId };
  }
  return {
    type: `https://svcpath.dev/problems/${domain.code.toLowerCase().replace(/_/g, '-')}`,
    title: domain.title, status: domain.status, detail: domain.message, code: domain.code,
    ...(domain.issues.length ? { errors: domain.issues } : {}),
    ...(domain.rule ? { rule: domain.rule } : {}),
    requestId,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(problem);
}

export function graphqlErrorOf(error: unknown, requestId: string, source?: GraphQLError): GraphQLError {
  const problem = problemOf(error, requestId);
  return new GraphQLError(problem.detail, {
    nodes: source?.nodes, path: source?.path,
    extensions: {
      code: problem.code, status: problem.status, requestId,
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
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { name: 'unknown', message: String(error) };
}

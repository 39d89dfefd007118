import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { ProblemView } from './api-problems';
import { DomainError } from './domain-error';
import { problemOf } from './errors';

/**
 * Optimistic concurrency over REST. Every entity row carries a `version`, bumped by each committed
 * change to it; its strong ETag is that number quoted (`"7"`). A GET of one object and a PATCH
 * answer with it; a PATCH or DELETE with `If-Match` goes ahead only if one of the tags it names is
 * the object's current ETag (`*`: any), checked in the write's transaction, under the lock that
 * serialises writes to the cluster, so no other write can slip in between the check and the change.
 */

/** A parsed If-Match header: `*`, or the versions its strong entity tags name (weak ones never match). */
export type IfMatch = { readonly any: true } | { readonly any: false; readonly versions: readonly number[] };

export const etagOf = (version: number): string => `"${version}"`;

/** One entity tag or `*`, then a comma or the end (RFC 9110 §8.8.3, §13.1.1). */
const ELEMENT = /\s*(?:(\*)|(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")\s*(?:,|$)/y;

/** Null when absent; a 400 naming If-Match when it is not `*` or a list of entity tags. */
export function parseIfMatch(header: string | string[] | undefined): IfMatch | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(', ') : header;
  const malformed = () =>
    DomainError.invalid(
      'If-Match',
      'must be "*" or a list of entity tags such as "3" (quotes included), as an ETag header gives them',
    );
  if (text.trim() === '') throw malformed();
  if (text.trim() === '*') return { any: true };
  const versions: number[] = [];
  ELEMENT.lastIndex = 0;
  while (ELEMENT.lastIndex < text.length) {
    const match = ELEMENT.exec(text);
    if (match === null || match[1] !== undefined) throw malformed();
    // Weak tags never match (If-Match compares strongly), nor does a tag this server never gives.
    if (match[2] === undefined && /^[1-9]\d{0,9}$/.test(match[3])) versions.push(Number(match[3]));
  }
  return { any: false, versions };
}

/** The 412 of a write whose If-Match names no current ETag of the object. */
export function staleIfMatch(): DomainError {
  const message =
    'matches no current ETag of the object: it changed since it was read (GET it again for its current ETag)';
  return new DomainError('PRECONDITION_FAILED', `If-Match: ${message}`, [{ field: 'If-Match', message }]);
}

/** Throws the 412 unless `ifMatch` (absent: no condition) holds for an object at `version`. */
export function checkIfMatch(ifMatch: IfMatch | null | undefined, version: number): void {
  if (!ifMatch || ifMatch.any || ifMatch.versions.includes(version)) return;
  throw staleIfMatch();
}

/** The If-Match header of a REST request, parsed (null when absent). */
export const IfMatchHeader = createParamDecorator((_data: unknown, ctx: ExecutionContext): IfMatch | null =>
  parseIfMatch(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** Sets `ETag` from the `version` of the object a handler returns. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((view: unknown) => {
        const version = (view as { version?: unknown } | null)?.version;
        if (typeof version === 'number') void reply.header('etag', etagOf(version));
        return view;
      }),
    );
  }
}

/** The ETag response header, for `@ApiOkResponse({ headers })`. */
export const ETAG_HEADER = {
  ETag: {
    description:
      'The object\'s strong entity tag: its `version`, quoted (`"7"`). Send it back in `If-Match` to change the object only if nobody changed it since.',
    schema: { type: 'string', example: '"7"' },
  },
};

/** A GET of one object, or a PATCH: answers with the object's ETag. */
export const ReturnsEtag = () => UseInterceptors(EtagInterceptor);

const STALE_EXAMPLE = problemOf(staleIfMatch(), '6f1d3c2a-8b4e-4f0a-9c7d-2e5b8a1f4c90');

/** A PATCH or DELETE that honours If-Match: the header and the 412. */
export function ApiIfMatch(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      example: '"7"',
      description:
        'Change the object only if its current ETag is one of these entity tags (the `ETag` of a GET or PATCH, quotes included), or `*` for any. ' +
        'Otherwise nothing changes and the answer is a 412. Checked in the same transaction as the change. Without it, the change is unconditional.',
    }),
    ApiResponse({
      status: 412,
      description:
        'If-Match names no current ETag of the object: someone changed it since you read it. Nothing was changed.',
      content: {
        'application/problem+json': {
          schema: { $ref: getSchemaPath(ProblemView) },
          examples: { 'stale-etag': { summary: 'The object changed since it was read', value: STALE_EXAMPLE } },
        },
      },
    }),
  );
}

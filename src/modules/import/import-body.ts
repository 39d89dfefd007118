import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../common/domain-error';
import { ARCHIVE_TYPES, JSON_TYPES, YAML_TYPES } from './import.dto';

/** Route config key (`@RouteConfig({ [RAW_BODY]: true })`): the route gets its JSON or YAML body as the raw text. */
export const RAW_BODY = 'svcpathRawBody';

/** The body limit of every route but the import (whose limit is the app's bodyLimit). */
export const REQUEST_LIMIT = 8 * 1024 * 1024;

/** The 415 for a body of a type the route does not read (`raw`: the import, which reads documents and archives). */
export function unsupportedType(contentType: string | undefined, raw: boolean): DomainError {
  const type = String(contentType ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const takes = raw ? [...JSON_TYPES, ...YAML_TYPES, ...ARCHIVE_TYPES].join(', ') : 'application/json';
  const message = `send ${raw ? 'the document as ' : ''}${takes}${type ? `, not ${type}` : ' with its Content-Type'}`;
  return new DomainError('UNSUPPORTED_MEDIA_TYPE', message, [{ field: 'content-type', message }]);
}

/**
 * Holds every route but the import to REQUEST_LIMIT, counted on the bytes that arrive, so a chunked
 * body is refused (413) as soon as it passes the limit, before anything parses it, as one that
 * declares its length is refused before it is read. Must run before the routes are registered.
 */
export function limitRouteBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const raw = (route.config as Record<string, unknown> | undefined)?.[RAW_BODY] === true;
    if (!raw) route.bodyLimit = REQUEST_LIMIT;
  });
}

const wantsRaw = (req: FastifyRequest): boolean =>
  (req.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[RAW_BODY] === true;

/**
 * Body parsing for the import route: its document reaches the import parser as text (so its own
 * errors, with positions, are reported), in JSON or YAML; a dump archive as bytes. Every other route parses JSON exactly as
 * before (Fastify's default JSON parser, as Nest installs it) and still answers YAML with a 415.
 */
@Injectable()
export class ImportBodyParsers implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    // Only the documented types are read (415 otherwise): JSON everywhere, YAML and archives on the
    // import. Fastify's text/plain and Nest's form parsers go.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    }
    // Any other type, or a body with none: a 415 that says what the route reads.
    fastify.addContentTypeParser('*', (req, _payload, done) =>
      done(unsupportedType(req.headers['content-type'], wantsRaw(req)), undefined),
    );
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const json = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
    if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) done(null, (body as Buffer).toString('utf8'));
      else void json(req, body as never, done);
    });
    fastify.addContentTypeParser(ARCHIVE_TYPES, { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) return done(null, body);
      return done(unsupportedType(req.headers['content-type'], false), undefined);
    });
    fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) return done(null, body);
      return done(unsupportedType(req.headers['content-type'], false), undefined);
    });
  }
}

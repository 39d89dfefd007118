import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { ARCHIVE_TYPES, YAML_TYPES } from './import.dto';

/** Route config key (`@RouteConfig({ [RAW_BODY]: true })`): the route gets its JSON or YAML body as the raw text. */
export const RAW_BODY = 'svcpathRawBody';

/** The body limit of every route but the import (whose limit is the app's bodyLimit). */
export const REQUEST_LIMIT = 8 * 1024 * 1024;

const wantsRaw = (req: FastifyRequest): boolean => (req.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[RAW_BODY] === true;

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
    // Only imports may be large (a 150,000-pod dump is hundreds of MB); every other route is held
    // to REQUEST_LIMIT before its body is read, when it declares its length.
    fastify.addHook('onRequest', (req, _reply, done) => {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > REQUEST_LIMIT && !wantsRaw(req)) {
        return done(Object.assign(new Error(`Request body is too large (${length} bytes; at most ${REQUEST_LIMIT} here, imports excepted)`), { statusCode: 413 }));
      }
      done();
    });
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const json = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
    if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) done(null, (body as Buffer).toString('utf8'));
      else json(req, body as never, done);
    });
    fastify.addContentTypeParser(ARCHIVE_TYPES, { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) return done(null, body);
      return done(Object.assign(new Error(`Unsupported Media Type: ${req.headers['content-type'] ?? ''}`), { statusCode: 415 }), undefined);
    });
    fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) return done(null, body);
      const error = Object.assign(new Error(`Unsupported Media Type: ${req.headers['content-type'] ?? ''}`), { statusCode: 415 });
      return done(error, undefined);
    });
  }
}

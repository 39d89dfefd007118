import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { YAML_TYPES } from './import.dto';

/** Route config key (`@RouteConfig({ [RAW_BODY]: true })`): the route gets its JSON or YAML body as the raw text. */
export const RAW_BODY = 'svcpathRawBody';

const wantsRaw = (req: FastifyRequest): boolean => (req.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[RAW_BODY] === true;

/**
 * Body parsing for the import route: its document reaches the import parser as text (so its own
 * errors, with positions, are reported), in JSON or YAML. Every other route parses JSON exactly as
 * before (Fastify's default JSON parser, as Nest installs it) and still answers YAML with a 415.
 */
@Injectable()
export class ImportBodyParsers implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.addContentTypeParser !== 'function') return;
    const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
    const json = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
    if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) done(null, (body as Buffer).toString('utf8'));
      else json(req, body as never, done);
    });
    fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'string', bodyLimit }, (req, body, done) => {
      if (wantsRaw(req)) return done(null, body);
      const error = Object.assign(new Error(`Unsupported Media Type: ${req.headers['content-type'] ?? ''}`), { statusCode: 415 });
      return done(error, undefined);
    });
  }
}

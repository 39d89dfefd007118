import { randomUUID } from 'node:crypto';
import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import pino from 'pino';
import { AppModule, AppOptions } from './app.module';
import { AnswerMemo } from './modules/analysis/answer-memo';
import { problemOf, sendProblem } from './common/errors';
import { Lifecycle } from './common/lifecycle';

export interface CreateAppOptions extends AppOptions {
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const NEST_LEVELS: Record<NonNullable<CreateAppOptions['logLevel']>, LogLevel[]> = {
  silent: [], fatal: ['fatal'], error: ['fatal', 'error'], warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'], debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('svcpath')
    .setDescription('Can client X reach Kubernetes Service Y, and will its source IP survive? '
      + 'Every route but /health and the docs needs the header `Authorization: Bearer <API key>` '
      + '(POST /v1/tenants: `Authorization: Bearer <operator token>`). '
      + 'Errors are `application/problem+json` (RFC 9457). '
      + 'The examples run as shown against the demo cluster `cce-demo`; an id in a path is a placeholder: put the real id in its place.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Builds the application exactly as `main.ts` serves it (tests use this too). */
export async function createApp(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const level = options.logLevel ?? 'info';
  // Logs go to stdout asynchronously: a slow reader (a pipe to a log shipper) must never stall
  // request handling, as a synchronous write does by sleeping until the pipe drains. Flushed on close.
  const logStream = level === 'silent' ? null : pino.destination({ dest: 1, sync: false });
  const adapter = new FastifyAdapter({
    logger: logStream === null ? false : { level, stream: logStream },
    // One line per request, written when it completes (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // The import route's limit (kubectl dumps of large clusters); other routes: REQUEST_LIMIT.
    bodyLimit: 512 * 1024 * 1024,
    trustProxy: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: new ConsoleLogger({ json: true, logLevels: NEST_LEVELS[level] }),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // First of all hooks: while shutting down, new requests are refused and in-flight ones counted.
  app.get(Lifecycle).install(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  if (logStream !== null) {
    fastify.addHook('onResponse', (request, reply, done) => {
      request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
      done();
    });
    fastify.addHook('onClose', (_instance, done) => {
      try { logStream.flushSync(); } catch { /* not opened yet: nothing to flush */ }
      done();
    });
  }
  // Errors Fastify raises before Nest's pipeline (malformed JSON, wrong content type, body too
  // large) are problem+json too. This replaces the handler the Fastify integration installed
  // (hence Fastify's FSTWRN004 notice at start); Nest's filters never see these errors.
  fastify.setErrorHandler((error, request, reply) => {
    sendProblem(reply, problemOf(error, String(request.id)));
  });
  // Repeated analyses are answered from the responses they were given (see AnswerMemo).
  app.get(AnswerMemo).install(fastify);
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json', yamlDocumentUrl: 'docs/openapi.yaml' });
  await app.init();
  return app;
}

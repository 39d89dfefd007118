import { randomUUID } from 'node:crypto';
import { createServer, RequestListener, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FastifyError, FastifyReply, FastifyRequest, LogController } from 'fastify';
import pino from 'pino';
import { createLogger, NestLogger } from './common/log';
import { tidyOpenApi } from './common/openapi-tidy';
import { AppModule, AppOptions } from './app.module';
import { AnswerMemo } from './modules/analysis/answer-memo';
import { problemOf, sendProblem } from './common/errors';
import { Lifecycle } from './common/lifecycle';
import { DomainError, ErrorCode } from './common/domain-error';
import { limitsWith } from './config/limits';
import { limitRouteBodies } from './modules/import/import-body';
import { Metrics } from './modules/metrics/metrics';

export interface CreateAppOptions extends AppOptions {
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('svcpath')
    .setDescription(
      'Can client X reach Kubernetes Service Y, and will its source IP survive? ' +
        'Every route but /health and the docs needs the header `Authorization: Bearer <API key>` ' +
        '(POST /v1/tenants: `Authorization: Bearer <operator token>`). ' +
        'Errors are `application/problem+json` (RFC 9457). ' +
        'The examples run as shown against the demo cluster `cce-demo`; an id in a path is a placeholder: put the real id in its place.',
    )
    .setVersion('1')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth()
    .build();
  return tidyOpenApi(SwaggerModule.createDocument(app, config));
}

/** The problem a router-level error stands for (FST_ERR_BAD_URL, FST_ERR_MAX_PARAM_LENGTH, …), without the URL it carries. */
function frameworkError(error: { code?: string; statusCode?: number }): DomainError {
  if (error.code === 'FST_ERR_BAD_URL') return DomainError.invalid('path', 'is not a valid URL: bad percent-encoding');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new DomainError('URI_TOO_LONG', 'path: a path parameter is longer than 100 characters', [
      { field: 'path', message: 'a path parameter is longer than 100 characters' },
    ]);
  return new DomainError('VALIDATION_FAILED', 'the request could not be routed');
}

const CLIENT_ERRORS: Record<string, { code: ErrorCode; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'REQUEST_TIMEOUT',
    detail: 'the request did not arrive in time (see SVCPATH_REQUEST_TIMEOUT_MS, SVCPATH_HEADERS_TIMEOUT_MS)',
  },
  HPE_HEADER_OVERFLOW: { code: 'VALIDATION_FAILED', detail: 'headers: larger than the server takes (16 KiB)' },
};

/**
 * A request Node's HTTP parser refused or timed out (Fastify's clientErrorHandler): a problem+json
 * written straight to the socket, which then closes. Nothing of the request is echoed.
 */
function clientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = error.code !== undefined ? CLIENT_ERRORS[error.code] : undefined;
  const problem = problemOf(
    new DomainError(known?.code ?? 'VALIDATION_FAILED', known?.detail ?? 'the request is not valid HTTP/1.1'),
    randomUUID(),
  );
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : problem.status;
  const body = JSON.stringify({ ...problem, status });
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nx-request-id: ${problem.requestId}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Builds the application exactly as `main.ts` serves it (tests use this too). */
export async function createApp(options: CreateAppOptions): Promise<NestFastifyApplication> {
  const level = options.logLevel ?? 'info';
  const { http } = limitsWith(options.limits);
  // Logs go to stdout asynchronously: a slow reader (a pipe to a log shipper) must never stall
  // request handling, as a synchronous write does by sleeping until the pipe drains. Flushed on close.
  const logStream = level === 'silent' ? null : pino.destination({ dest: 1, sync: false });
  const logger = createLogger(level, logStream ?? { write: () => undefined });
  const adapter = new FastifyAdapter({
    // Fastify's lines (requests among them, with reqId) and Nest's share one logger and format (common/log.ts).
    loggerInstance: logger,
    // One line per request, written when it completes (see the onResponse hook below).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // The import route's limit (kubectl dumps of large clusters); other routes: REQUEST_LIMIT.
    bodyLimit: 512 * 1024 * 1024,
    trustProxy: false,
    // Timeouts (limits.http): the whole request must arrive within requestTimeoutMs and its headers
    // within headersTimeoutMs (checked every second), else 408; an idle kept-alive connection closes
    // after keepAliveTimeoutMs. Node's defaults (300 s, 60 s, checked every 30 s) let a client
    // trickling a body hold a connection for minutes.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    serverFactory: (handler: RequestListener) =>
      createServer(
        {
          requestTimeout: http.requestTimeoutMs,
          headersTimeout: Math.min(http.headersTimeoutMs, http.requestTimeoutMs),
          keepAliveTimeout: http.keepAliveTimeoutMs,
          connectionsCheckingInterval: 1_000,
        },
        handler,
      ),
    // Errors found before a request reaches a route (a malformed request line or header, a timeout,
    // a bad URL encoding, a path parameter over the router's limit) are problem+json too, and never
    // echo the request back.
    clientErrorHandler: clientError,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, problemOf(frameworkError(error), String(request.id))),
  });
  // Nest's Fastify integration installs an error handler of its own, which ours (below) replaces:
  // not installing it keeps Fastify from warning about the replacement (FSTWRN004) at every start.
  adapter.setErrorHandler = () => adapter.getInstance();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: new NestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Before the routes are registered (app.init): their body limits.
  limitRouteBodies(fastify);
  // First of all hooks: while shutting down, new requests are refused and in-flight ones counted.
  app.get(Lifecycle).install(fastify);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  if (logStream !== null) {
    fastify.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
      done();
    });
    fastify.addHook('onClose', (_instance, done) => {
      try {
        logStream.flushSync();
      } catch {
        /* not opened yet: nothing to flush */
      }
      done();
    });
  }
  // Errors Fastify raises before Nest's pipeline (malformed JSON, wrong content type, body too
  // large) are problem+json too. The only error handler (the Fastify integration's is not
  // installed, see above); Nest's filters never see these errors.
  fastify.setErrorHandler((error, request, reply) => {
    sendProblem(reply, problemOf(error, String(request.id)));
  });
  // Repeated analyses are answered from the responses they were given (see AnswerMemo).
  app.get(AnswerMemo).install(fastify);
  // Requests by route template and status, and their latency (only when /metrics is served).
  app.get(Metrics).install(fastify);
  SwaggerModule.setup('docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
  await app.init();
  return app;
}

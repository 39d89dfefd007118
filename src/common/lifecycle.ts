import { Server } from 'node:http';
import { Injectable } from '@nestjs/common';
import { FastifyInstance } from 'fastify';
import { DomainError } from './domain-error';
import { problemOf, sendProblem } from './errors';

export interface DrainResult {
  /** Whether every in-flight request finished within the grace period. */
  readonly finished: boolean;
  /** Requests still running when the grace period ended (their connections were closed). */
  readonly cut: number;
  readonly ms: number;
}

/**
 * Graceful shutdown. On `drain()` the server stops accepting connections; a request arriving on a
 * kept-alive connection is answered 503 + `Connection: close` (so is `/health/ready`, which tells a
 * load balancer to stop sending); requests already in flight (an import included) run to the end,
 * each answered with `Connection: close`, for at most the grace period; then the remaining
 * connections are closed. Only after that does the caller close the application and its database
 * (Nest's `app.close()` runs the modules' destroy hooks, closing the pool, before it stops the HTTP
 * server, which is why draining happens first).
 */
@Injectable()
export class Lifecycle {
  private draining = false;
  private inFlight = 0;
  private idle: (() => void) | null = null;

  get isDraining(): boolean {
    return this.draining;
  }

  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (this.draining && request.url !== '/health/live') {
        void reply.header('connection', 'close').header('retry-after', '1');
        sendProblem(
          reply,
          problemOf(
            new DomainError(
              'UNAVAILABLE',
              'the server is shutting down; retry the request (another instance will take it)',
            ),
            String(request.id),
          ),
        );
        return;
      }
      this.inFlight += 1;
      // 'close' fires once per response, whether it was sent or the client went away.
      reply.raw.once('close', () => {
        this.inFlight -= 1;
        if (this.inFlight === 0 && this.idle !== null) this.idle();
      });
      done();
    });
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (this.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  /** Stops taking work and waits up to `graceMs` for the requests in flight; see the class comment. */
  async drain(server: Server, graceMs: number): Promise<DrainResult> {
    const start = Date.now();
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    let finished = this.inFlight === 0;
    if (!finished) {
      finished = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.idle = null;
          resolve(false);
        }, graceMs);
        this.idle = () => {
          clearTimeout(timer);
          this.idle = null;
          resolve(true);
        };
      });
    }
    const cut = this.inFlight;
    server.closeAllConnections();
    return { finished, cut, ms: Date.now() - start };
  }
}

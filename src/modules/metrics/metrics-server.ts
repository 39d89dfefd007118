import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { problemOf } from '../../common/errors';
import { DomainError } from '../../common/domain-error';
import { checkMetricsToken } from './metrics-access';
import { Metrics, METRICS_OPTIONS, METRICS_PATH, MetricsOptions } from './metrics';

/**
 * The metrics listener of its own (SVCPATH_METRICS_PORT): GET /metrics and nothing else, so the
 * port can be left to the scraper's network while the API port faces clients. With a token
 * (SVCPATH_METRICS_TOKEN) set, it is required here too. Listens from app.init() to app.close().
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private server: Server | null = null;
  private readonly logger = new Logger('MetricsServer');

  constructor(
    private readonly metrics: Metrics,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.port === null) return;
    const server = createServer(
      { requestTimeout: 10_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 },
      (req, res) => void this.handle(req, res),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.error(`metrics listener: ${error.message}`));
    this.server = server;
  }

  /** Where the listener is bound (null when there is none). */
  address(): AddressInfo | null {
    const bound = this.server?.address();
    return typeof bound === 'object' && bound !== null ? bound : null;
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== METRICS_PATH) throw new DomainError('NOT_FOUND', 'this port serves GET /metrics only');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new DomainError('METHOD_NOT_ALLOWED', 'GET /metrics only');
      checkMetricsToken(this.options.token, req.headers.authorization);
      const body = await this.metrics.render();
      res.writeHead(200, {
        'content-type': this.metrics.contentType,
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(body),
        'x-request-id': requestId,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      const problem = problemOf(error, requestId);
      const body = JSON.stringify(problem);
      res.writeHead(problem.status, {
        'content-type': 'application/problem+json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-request-id': requestId,
      });
      res.end(body);
    }
  }
}

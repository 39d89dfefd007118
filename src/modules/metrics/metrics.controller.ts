import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Public } from '../../common/auth';
import { DomainError } from '../../common/domain-error';
import { checkMetricsToken } from './metrics-access';
import { Metrics, METRICS_OPTIONS, MetricsOptions } from './metrics';

/**
 * GET /metrics on the API port, in the Prometheus text format. No API key (it has a token of its
 * own): served when SVCPATH_METRICS_TOKEN is set and SVCPATH_METRICS_PORT is not; a 404 otherwise
 * (no token: nothing is exposed on the API port; a metrics port: served there, see MetricsServer).
 * Not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(METRICS_OPTIONS) private readonly options: MetricsOptions,
  ) {}

  @Get()
  @Public()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (this.options.port !== null)
      throw new DomainError('NOT_FOUND', 'metrics are served on the metrics port (SVCPATH_METRICS_PORT), not here');
    if (this.options.token === null)
      throw new DomainError(
        'NOT_FOUND',
        'metrics are turned off on this server (set SVCPATH_METRICS_TOKEN or SVCPATH_METRICS_PORT)',
      );
    checkMetricsToken(this.options.token, authorization);
    const body = await this.metrics.render();
    await reply
      .status(200)
      .header('content-type', this.metrics.contentType)
      .header('cache-control', 'no-store')
      .send(body);
  }
}

import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { Public } from '../../common/auth';
import { DomainError } from '../../common/domain-error';
import { Limits, LIMITS } from '../../config/limits';

export const DEFAULT_QUERY = `# Put your API key in the Headers tab below:
#   {"Authorization": "Bearer svc_..."}
query Clusters {
  clusters(limit: 10) {
    items { id name profile networkModel proxyMode version }
    nextCursor
  }
}
`;

/**
 * The GraphQL playground. The stock IDEs of Mercurius/Apollo load GraphiQL from a CDN and show a
 * blank page offline; this page has every asset inlined, so it works with no internet access.
 * Served unless `limits.graphql.playground` is off (SVCPATH_GRAPHIQL; off by default when
 * NODE_ENV=production): then /graphiql is a 404 like any unknown route.
 */
@ApiExcludeController()
@Controller()
export class GraphiqlController {
  constructor(@Inject(LIMITS) private readonly limits: Limits) {}

  private readonly page = renderGraphiQL({
    endpoint: '/graphql',
    title: 'svcpath GraphiQL',
    defaultQuery: DEFAULT_QUERY,
    headers: JSON.stringify({ Authorization: 'Bearer <your API key>' }, null, 2),
  } as Parameters<typeof renderGraphiQL>[0]);

  @Get('graphiql')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  graphiql(): string {
    if (!this.limits.graphql.playground)
      throw new DomainError(
        'NOT_FOUND',
        'the GraphiQL playground is turned off on this server (SVCPATH_GRAPHIQL=false)',
      );
    return this.page;
  }
}

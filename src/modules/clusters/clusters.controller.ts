import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiBodyExamples,
  ApiIdParam,
  CLUSTER_EXAMPLES,
  CLUSTER_PROBLEMS,
  PLACEHOLDER,
} from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth } from '../../common/auth';
import { ApiIfMatch, ETAG_HEADER, IfMatch, IfMatchHeader, ReturnsEtag } from '../../common/etag';
import {
  Created,
  IdempotencyKey,
  IdempotencyKeyHeader,
  IdempotentCreate,
  REPLAYED_HEADER,
} from '../../common/idempotency';
import { UuidParam } from '../../common/params';
import { PageArgs } from '../topology/paging';
import { ClusterPage, ClusterView, CreateClusterInput, UpdateClusterInput } from './cluster.dto';
import { ClustersService } from './clusters.service';

@ApiTags('clusters')
@ApiBearerAuth()
@ApiProblems()
@Controller('v1/clusters')
export class ClustersController {
  constructor(private readonly service: ClustersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a cluster' })
  @ApiBodyExamples(CreateClusterInput, CLUSTER_EXAMPLES.create)
  @ApiProblems(CLUSTER_PROBLEMS.create)
  @IdempotentCreate()
  @ApiCreatedResponse({ type: ClusterView, headers: REPLAYED_HEADER })
  create(
    @CurrentAuth() auth: AuthContext,
    @Body() input: CreateClusterInput,
    @IdempotencyKeyHeader() key: IdempotencyKey | null,
  ): Promise<Created<ClusterView>> {
    return this.service.create(auth.tenantId, input, key);
  }

  @Get()
  @ApiOperation({ summary: 'List clusters' })
  @ApiProblems(CLUSTER_PROBLEMS.list)
  @ApiOkResponse({ type: ClusterPage })
  list(@CurrentAuth() auth: AuthContext, @Query() page: PageArgs) {
    return this.service.list(auth.tenantId, page);
  }

  @Get(':clusterId')
  @ApiOperation({ summary: 'Get a cluster' })
  @ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
  @ApiProblems(CLUSTER_PROBLEMS.get)
  @ApiOkResponse({ type: ClusterView, headers: ETAG_HEADER })
  @ReturnsEtag()
  get(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string): Promise<ClusterView> {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':clusterId')
  @ApiOperation({ summary: 'Update a cluster' })
  @ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
  @ApiBodyExamples(UpdateClusterInput, CLUSTER_EXAMPLES.update)
  @ApiProblems(CLUSTER_PROBLEMS.update)
  @ApiIfMatch()
  @ApiOkResponse({ type: ClusterView, headers: ETAG_HEADER })
  @ReturnsEtag()
  update(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') id: string,
    @Body() input: UpdateClusterInput,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<ClusterView> {
    return this.service.update(auth.tenantId, id, input, ifMatch);
  }

  @Delete(':clusterId')
  @ApiOperation({ summary: 'Delete a cluster' })
  @HttpCode(204)
  @ApiIdParam('clusterId', PLACEHOLDER.newCluster)
  @ApiProblems(CLUSTER_PROBLEMS.remove)
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted with everything in it.' })
  remove(
    @CurrentAuth() auth: AuthContext,
    @UuidParam('clusterId') id: string,
    @IfMatchHeader() ifMatch: IfMatch | null,
  ): Promise<void> {
    return this.service.remove(auth.tenantId, id, ifMatch);
  }
}

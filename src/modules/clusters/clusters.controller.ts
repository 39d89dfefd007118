import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiBodyExamples, ApiIdParam, CLUSTER_EXAMPLES, CLUSTER_PROBLEMS, PLACEHOLDER } from '../../common/api-examples';
import { ApiProblems } from '../../common/api-problems';
import { AuthContext, CurrentAuth } from '../../common/auth';
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
  @ApiBodyExamples(CreateClusterInput, CLUSTER_EXAMPLES.create)
  @ApiProblems(CLUSTER_PROBLEMS.create)
  @ApiCreatedResponse({ type: ClusterView })
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateClusterInput): Promise<ClusterView> {
    return this.service.create(auth.tenantId, input);
  }

  @Get()
  @ApiProblems(CLUSTER_PROBLEMS.list)
  @ApiOkResponse({ type: ClusterPage })
  list(@CurrentAuth() auth: AuthContext, @Query() page: PageArgs) {
    return this.service.list(auth.tenantId, page);
  }

  @Get(':clusterId')
  @ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
  @ApiProblems(CLUSTER_PROBLEMS.get)
  @ApiOkResponse({ type: ClusterView })
  get(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string): Promise<ClusterView> {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':clusterId')
  @ApiIdParam('clusterId', PLACEHOLDER.demoCluster)
  @ApiBodyExamples(UpdateClusterInput, CLUSTER_EXAMPLES.update)
  @ApiProblems(CLUSTER_PROBLEMS.update)
  @ApiOkResponse({ type: ClusterView })
  update(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string, @Body() input: UpdateClusterInput): Promise<ClusterView> {
    return this.service.update(auth.tenantId, id, input);
  }

  @Delete(':clusterId')
  @HttpCode(204)
  @ApiIdParam('clusterId', PLACEHOLDER.newCluster)
  @ApiProblems(CLUSTER_PROBLEMS.remove)
  @ApiNoContentResponse({ description: 'Deleted with everything in it.' })
  remove(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string): Promise<void> {
    return this.service.remove(auth.tenantId, id);
  }
}

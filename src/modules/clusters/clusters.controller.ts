import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiCreatedResponse({ type: ClusterView })
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateClusterInput): Promise<ClusterView> {
    return this.service.create(auth.tenantId, input);
  }

  @Get()
  @ApiOkResponse({ type: ClusterPage })
  list(@CurrentAuth() auth: AuthContext, @Query() page: PageArgs) {
    return this.service.list(auth.tenantId, page);
  }

  @Get(':clusterId')
  @ApiOkResponse({ type: ClusterView })
  get(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string): Promise<ClusterView> {
    return this.service.get(auth.tenantId, id);
  }

  @Patch(':clusterId')
  @ApiOkResponse({ type: ClusterView })
  update(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string, @Body() input: UpdateClusterInput): Promise<ClusterView> {
    return this.service.update(auth.tenantId, id, input);
  }

  @Delete(':clusterId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with everything in it.' })
  remove(@CurrentAuth() auth: AuthContext, @UuidParam('clusterId') id: string): Promise<void> {
    return this.service.remove(auth.tenantId, id);
  }
}
